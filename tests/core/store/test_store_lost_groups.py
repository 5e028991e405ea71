"""A store that loses every write group (a full disk) says so once, reminds every 10 minutes, and says when it
writes again: not a line a write."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from core.store import Store, WriteAbortedError
from tests.helpers.store_full import allow_state, refuse_state


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
    assert said[1][0] == "INFO" and said[1][1].startswith("Roost's store answers again, after 30 failed")
