"""One SQLite file in WAL mode: a group-committing writer and a read connection.

The writer is a thread of this process (``GroupWriter``, the default) or a child process
(``ProcessWriter``, ``writer="process"``, which the gateway uses): under load a writer
thread waits for the GIL after every SQLite call while the event loop runs Python, so the
two take turns on one core; the child runs beside the loop (see core.store.process).

Durability. The writer runs with ``PRAGMA synchronous=FULL``: every commit fsyncs the WAL
before ``await db.write(...)`` returns, so a write that returned survives SIGKILL *and* a
power cut. ``NORMAL`` only survives a process crash (the WAL is fsynced at checkpoints, so
the last commits can be lost to a power cut). Group commit makes FULL cheap: one fsync per
group (about 190 rows with 200 producers), not per row. Measured with scripts/bench_store.py
on the shared 2-core development VM (AES-GCM on, 200 producers, five interleaved runs): FULL
and NORMAL were within noise of each other on a quiet machine (~35-45k messages/s); with the
machine overloaded by other processes (load 5) the medians were 20.8k (FULL) and 24.7k
(NORMAL) messages/s, because each fsync wait costs a reschedule. FULL is the default; pass
``synchronous="NORMAL"`` only where losing the last second of writes to a power cut is fine.

Reads go through a separate connection with ``query_only`` set, on a thread of its own
(core.store.reader); WAL lets them run while the writer writes, and a read started after a
write returned sees that write.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from core.permissions import create_private
from core.store.errors import RowDecryptError, StoreClosedError
from core.store.ids import IdAllocator
from core.store.operations import BUSY_TIMEOUT_MS, connect_writer
from core.store.process import ProcessWriter
from core.store.reader import Reader
from core.store.schema import MIGRATIONS, Migration, migrate
from core.store.sealing import ValueCipher
from core.store.writer import GroupWriter

_SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")
WRITERS = ("thread", "process")

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

DELETE_CHUNK = 2000
"""Rows a pruning deletes in one write (about 2 MB of pages for traces)."""


class Database:
    """The store's SQLite file: ``write`` for group-committed operations, ``fetch*`` for reads."""

    def __init__(self, path: Path, cipher: ValueCipher, writer: GroupWriter | ProcessWriter) -> None:
        self.path = path
        self.cipher = cipher
        self._writer = writer
        self._reader: Reader | None = None
        self._closed = False
        self.ids = IdAllocator(self.write)
        self.schema_version = 0
        self.row_errors: collections.deque[RowDecryptError] = collections.deque(maxlen=200)
        self.on_row_error: Callable[[RowDecryptError], None] | None = None

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        cipher: ValueCipher,
        *,
        synchronous: str = "FULL",
        max_batch: int = 1000,
        migrations: Sequence[Migration] = MIGRATIONS,
        writer: str = "thread",
    ) -> Database:
        """Open (creating if needed) and migrate the database at path; return it ready to use.

        writer: "thread" (the write connection on a thread of this process) or "process" (in
        a child process, see core.store.process: faster under load, operations must be
        module-level functions).
        """
        sync = synchronous.upper()
        if sync not in _SYNCHRONOUS:
            raise ValueError(
                f"synchronous must be one of {', '.join(_SYNCHRONOUS)}, got {synchronous!r}"
            )
        if writer not in WRITERS:
            raise ValueError(f"writer must be one of {', '.join(WRITERS)}, got {writer!r}")
        file = Path(path)
        await asyncio.to_thread(create_private, file)
        group_writer: GroupWriter | ProcessWriter
        if writer == "process":
            group_writer = ProcessWriter(str(file), sync, max_batch=max_batch)
        else:
            group_writer = GroupWriter(lambda: connect_writer(str(file), sync), max_batch=max_batch)
        await group_writer.start()
        db = cls(file, cipher, group_writer)
        try:
            db.schema_version = await group_writer.call(migrate, list(migrations), str(file))
            db._reader = await Reader.open(str(file), BUSY_TIMEOUT_MS)
        except BaseException:
            await db.close()
            raise
        return db

    @property
    def on_writer_lost(self) -> Callable[[str], None] | None:
        """Called (with the reason) when a writer process dies while the store is open."""
        return self._writer.on_lost if isinstance(self._writer, ProcessWriter) else None

    @on_writer_lost.setter
    def on_writer_lost(self, callback: Callable[[str], None] | None) -> None:
        if isinstance(self._writer, ProcessWriter):
            self._writer.on_lost = callback

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(conn, *args) in the next commit group; return its result once durable."""
        return await self._writer.submit(fn, *args)

    async def delete_old(self, fn: Callable[..., int], table: str, column: str, before: float) -> int:
        """Delete table's rows from before a time, in chunks: fn(conn, before, upto, limit) deletes at most limit
        old rows below upto, the id of the first row whose time column is before or later (ids grow with it).

        upto is found by reading the old rows in id order, without an index on the time; a row stamped earlier
        than one before it counts as newer, until every row below it is old too.
        """
        row = await self.fetchone(
            f"SELECT COALESCE((SELECT id FROM {table} WHERE {column} >= ? ORDER BY id LIMIT 1),"
            f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}))", (before,))
        assert row is not None
        return await self.delete_in_chunks(fn, before, int(row[0]))

    async def delete_in_chunks(self, fn: Callable[..., int], *args: Any) -> int:
        """Run fn(conn, *args, DELETE_CHUNK), a deletion of at most DELETE_CHUNK rows, until it deletes fewer;
        return how many rows went.

        One statement deleting a backlog kept every page it changed in memory until its commit, and the
        store's writes waited for it: 685,000 traces took the writer to 699 MiB and 8 s, 400,000 finished
        tasks to 125 MiB. A chunk is a write of its own, so messages are stored between chunks.
        """
        removed = 0
        while (count := await self._writer.submit(fn, *args, DELETE_CHUNK)) == DELETE_CHUNK:
            removed += count
        return removed + count

    def submit(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """Queue fn(conn, *args) for the next group now; await the future for its durable result."""
        return self._writer.submit(fn, *args)

    async def new_id(self, table: str) -> int:
        """A fresh row id for table, taken before the row is written (see IdAllocator)."""
        return self.ids.take(table) or await self.ids.next(table)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only query on the read connection and return every row."""
        return await self._require_reader().fetchall(sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """Run a read-only query (of one row: by key, a count) and return its first row, or None.

        One call on the reader thread, like fetchall: a cursor left open between a fetch and its
        close keeps its read transaction, and a read of another caller run in that gap saw the
        store as it was before writes already committed (a reply recorded as sent looked pending
        and went out twice).
        """
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    def _require_reader(self) -> Reader:
        if self._closed or self._reader is None:
            raise StoreClosedError("the store is closed; this read was not run")
        return self._reader

    def report_row_error(self, error: RowDecryptError) -> None:
        """Record a row skipped by a list method: logged, kept in row_errors, passed to on_row_error."""
        self.row_errors.append(error)
        _LOGGER.warning(
            "skipped %s row %r: column %r failed to decrypt", error.table, error.row, error.column
        )
        if self.on_row_error is not None:
            try:
                self.on_row_error(error)
            except Exception:
                _LOGGER.exception("on_row_error callback failed")

    @property
    def writer_pid(self) -> int | None:
        """The process id of the writer process; None when the writer is a thread."""
        return self._writer.pid if isinstance(self._writer, ProcessWriter) else None

    def stats(self) -> dict[str, Any]:
        """Writer figures: commits, operations, failed operations, largest group, commit times, backlog."""
        return {**self._writer.figures.as_dict(), "backlog": self._writer.backlog}

    async def checkpoint(self) -> None:
        """Fold the WAL back into the main file (TRUNCATE checkpoint)."""
        await self._writer.call(_checkpoint)

    async def close(self) -> None:
        """Finish every accepted write, then close both connections."""
        if self._closed:
            return
        self._closed = True
        try:
            await self.ids.settle()
            if self._reader is not None:
                await self._reader.close()
                self._reader = None
        finally:
            await self._writer.close()


def _checkpoint(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
