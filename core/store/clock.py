"""A clock set back since the store was last written: the waits it would stretch end now.

Due times are wall-clock seconds (they outlive the process). A box without a real-time clock
that starts after a power cut, before it reaches a time server, starts at the time it last
saved (fake-hwclock saves hourly; systemd-timesyncd at each synchronization, which never comes
offline), hours or days behind the store's newest rows. Left as they are, the replies and runs
that were due would wait until the clock has caught up, and each chat's later messages behind
them. Nothing can have been written in the future, so a clock behind the newest time the store
holds was set back. Then every wait that is only a wait (a retry's backoff, a held reply's
hourly try: minutes at most) ends now; what has a time of its own (a timer set for tomorrow)
keeps it, and comes now only if that time had passed by the store's newest time: if the clock
is set right a moment later, moving it would make it early. The times written ahead of the
clock are then set to now, so that the next start does not find the clock behind them again
(and bring forward the timers set since).

Runs in the store's writer, like ``writes``: it imports nothing but sqlite3 and the store's write modules.
"""

from __future__ import annotations

import sqlite3

from core.store.operations import all_or_group
from core.store.writes import OUTBOX_OPEN

BEHIND_AT_LEAST = 1.0
"""Seconds the clock must be behind the store's newest time to count as set back (not mere jitter)."""

# The newest row of each queue (ids grow in arrival order: one row through the primary key), the
# newest trace (through its index), and the newest state value: a small table that the retention
# pass writes hourly and, under systemd, the watchdog every 30 s (see core.systemd).
_NEWEST = (
    "SELECT MAX(t) FROM ("
    " SELECT (SELECT received_at FROM inbox ORDER BY id DESC LIMIT 1) AS t"
    " UNION ALL SELECT (SELECT MAX(created_at, COALESCE(finished_at, 0)) FROM tasks ORDER BY id DESC LIMIT 1)"
    " UNION ALL SELECT (SELECT MAX(created_at, COALESCE(delivered_at, 0)) FROM outbox ORDER BY id DESC LIMIT 1)"
    " UNION ALL SELECT MAX(started_at) FROM traces"
    " UNION ALL SELECT MAX(updated_at) FROM state)"
)
# The times _NEWEST reads, and a trace's end with its start. A scan each but for traces' starts (200,000 tasks: 90 ms
# for both of theirs), done only when the clock was set back.
_STAMPS = (("inbox", "received_at"), ("tasks", "created_at"), ("tasks", "finished_at"), ("outbox", "created_at"),
           ("outbox", "delivered_at"), ("traces", "started_at"), ("traces", "finished_at"), ("state", "updated_at"))


@all_or_group
def catch_up_clock(conn: sqlite3.Connection, now: float, timed_kind: str,
                   was: float | None = None) -> tuple[float, int, int] | None:
    """When now is behind the store's newest time (or was, what the clock showed before it was seen set back), make
    the open tasks and pending replies due now, except tasks of timed_kind due after that time, and set the times
    written after now to now; (how far behind, tasks, replies), or None when the clock is not behind."""
    newest = conn.execute(_NEWEST).fetchone()[0] if was is None else was
    if newest is None or newest - now < BEHIND_AT_LEAST:
        return None
    tasks = conn.execute(
        "UPDATE tasks SET available_at = ?1 WHERE state IN ('queued', 'leased') AND available_at > ?1"
        " AND (kind != ?3 OR available_at <= ?2)", (now, newest, timed_kind)).rowcount
    replies = conn.execute(
        f"UPDATE outbox SET next_attempt_at = ? WHERE {OUTBOX_OPEN} AND next_attempt_at > ?", (now, now)).rowcount
    for table, column in _STAMPS:
        conn.execute(f"UPDATE {table} SET {column} = ?1 WHERE {column} > ?1", (now,))
    return newest - now, tasks, replies
