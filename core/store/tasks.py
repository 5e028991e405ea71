"""The task queue: durable, by priority then age, one task at a time per chat, leased to workers.

Per-chat order: of the open (queued or leased) tasks of a chat only the oldest is its *head*,
and only a queued head that is due can be leased. So a later task of a chat never runs
before an earlier one has finished (completed or buried), whatever their priorities; a chat
whose oldest task waits for a retry waits as a whole. Among leasable heads the highest
priority goes first, then the oldest (lowest id; ids increase in enqueue order).

Idempotency keys are remembered while the task row exists (done tasks are kept until
``prune``): enqueueing the same key again returns the first task's id.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Container
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from core.store.errors import RowDecryptError, RowNotFoundError
from core.store.operations import single_statement
from core.store.sealing import SealedColumns

if TYPE_CHECKING:
    from core.store.database import Database

STATES = ("queued", "leased", "done", "dead")

_COLUMNS = (
    "id, kind, payload, priority, chat_key, lane, idempotency_key, state, available_at,"
    " created_at, attempts, lease_until, last_error, inbox_id"
)
_ENQUEUE = (
    "INSERT INTO tasks(id, kind, payload, priority, chat_key, lane, idempotency_key, state,"
    " head, available_at, created_at, inbox_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued',"
    " NOT EXISTS (SELECT 1 FROM tasks WHERE chat_key = ? AND state IN ('queued', 'leased')),"
    " ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING"
)
_PROMOTE = (
    "UPDATE tasks SET head = 1 WHERE head = 0 AND id = (SELECT id FROM tasks"
    " WHERE chat_key = ? AND state IN ('queued', 'leased') ORDER BY id LIMIT 1)"
)


@dataclass(slots=True, unsafe_hash=True)  # not frozen: a frozen init costs 10x (one per lease)
class Task:
    """One task as stored (payload and last error decrypted; payload is empty once done); treat as read-only."""

    id: int
    kind: str
    payload: bytes
    priority: int
    chat_key: str
    lane: str
    idempotency_key: str | None
    state: str
    available_at: float
    created_at: float
    attempts: int
    lease_until: float | None
    last_error: str | None
    inbox_id: int | None = None
    """The stored message that started this task (its payload may leave the message out)."""


class PreparedTask(NamedTuple):
    """A task sealed and numbered, ready to be inserted inside another operation (``insert_prepared``)."""

    id: int
    params: tuple[Any, ...]
    idempotency_key: str | None


def insert_prepared(conn: sqlite3.Connection, task: tuple[tuple[Any, ...], str | None]) -> int:
    """Insert a prepared task, given as (params, idempotency_key), inside a write operation.

    Returns its id (the existing id for a known key). Operations pass plain tuples rather
    than PreparedTask: they pickle several times faster (see core.store.process).
    """
    return _enqueue(conn, task[0], task[1])


def promote_head(conn: sqlite3.Connection, chat_key: str) -> None:
    """Make the oldest open task of chat_key its head (after the head finished)."""
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
        "UPDATE tasks SET head = 0 WHERE chat_key = ? AND state = 'queued' AND head = 1",
        (chat_key,),
    )
    conn.execute(_PROMOTE, (chat_key,))


@single_statement
def _enqueue(conn: sqlite3.Connection, params: tuple[Any, ...], key: str | None) -> int:
    if conn.execute(_ENQUEUE, params).rowcount == 1:
        return int(params[0])
    return int(conn.execute("SELECT id FROM tasks WHERE idempotency_key = ?", (key,)).fetchone()[0])


@single_statement  # reads, then one UPDATE
def _lease(
    conn: sqlite3.Connection,
    now: float,
    lease_until: float,
    limit: int,
    capacity: dict[str, int] | None,
    min_priority: int | None = None,
) -> list[tuple[Any, ...]]:
    floor = -(2**62) if min_priority is None else min_priority
    if not capacity:  # the common case: the choice is one statement too
        rows = conn.execute(
            f"UPDATE tasks SET state = 'leased', lease_until = ?, attempts = attempts + 1"
            f" WHERE id IN (SELECT id FROM tasks WHERE state = 'queued' AND head = 1"
            f" AND available_at <= ? AND priority >= ? ORDER BY priority DESC, id LIMIT ?)"
            f" RETURNING {_COLUMNS}",
            (lease_until, now, floor, limit),
        ).fetchall()
        rows.sort(key=lambda r: (-r[3], r[0]))
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
        "SELECT id, lane FROM tasks WHERE state = 'queued' AND head = 1"
        " AND available_at <= ? AND priority >= ? ORDER BY priority DESC, id",
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
        f"UPDATE tasks SET state = 'leased', lease_until = ?, attempts = attempts + 1"
        f" WHERE id IN ({marks}) RETURNING {_COLUMNS}",
        (lease_until, *chosen),
    ).fetchall()
    order = {task_id: i for i, task_id in enumerate(chosen)}
    rows.sort(key=lambda r: order[r[0]])
    return rows


def complete_task(conn: sqlite3.Connection, task_id: int, now: float) -> bool:
    """Mark a task done inside a write operation and promote its chat's next task."""
    row = conn.execute(
        "UPDATE tasks SET state = 'done', head = 0, payload = NULL, lease_until = NULL,"
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
def _retry(
    conn: sqlite3.Connection, task_id: int, available_at: float, error: bytes | None
) -> None:
    changed = conn.execute(
        "UPDATE tasks SET state = 'queued', lease_until = NULL, available_at = ?, last_error = ?"
        " WHERE id = ? AND state IN ('queued', 'leased')",
        (available_at, error, task_id),
    ).rowcount
    if changed == 0:
        raise RowNotFoundError("tasks", task_id)


def _bury(conn: sqlite3.Connection, task_id: int, letter_id: int, reason: bytes, now: float) -> int:
    row = conn.execute(
        "UPDATE tasks SET state = 'dead', head = 0, lease_until = NULL, finished_at = ?"
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
def _recover(conn: sqlite3.Connection, now: float) -> int:
    return conn.execute(
        "UPDATE tasks SET state = 'queued', lease_until = NULL"
        " WHERE state = 'leased' AND lease_until <= ?",
        (now,),
    ).rowcount


@single_statement
def _unlease(conn: sqlite3.Connection, ids: list[int]) -> int:
    marks = ",".join("?" * len(ids))
    return conn.execute(
        "UPDATE tasks SET state = 'queued', lease_until = NULL, attempts = MAX(attempts - 1, 0)"
        f" WHERE id IN ({marks}) AND state = 'leased'",
        ids,
    ).rowcount


@single_statement
def _prune(conn: sqlite3.Connection, before: float) -> int:
    # A task finished before `before` was created before it, so it sits below the first task
    # created since: the scan reads old rows in id order and needs no index on the times.
    return conn.execute(
        "DELETE FROM tasks WHERE state = 'done' AND finished_at < ?1 AND id < COALESCE("
        "(SELECT id FROM tasks WHERE created_at >= ?1 ORDER BY id LIMIT 1),"
        " (SELECT MAX(id) + 1 FROM tasks))",
        (before,),
    ).rowcount


class TaskQueue:
    """Durable priority queue with per-chat order, lanes, leases, retries and dead letters."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sealed = SealedColumns(db, "tasks")
        self._letters = SealedColumns(db, "dead_letters")

    async def enqueue(
        self,
        kind: str,
        payload: bytes,
        *,
        priority: int,
        chat_key: str,
        lane: str,
        idempotency_key: str | None = None,
        available_at: float | None = None,
        inbox_id: int | None = None,
    ) -> int:
        """Queue a task durably and return its id (the existing id for a known idempotency key)."""
        task = await self.prepare(
            kind, payload, priority=priority, chat_key=chat_key, lane=lane,
            idempotency_key=idempotency_key, available_at=available_at, inbox_id=inbox_id,
        )
        return await self._db.write(_enqueue, task.params, task.idempotency_key)

    async def prepare(
        self,
        kind: str,
        payload: bytes,
        *,
        priority: int,
        chat_key: str,
        lane: str,
        idempotency_key: str | None = None,
        available_at: float | None = None,
        inbox_id: int | None = None,
    ) -> PreparedTask:
        """Number and seal a task without writing it: another operation inserts it in its own
        write (``Inbox.receive``), so the task and what caused it are durable together.

        inbox_id: the stored message that starts the task (the inbox keeps it while the task is open).
        """
        now = time.time()
        db = self._db
        task_id = db.ids.take("tasks") or await db.ids.next("tasks")
        params = (
            task_id,
            kind,
            self._sealed.seal(task_id, "payload", payload),
            int(priority),
            chat_key,
            lane,
            idempotency_key,
            chat_key,
            now if available_at is None else available_at,
            now,
            inbox_id,
        )
        return PreparedTask(task_id, params, idempotency_key)

    async def lease(
        self,
        now: float,
        lease_seconds: float,
        limit: int,
        lanes_capacity: dict[str, int] | None = None,
        payload_known: Container[int] = (),
        min_priority: int | None = None,
    ) -> list[Task]:
        """Lease up to limit due tasks: priority, then age; one per chat; lanes within capacity.

        ``lanes_capacity`` maps a lane to the most tasks of that lane leased at once (leases
        already held count); lanes not in it are unlimited. A leased task whose payload fails
        to decrypt is buried (dead letter naming the error), reported, and not returned.
        ``payload_known``: ids of tasks whose payload the caller still holds from enqueueing
        them; on their first attempt they come back with an empty payload (not decrypted).
        ``min_priority``: only tasks of at least this priority (a scheduler leasing ahead).
        """
        if limit <= 0:
            return []
        rows = await self._db.write(
            _lease,
            now,
            now + lease_seconds,
            limit,
            dict(lanes_capacity) if lanes_capacity else None,
            min_priority,
        )
        out: list[Task] = []
        for row in rows:
            try:
                out.append(self._task(row, skip_payload=row[10] == 1 and row[0] in payload_known))
            except RowDecryptError as exc:
                self._db.report_row_error(exc)
                await self.bury(row[0], str(exc))
        return out

    async def complete(self, id: int) -> bool:
        """Mark a task done (its chat's next task becomes leasable); False if it already finished."""
        return await self._db.write(complete_task, id, time.time())

    async def retry(self, id: int, available_at: float, error: str | None = None) -> None:
        """Put a leased task back in the queue, due at available_at, remembering the error."""
        sealed = None if error is None else self._sealed.seal_text(id, "last_error", error)
        await self._db.write(_retry, id, available_at, sealed)

    async def bury(self, id: int, reason: str) -> int:
        """Move a task to the dead letters with reason; return the dead letter's id."""
        letter_id = await self._db.new_id("dead_letters")
        sealed = self._letters.seal_text(letter_id, "reason", reason)
        return await self._db.write(_bury, id, letter_id, sealed, time.time())

    async def unlease(self, ids: list[int]) -> int:
        """Give leased tasks that never started back to the queue, their attempt not counted.

        Returns how many were still leased. (A task that started and was interrupted goes
        back with ``retry`` instead: its attempt counts.)
        """
        return await self._db.write(_unlease, list(ids)) if ids else 0

    async def recover_expired(self, now: float) -> int:
        """Return tasks whose lease expired (a crashed worker) to the queue; attempts are kept."""
        return await self._db.write(_recover, now)

    async def prune(self, older_than_seconds: float, now: float | None = None) -> int:
        """Delete done tasks finished more than older_than_seconds ago; return how many."""
        return await self._db.write(_prune, (now or time.time()) - older_than_seconds)

    async def get(self, id: int) -> Task | None:
        """Return the task with this id (None if absent); RowDecryptError if it is damaged."""
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM tasks WHERE id = ?", (id,))
        return None if row is None else self._task(row)

    async def open_count(self, *, key_part: str | None = None) -> int:
        """Tasks queued or leased (read through the open-tasks index, not the whole table).

        key_part: only tasks whose chat_key has this as one of its '|'-separated parts.
        """
        if key_part is None:
            row = await self._db.fetchone("SELECT COUNT(*) FROM tasks WHERE state IN ('queued', 'leased')")
        else:
            row = await self._db.fetchone(
                "SELECT COUNT(*) FROM tasks WHERE state IN ('queued', 'leased')"
                " AND instr('|' || chat_key || '|', '|' || ? || '|') > 0",
                (key_part,),
            )
        return int(row[0]) if row else 0

    async def open_counts(self) -> dict[str, int]:
        """Open (queued or leased) tasks per chat key."""
        rows = await self._db.fetchall(
            "SELECT chat_key, COUNT(*) FROM tasks WHERE state IN ('queued', 'leased') GROUP BY chat_key")
        return {key: count for key, count in rows}

    async def counts(self) -> dict[str, int]:
        """Number of tasks in each state (queued, leased, done, dead)."""
        rows = await self._db.fetchall("SELECT state, COUNT(*) FROM tasks GROUP BY state")
        counts = dict.fromkeys(STATES, 0)
        counts.update({state: n for state, n in rows})
        return counts

    def _task(self, row: tuple[Any, ...], *, skip_payload: bool = False) -> Task:
        sealed = self._sealed
        payload = b"" if row[2] is None or skip_payload else sealed.open(row[0], "payload", row[2])
        return Task(
            row[0],
            row[1],
            payload,
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            row[10],
            row[11],
            sealed.open_optional_text(row[0], "last_error", row[12]),
            row[13],
        )
