"""The task queue's writes, run by the store's writer (a thread, or the writer process).

Per-chat order lives here: of the open (queued or leased) tasks of a chat only the oldest is its
*head*, and only a queued head that is due can be leased; finishing a task promotes the next.
So do the chats' turns: a task's ``head`` is 0, or its turn among the heads of its priority (it
joins the line behind the heads queued before it), and heads are leased by priority, then turn.
A chat with a backlog gets one task in turn, as every other chat does.
"""

from __future__ import annotations

import sqlite3

from core.store.errors import RowNotFoundError
from core.store.operations import single_statement, unsynced

TYPE_CHECKING = False  # typing itself costs the writer process 0.8 MiB; type checkers read this as True
if TYPE_CHECKING:
    from typing import Any

COLUMNS = (  # what a read of a task returns, in this order
    "id, kind, payload, priority, chat_key, lane, idempotency_key, state, available_at,"
    " created_at, attempts, last_error, inbox_id"
)
# The turn after the last queued head of a priority: one step down the index tasks_ready.
# (A bare MAX() subquery: wrapped in COALESCE it is not read as a max and took 23 us, not 1.6, with 50,000 heads.)
_NEXT_TURN = ("(COALESCE((SELECT MAX(head) FROM tasks AS line"
              " WHERE state = 'queued' AND head > 0 AND priority = {}), 0) + 1)")
_ENQUEUE = (
    "INSERT INTO tasks(id, kind, payload, priority, chat_key, lane, idempotency_key, state,"
    " head, available_at, created_at, inbox_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued',"
    " CASE WHEN EXISTS (SELECT 1 FROM tasks WHERE chat_key = ?5 AND state IN ('queued', 'leased')) THEN 0"
    f" ELSE {_NEXT_TURN.format('?4')} END,"
    " ?8, ?9, ?10) ON CONFLICT (idempotency_key) DO NOTHING"
)
# Through the index of open tasks: it stops at the first queued one, past at most the leased ones.
_ANY_QUEUED = "SELECT EXISTS(SELECT 1 FROM tasks WHERE state IN ('queued', 'leased') AND state = 'queued')"
_PROMOTE = (
    f"UPDATE tasks SET head = {_NEXT_TURN.format('tasks.priority')} WHERE head = 0 AND id = (SELECT id FROM tasks"
    " WHERE chat_key = ? AND state IN ('queued', 'leased') ORDER BY id LIMIT 1)"
)



def insert_prepared(conn: sqlite3.Connection, task: tuple[tuple[Any, ...], str | None]) -> int:
    """Insert a prepared task, given as (params, idempotency_key), inside a write operation.

    Returns its id (the existing id for a known key). Operations pass plain tuples rather
    than PreparedTask: they pickle several times faster (see core.store.process).
    """
    return enqueue(conn, task[0], task[1])


def promote_head(conn: sqlite3.Connection, chat_key: str) -> None:
    """Make the oldest open task of chat_key its head, last in line (after the head finished)."""
    conn.execute(_PROMOTE, (chat_key,))


def refresh_head(conn: sqlite3.Connection, chat_key: str) -> None:
    """Recompute the head of chat_key after an older task was re-queued (a running task keeps it)."""
    if (
        conn.execute(
            "SELECT 1 FROM tasks WHERE chat_key = ? AND state = 'leased' LIMIT 1", (chat_key,)
        ).fetchone()
        is not None
    ):
        return
    conn.execute(
        "UPDATE tasks SET head = 0 WHERE chat_key = ? AND state = 'queued' AND head > 0",
        (chat_key,),
    )
    conn.execute(_PROMOTE, (chat_key,))


@single_statement
def enqueue(conn: sqlite3.Connection, params: tuple[Any, ...], key: str | None) -> int:
    """Queue a task (the chat's head if it has no open task); its id (the existing one for a known key)."""
    if conn.execute(_ENQUEUE, params).rowcount == 1:
        return int(params[0])
    return int(conn.execute("SELECT id FROM tasks WHERE idempotency_key = ?", (key,)).fetchone()[0])


@unsynced  # a lost lease leaves its task queued
@single_statement  # reads, then one UPDATE
def lease(
    conn: sqlite3.Connection,
    now: float,
    limit: int,
    capacity: dict[str, int] | None,
    min_priority: int | None = None,
) -> tuple[list[tuple[Any, ...]], bool]:
    """Lease up to limit queued heads due at now; also say whether any task is still queued (fewer than limit taken)."""
    rows = _lease_rows(conn, now, limit, capacity, min_priority)
    drained = len(rows) < limit and not conn.execute(_ANY_QUEUED).fetchone()[0]
    return rows, drained


@single_statement  # synced: the attempt it counts decides, at the next start, whether the task is given up
def lease_alone(conn: sqlite3.Connection, now: float, min_attempts: int) -> tuple[Any, ...] | None:
    """Lease the first queued head due at now leased at least min_attempts times before, or None."""
    return conn.execute(
        f"UPDATE tasks SET state = 'leased', attempts = attempts + 1 WHERE id = (SELECT id FROM tasks"
        f" WHERE state = 'queued' AND head > 0 AND available_at <= ? AND attempts >= ? ORDER BY priority DESC, head, id"
        f" LIMIT 1) RETURNING {COLUMNS}",
        (now, min_attempts),
    ).fetchone()


def _lease_rows(
    conn: sqlite3.Connection,
    now: float,
    limit: int,
    capacity: dict[str, int] | None,
    min_priority: int | None,
) -> list[tuple[Any, ...]]:
    floor = -(2**62) if min_priority is None else min_priority
    if not capacity:  # the common case: the choice is one statement too
        rows = conn.execute(
            f"UPDATE tasks SET state = 'leased', attempts = attempts + 1"
            f" WHERE id IN (SELECT id FROM tasks WHERE state = 'queued' AND head > 0"
            f" AND available_at <= ? AND priority >= ? ORDER BY priority DESC, head, id LIMIT ?)"
            f" RETURNING {COLUMNS}, head",
            (now, floor, limit),
        ).fetchall()
        rows.sort(key=lambda r: (-r[3], r[-1], r[0]))
        return rows
    remaining: dict[str, int] | None = None
    if capacity:
        busy = dict(
            conn.execute(
                "SELECT lane, COUNT(*) FROM tasks WHERE state = 'leased' GROUP BY lane"
            ).fetchall()
        )
        remaining = {lane: cap - busy.get(lane, 0) for lane, cap in capacity.items()}
    chosen: list[int] = []
    cursor = conn.execute(
        "SELECT id, lane FROM tasks WHERE state = 'queued' AND head > 0"
        " AND available_at <= ? AND priority >= ? ORDER BY priority DESC, head, id",
        (now, floor),
    )
    for task_id, lane in cursor:
        if remaining is not None and lane in remaining:
            if remaining[lane] <= 0:
                continue
            remaining[lane] -= 1
        chosen.append(task_id)
        if len(chosen) >= limit:
            break
    cursor.close()
    if not chosen:
        return []
    marks = ",".join("?" * len(chosen))
    rows = conn.execute(
        f"UPDATE tasks SET state = 'leased', attempts = attempts + 1"
        f" WHERE id IN ({marks}) RETURNING {COLUMNS}",
        chosen,
    ).fetchall()
    order = {task_id: i for i, task_id in enumerate(chosen)}
    rows.sort(key=lambda r: order[r[0]])
    return rows


def complete_task(conn: sqlite3.Connection, task_id: int, now: float) -> bool:
    """Mark a task done inside a write operation and promote its chat's next task."""
    row = conn.execute(
        "UPDATE tasks SET state = 'done', head = 0, payload = NULL,"
        " finished_at = ? WHERE id = ? AND state IN ('queued', 'leased') RETURNING chat_key",
        (now, task_id),
    ).fetchone()
    if row is None:
        if conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone() is None:
            raise RowNotFoundError("tasks", task_id)
        return False
    promote_head(conn, row[0])
    return True


@single_statement
def retry(
    conn: sqlite3.Connection, task_id: int, available_at: float, error: bytes | None
) -> None:
    """Queue a leased task again, due at available_at, with the error that ended this attempt."""
    changed = conn.execute(
        "UPDATE tasks SET state = 'queued', available_at = ?, last_error = ?"
        " WHERE id = ? AND state IN ('queued', 'leased')",
        (available_at, error, task_id),
    ).rowcount
    if changed == 0:
        raise RowNotFoundError("tasks", task_id)


def bury(conn: sqlite3.Connection, task_id: int, letter_id: int, reason: bytes, now: float) -> int:
    """Move an open task to the dead letters and promote its chat's next; the letter's id."""
    row = conn.execute(
        "UPDATE tasks SET state = 'dead', head = 0, finished_at = ?"
        " WHERE id = ? AND state IN ('queued', 'leased') RETURNING chat_key",
        (now, task_id),
    ).fetchone()
    if row is None:
        existing = conn.execute(
            "SELECT id FROM dead_letters WHERE source = 'task' AND ref_id = ?", (task_id,)
        ).fetchone()
        if existing is not None:
            return int(existing[0])
        raise RowNotFoundError("tasks", task_id)
    conn.execute(
        "INSERT INTO dead_letters(id, source, ref_id, reason, created_at) VALUES (?, 'task', ?, ?, ?)",
        (letter_id, task_id, reason, now),
    )
    promote_head(conn, row[0])
    return letter_id


@single_statement
def recover_leased(conn: sqlite3.Connection) -> int:
    """Queue again every leased task (at a start: the process that leased it is gone); how many."""
    return conn.execute("UPDATE tasks SET state = 'queued' WHERE state = 'leased'").rowcount


@single_statement
def unlease(conn: sqlite3.Connection, ids: list[int]) -> int:
    """Give back leased tasks, their attempt not counted; how many."""
    marks = ",".join("?" * len(ids))
    return conn.execute(
        "UPDATE tasks SET state = 'queued', attempts = MAX(attempts - 1, 0)"
        f" WHERE id IN ({marks}) AND state = 'leased'",
        ids,
    ).rowcount


@single_statement
def prune(conn: sqlite3.Connection, before: float, upto: int, limit: int) -> int:
    """Delete up to limit tasks finished before `before`; how many."""
    # A task finished before `before` was created before it, so it sits below upto, the first task created
    # since (Database.delete_old): the scan reads old rows in id order and needs no index on the times.
    return conn.execute(
        "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE id < ?2 AND state = 'done' AND finished_at < ?1"
        " ORDER BY id LIMIT ?3)",
        (before, upto, limit),
    ).rowcount
