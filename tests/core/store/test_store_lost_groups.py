"""A store that loses every write group (a full disk) says so once, reminds every 10 minutes, and says when it
writes again: not a line a write."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from core.store import Store, WriteAbortedError


# Operations the store's writer runs (the writer process imports them by module and name).
def refuse_state(conn: sqlite3.Connection) -> None:
    """From now on a write group that sets a state value is lost whole, as on a full disk."""
    conn.execute("CREATE TEMP TRIGGER refuse BEFORE INSERT ON state"
                 " BEGIN SELECT RAISE(ROLLBACK, 'database or disk is full'); END")


def allow_state(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TRIGGER temp.refuse")


@pytest.mark.parametrize("writer", ["thread", "process"])
async def test_lost_groups_are_one_error_then_one_line_when_writes_commit_again(
        db_path: Path, cipher, writer: str, caplog) -> None:
    caplog.set_level(logging.INFO, logger="core.store")
    store = await Store.open(db_path, cipher, writer=writer)
    try:
        await store.db.write(refuse_state)
        for n in range(30):
            with pytest.raises(WriteAbortedError, match="database or disk is full"):
                await store.state.set("test", f"k{n}", n)
        await store.db.write(allow_state)
        await store.state.set("test", "after", 1)
    finally:
        await store.close()
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("core.store")]
    assert len(said) == 2, said
    assert said[0][0] == "ERROR" and said[0][1].startswith("A write group of 1 operations failed: ")
    assert "database or disk is full" in said[0][1] and "a line every 10 minutes" in said[0][1]
    assert said[1] == ("INFO", said[1][1]) and said[1][1].startswith("Roost's store answers again, after 30 failed")
