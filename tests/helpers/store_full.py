"""A store filled until it cannot take a message, or made to lose writes as on a full disk, for the tests of what
Roost does then."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from typing import Any

from tests.integrations.telegram.conftest import until

NO_CAP = 1_073_741_823

SHORT_REPLIES = """
automations:
  - id: got
    mode: queued
    triggers: [{trigger: message, platform: PLATFORM}]
    actions: [{reply: "got {{ trigger.text.split()[0] }}"}]
"""
"""Long messages, short replies: the disk fills at a message, and a reply still fits (the next written)."""


# Operations the store's writer process runs: it imports them by module and name.
def cap_pages(conn: sqlite3.Connection) -> None:
    """Let the file grow by no page: a write that needs one fails with "database or disk is full"."""
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")


def lift_cap(conn: sqlite3.Connection) -> None:
    """Let the file grow again."""
    conn.execute(f"PRAGMA max_page_count = {NO_CAP}")


def refuse_state(conn: sqlite3.Connection) -> None:
    """From now on a write group that sets a state value is lost whole, as on a full disk."""
    for event in ("INSERT", "UPDATE"):
        conn.execute(f"CREATE TEMP TRIGGER refuse_{event} BEFORE {event} ON state"
                     " BEGIN SELECT RAISE(ROLLBACK, 'database or disk is full'); END")


def allow_state(conn: sqlite3.Connection) -> None:
    """Let state values be set again."""
    for event in ("INSERT", "UPDATE"):
        conn.execute(f"DROP TRIGGER temp.refuse_{event}")


def unstored(caplog: Any) -> bool:
    """Whether the channel said Roost cannot store what came."""
    return any("Roost cannot store" in r.getMessage() for r in caplog.records)


async def fill_until_unstored(gateway: Any, say: Callable[[str], None], answered: Callable[[], int], caplog: Any,
                              size: int) -> int:
    """Cap the store at its pages, then say numbered messages of size characters until the channel says one could
    not be stored; how many were said (each waits for its reply a little: one that did not fit waits for room)."""
    await gateway.store.db.write(cap_pages)
    said = 0
    while not unstored(caplog):
        say(f"{said} " + "x" * size)
        said += 1
        with contextlib.suppress(TimeoutError):
            await until(lambda n=said: answered() > n or unstored(caplog), timeout=2)
    return said


def refuse_messages(conn: sqlite3.Connection) -> None:
    """From now on a write group that stores a message is lost whole, as on a full disk."""
    conn.execute("CREATE TEMP TRIGGER refuse_messages BEFORE INSERT ON inbox"
                 " BEGIN SELECT RAISE(ROLLBACK, 'database or disk is full'); END")


def allow_messages(conn: sqlite3.Connection) -> None:
    """Let messages be stored again."""
    conn.execute("DROP TRIGGER temp.refuse_messages")
