"""The single writer: operations from many callers committed together, one transaction per group.

Every write in the store is an *operation*: a plain function ``fn(conn, *args)`` that runs
on the writer's own thread against its own ``sqlite3`` connection. Callers ``await
writer.submit(fn, *args)``; the writer task takes everything pending (up to ``max_batch``),
runs it on the thread inside one ``BEGIN IMMEDIATE ... COMMIT``, and only after the commit
returned resolves each caller's future with its own result. So a caller's ``await`` returns
exactly when its row is durable, and N concurrent callers cost one commit (one fsync of the
WAL), not N.

Each operation runs inside its own SAVEPOINT: an operation that raises is rolled back alone
and fails only its own caller; the rest of the group commits. Operations marked
``@single_statement`` (at most one modifying statement) skip the savepoint: SQLite already
backs out a failing statement on its own, and the savepoint would cost about as much as the
insert itself. If the transaction itself is
lost (commit fails, disk full, I/O error), every caller of that group gets
``WriteAbortedError`` and nothing of the group is durable.

The batch is handed to the thread as one unit on purpose: aiosqlite would turn each of the
three statements per operation (savepoint, statement, release) into a cross-thread round trip
through the event loop, which caps group commit at a few thousand rows per second; here the
whole group costs one hand-off each way. Reads use a separate connection (see
``core.store.reader``), which WAL lets run while the writer writes.

Values are encrypted by the callers before they submit (the row id is taken first, see
``IdAllocator``): measured at about 4.5 µs of the ~20 µs of CPU a message costs, it would
otherwise lengthen the one serial path every write goes through.

An operation whose caller was cancelled before the group was taken is dropped (never
written); once taken, cancelling the caller does not undo the write.

``apply_group`` (one group, one transaction, in ``core.store.operations``) is shared with
``core.store.child``, which runs it in a child process instead of a thread.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from core.store.errors import StoreClosedError, WriteAbortedError
from core.store.figures import WriterFigures
from core.store.lost_groups import LostGroupsLog
from core.store.operations import Operation, apply_group, settle

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")
_Pending = tuple[Operation, tuple[Any, ...], "asyncio.Future[Any]"]


class GroupWriter:
    """Owns the write connection on one thread and commits pending operations in groups."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], *, max_batch: int = 1000) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self._connect = connect
        self._max_batch = max_batch
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roost-store-writer")
        self._conn: sqlite3.Connection | None = None
        self._pending: collections.deque[_Pending] = collections.deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        self.figures = WriterFigures()
        self._lost_log = LostGroupsLog(_LOGGER)

    async def start(self) -> None:
        """Open the connection on the writer thread and start the group loop."""
        loop = self._loop = asyncio.get_running_loop()
        self._conn = await loop.run_in_executor(self._executor, self._connect)
        self._task = loop.create_task(self._run(), name="roost-store-writer")

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(conn, *args) alone on the writer thread, outside any group (setup, migrations)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, fn, args)

    def _call(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        assert self._conn is not None, "writer connection is not open"
        return fn(self._conn, *args)

    def submit(self, fn: Operation, *args: Any) -> asyncio.Future[Any]:
        """Queue fn(conn, *args) for the next group; the future resolves after its commit."""
        if self._closing or self._loop is None:
            raise StoreClosedError("the store is closed; this write was not accepted")
        fut: asyncio.Future[Any] = self._loop.create_future()
        self._pending.append((fn, args, fut))
        if not self._wake.is_set():
            self._wake.set()
        return fut

    @property
    def backlog(self) -> int:
        """Operations waiting for a group."""
        return len(self._pending)

    async def _run(self) -> None:
        pending = self._pending
        while True:
            if not pending:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            group: list[_Pending] = []
            while pending and len(group) < self._max_batch:
                item = pending.popleft()
                if not item[2].cancelled():
                    group.append(item)
            if not group:
                continue
            handed = time.perf_counter()
            work = self._dispatch(group)
            try:
                outcomes = await asyncio.shield(work)
            except asyncio.CancelledError:
                # The thread is still applying this group: report its real outcome, then stop.
                settle(group, await work)
                raise
            except Exception as exc:  # the executor itself failed: never leave callers waiting
                _LOGGER.exception("write group could not be run")
                message = f"the write group could not be run ({exc!r}); nothing in it was saved"
                outcomes = [(False, WriteAbortedError(message)) for _ in group]
            self.figures.timed(time.perf_counter() - handed)
            settle(group, outcomes)

    def _dispatch(self, group: list[_Pending]) -> asyncio.Future[list[tuple[bool, Any]]]:
        """Start applying a group; the future gives each operation's outcome (never an error)."""
        assert self._loop is not None
        return self._loop.run_in_executor(self._executor, self._apply, group)

    def _apply(self, group: list[_Pending]) -> list[tuple[bool, Any]]:
        """Run one group in one transaction on the writer thread (never raises)."""
        conn = self._conn
        assert conn is not None
        outcomes, committed = apply_group(conn, [(fn, args) for fn, args, _ in group])
        if committed:
            self.figures.committed(len(outcomes), sum(1 for ok, _ in outcomes if not ok))
            self._lost_log.committed()
        else:
            self._lost_log.lost(outcomes)
            self.figures.lost(len(outcomes))
        return outcomes

    async def close(self) -> None:
        """Finish every accepted write, then close the connection and the thread."""
        if self._closing:
            return
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        loop = asyncio.get_running_loop()
        if self._conn is not None:
            await loop.run_in_executor(self._executor, self._conn.close)
            self._conn = None
        self._executor.shutdown(wait=True)
