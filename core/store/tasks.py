"""The task queue: durable, by priority then turn, one task at a time per chat, leased to workers.

Per-chat order: of the open (queued or leased) tasks of a chat only the oldest is its *head*,
and only a queued head that is due can be leased. So a later task of a chat never runs
before an earlier one has finished (completed or buried), whatever their priorities; a chat
whose oldest task waits for a retry waits as a whole. Among leasable heads the highest
priority goes first, then the one that has waited longest as a head: a chat whose task finished
queues its next behind the chats already waiting, so a backlog in one chat (a flood of messages,
a script looping) delays each other chat by at most one of its tasks per worker.

Idempotency keys are remembered while the task row exists (done tasks are kept until
``prune``): enqueueing the same key again returns the first task's id.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Container
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from core.store import task_writes as writes
from core.store.errors import RowDecryptError
from core.store.sealing import SealedColumns
from core.store.task_writes import COLUMNS

if TYPE_CHECKING:
    import asyncio

    from core.store.database import Database

STATES = ("queued", "leased", "done", "dead")

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
    last_error: str | None
    inbox_id: int | None = None
    """The stored message that started this task (its payload may leave the message out)."""


class PreparedTask(NamedTuple):
    """A task sealed and numbered, ready to be inserted inside another operation (``insert_prepared``)."""

    id: int
    params: tuple[Any, ...]
    idempotency_key: str | None


class Lease(list[Task]):
    """The tasks one lease took, in order; ``drained`` when it took fewer than asked and left no task queued."""

    drained: bool = False


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
        return await self._db.write(writes.enqueue, task.params, task.idempotency_key)

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
            now if available_at is None else available_at,
            now,
            inbox_id,
        )
        return PreparedTask(task_id, params, idempotency_key)

    def lease(
        self,
        now: float,
        limit: int,
        lanes_capacity: dict[str, int] | None = None,
        payload_known: Container[int] = (),
        min_priority: int | None = None,
    ) -> Awaitable[Lease]:
        """Lease up to limit due tasks: priority, then turn; one per chat; lanes within capacity.

        The write is submitted at once (it joins the transaction of writes submitted just before
        it); await the result. ``lanes_capacity`` maps a lane to the most tasks of that lane leased
        at once (leases already held count); lanes not in it are unlimited. A leased task whose
        payload fails to decrypt is buried (dead letter naming the error), reported, and not
        returned. ``payload_known``: ids of tasks whose payload the caller still holds from
        enqueueing them; on their first attempt they come back with an empty payload (not
        decrypted). ``min_priority``: only tasks of at least this priority (a scheduler leasing ahead).
        """
        if limit <= 0:
            return self._leased(None, payload_known)
        written = self._db.submit(
            writes.lease,
            now,
            limit,
            dict(lanes_capacity) if lanes_capacity else None,
            min_priority,
        )
        return self._leased(written, payload_known)

    async def _leased(self, written: asyncio.Future[Any] | None, payload_known: Container[int]) -> Lease:
        """The tasks of a lease write once it committed (rows decrypted, undecryptable ones buried)."""
        out = Lease()
        if written is None:
            return out
        rows, out.drained = await written
        for row in rows:
            try:
                out.append(self._task(row, skip_payload=row[10] == 1 and row[0] in payload_known))
            except RowDecryptError as exc:
                self._db.report_row_error(exc)
                await self.bury(row[0], str(exc))
        return out

    async def lease_alone(self, now: float, min_attempts: int) -> Task | None:
        """Lease the task, due by now, that would go first among those leased at least min_attempts times (to run
        it alone), or None."""
        while (row := await self._db.write(writes.lease_alone, now, min_attempts)) is not None:
            try:
                return self._task(row)
            except RowDecryptError as exc:
                self._db.report_row_error(exc)
                await self.bury(row[0], str(exc))
        return None

    async def complete(self, id: int) -> bool:
        """Mark a task done (its chat's next task becomes leasable); False if it already finished."""
        return await self._db.write(writes.complete_task, id, time.time())

    async def retry(self, id: int, available_at: float, error: str | None = None) -> None:
        """Put a leased task back in the queue, due at available_at, remembering the error."""
        sealed = None if error is None else self._sealed.seal_text(id, "last_error", error)
        await self._db.write(writes.retry, id, available_at, sealed)

    async def bury(self, id: int, reason: str) -> int:
        """Move a task to the dead letters with reason; return the dead letter's id."""
        letter_id = await self._db.new_id("dead_letters")
        sealed = self._letters.seal_text(letter_id, "reason", reason)
        return await self._db.write(writes.bury, id, letter_id, sealed, time.time())

    async def unlease(self, ids: list[int]) -> int:
        """Give leased tasks back to the queue, their attempt not counted (they never started, or Roost is stopping);
        how many were still leased. (A task that failed goes back with ``retry``: its attempt counts.)"""
        return await self._db.write(writes.unlease, list(ids)) if ids else 0

    async def left_leased(self, min_attempts: int) -> list[Task]:
        """The leased tasks leased at least min_attempts times: at a start, the process that leased them died."""
        rows = await self._db.fetchall(f"SELECT {COLUMNS} FROM tasks WHERE state = 'leased' AND attempts >= ?",
                                       (min_attempts,))
        tasks = []
        for row in rows:
            try:
                tasks.append(self._task(row))
            except RowDecryptError as exc:  # recovered with the others; buried once leased (see lease)
                self._db.report_row_error(exc)
        return tasks

    async def recover_leased(self) -> int:
        """Return every leased task to the queue, attempts kept: at a start, the process that leased it died (the
        instance lock lets one process at a time run a store's tasks, and its leases hold until it ends them)."""
        return await self._db.write(writes.recover_leased)

    async def prune(self, older_than_seconds: float, now: float | None = None) -> int:
        """Delete done tasks finished more than older_than_seconds ago; return how many."""
        return await self._db.delete_old(writes.prune, "tasks", "created_at", (now or time.time()) - older_than_seconds)

    async def get(self, id: int) -> Task | None:
        """Return the task with this id (None if absent); RowDecryptError if it is damaged."""
        row = await self._db.fetchone(f"SELECT {COLUMNS} FROM tasks WHERE id = ?", (id,))
        return None if row is None else self._task(row)

    async def open_count(self) -> int:
        """Tasks queued or leased, read through an index of open tasks, not the whole table."""
        row = await self._db.fetchone("SELECT COUNT(*) FROM tasks WHERE state IN ('queued', 'leased')")
        return int(row[0]) if row else 0

    async def open_counts(self) -> dict[str, int]:
        """Open (queued or leased) tasks per chat key."""
        rows = await self._db.fetchall(
            "SELECT chat_key, COUNT(*) FROM tasks WHERE state IN ('queued', 'leased') GROUP BY chat_key")
        return {key: count for key, count in rows}

    async def counts(self) -> dict[str, int]:
        """Number of tasks in each state (queued, leased, done, dead), read through indexes in one snapshot.

        Grouping the table by state read every row: 50 ms with 117,000 tasks here, 200-400 ms with 262,000 (a
        week of one message every 2 s), at each metrics scrape and Home Assistant entity read. Open tasks are
        counted through their index, dead ones by their dead letters (each has one), all by the smallest index
        (1-3 ms); the rest are done.
        """
        rows = await self._db.fetchall(
            "SELECT state, COUNT(*) FROM tasks WHERE state IN ('queued', 'leased') GROUP BY state"
            " UNION ALL SELECT 'dead', COUNT(*) FROM dead_letters WHERE source = 'task'"
            " UNION ALL SELECT 'all', COUNT(*) FROM tasks")
        found = dict(rows)
        counts = {state: found.get(state, 0) for state in STATES}
        counts["done"] = found["all"] - counts["queued"] - counts["leased"] - counts["dead"]
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
            sealed.open_optional_text(row[0], "last_error", row[11]),
            row[12],
        )
