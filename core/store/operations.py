"""What runs on the writer's own connection: opening it, operations, and one group per transaction.

Imported by the writer child process (``core.store.child``) as well as the gateway, so this
module and the repository modules whose operations the child runs import neither asyncio nor
the read connection: the child stays small (see ``core.store.child``).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable

from core.store.errors import StoreError, WriteAbortedError

TYPE_CHECKING = False  # typing itself costs the writer process 0.8 MiB; type checkers read this as True
if TYPE_CHECKING:
    from typing import Any, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])

Operation = Callable[..., object]
"""A write: fn(conn, *args), run by the writer in a group's transaction."""
BUSY_TIMEOUT_MS = 10_000
_NORMAL = 1
"""PRAGMA synchronous = NORMAL."""
WAL_CHECKPOINT_PAGES = 3_000
"""The WAL is checkpointed when it holds this many pages (12 MB of 4 KB pages)."""


def connect_writer(path: str, synchronous: str) -> sqlite3.Connection:
    """The write connection: WAL, the durability level, foreign keys, checkpoints every WAL_CHECKPOINT_PAGES."""
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, cached_statements=512
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(
                f"{path}: SQLite refused WAL mode (got {mode!r}); the store needs a local"
                " file system that supports shared memory (not a network share)"
            )
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_size_limit = 67108864")
        # Fold the WAL back every WAL_CHECKPOINT_PAGES pages (SQLite's default is 1,000): a
        # checkpoint copies each page once however often it was rewritten since the last one,
        # and the pages a busy store rewrites (index leaves, the tails of the queues) are
        # rewritten many times in 12 MB of WAL. The commit that checkpoints waits for it, and
        # once the store holds some 50,000 messages a 40 MB checkpoint took 10-25 ms. With
        # 3,000 pages the ws benchmark's p99 at a steady 1,200 messages/s after its heavier
        # runs was 9.1-10.9 ms against 14.3-17.4 ms with 10,000 (four interleaved pairs), its
        # pipelined rate and the e2e benchmark unchanged within noise (e2e 10.5k-10.9k against
        # 10.0k-12.3k messages/s); 1,000 pages gave 6.1-7.7 ms but e2e 9.9k-10.2k. Those
        # checkpoints were slow because random keys (message and run ids) spread each commit
        # over the unique indexes; with ids made in order (core.ids) a checkpoint copies ~90
        # distinct pages, and 1,000, 3,000 and 10,000 pages measured alike (two pairs each).
        # The WAL file stays under journal_size_limit.
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        # Statement journals and sorts that outgrow memory stay in memory instead of temporary
        # files (no extra writes to an SD card). Durability is the WAL's. The end-to-end
        # benchmark shows no difference either way (A/B, within this machine's noise).
        conn.execute("PRAGMA temp_store = MEMORY")
    except BaseException:
        conn.close()
        raise
    return conn



def single_statement(fn: F) -> F:
    """Mark an operation that changes the database in at most one statement (no savepoint needed)."""
    fn.single_statement = True  # type: ignore[attr-defined]
    return fn


def unsynced(fn: F) -> F:
    """Mark an operation whose write may reach the disk with the next synchronous commit (a lease).

    A group of only such operations commits without an fsync. The WAL is written in order, so
    the next commit that fsyncs makes it durable too; a power cut before that loses only it (a
    process crash loses nothing). Meant for writes whose loss is harmless: a lost lease leaves
    its task queued, to run again, as a crash would.
    """
    fn.unsynced = True  # type: ignore[attr-defined]
    return fn


def all_or_group(fn: F) -> F:
    """Run an operation of several statements without a savepoint of its own.

    If it fails after it changed a row, it rolls back the whole transaction: the group then
    fails as one (every caller gets WriteAbortedError) and nothing half-done commits. Meant
    for operations whose later statements cannot fail short of a lost transaction or a bug;
    a savepoint per operation costs about as much as one of its inserts.
    """

    @functools.wraps(fn)
    def operation(conn: sqlite3.Connection, *args: Any) -> Any:
        before = conn.total_changes
        try:
            return fn(conn, *args)
        except BaseException:
            if conn.in_transaction and conn.total_changes != before:
                conn.execute("ROLLBACK")
            raise

    operation.single_statement = True  # type: ignore[attr-defined]
    return operation  # type: ignore[return-value]


def apply_group(
    conn: sqlite3.Connection, ops: list[tuple[Operation, tuple[Any, ...]]]
) -> tuple[list[tuple[bool, Any]], bool]:
    """Run operations in one transaction, each in its own savepoint; never raises.

    Returns each operation's (ok, result or exception) and whether the group committed (if
    not, every outcome is a WriteAbortedError and nothing of the group is durable).
    """
    size = len(ops)
    if all(getattr(fn, "unsynced", False) for fn, _ in ops):
        level = int(conn.execute("PRAGMA synchronous").fetchone()[0])
        if level > _NORMAL:  # NORMAL: in WAL mode a commit does not fsync (a checkpoint still does)
            conn.execute(f"PRAGMA synchronous = {_NORMAL}")
            try:
                return _apply(conn, ops, size)
            finally:
                conn.execute(f"PRAGMA synchronous = {level}")
    return _apply(conn, ops, size)


def _apply(conn: sqlite3.Connection, ops: list[tuple[Operation, tuple[Any, ...]]], size: int,
           ) -> tuple[list[tuple[bool, Any]], bool]:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        return _abort(conn, size, exc, "could not start the write transaction"), False
    outcomes: list[tuple[bool, Any]] = []
    append = outcomes.append
    for fn, args in ops:
        if getattr(fn, "single_statement", False):
            try:
                append((True, fn(conn, *args)))
            except Exception as exc:
                if not conn.in_transaction:
                    return _abort(conn, size, exc, "the transaction was lost"), False
                append((False, exc))
            continue
        conn.execute("SAVEPOINT op")
        try:
            value = fn(conn, *args)
        except Exception as exc:
            if not conn.in_transaction:
                return _abort(conn, size, exc, "the transaction was lost"), False
            try:
                conn.execute("ROLLBACK TO op")
                conn.execute("RELEASE op")
            except sqlite3.Error as exc2:
                return _abort(conn, size, exc2, "could not roll back one operation"), False
            append((False, exc))
        else:
            conn.execute("RELEASE op")
            append((True, value))
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        return _abort(conn, size, exc, "the commit failed"), False
    return outcomes, True


def _abort(conn: sqlite3.Connection, size: int, exc: BaseException, what: str) -> list[tuple[bool, Any]]:
    """Every operation's outcome for a lost group (the gateway side logs it: see core.store.lost_groups)."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error as rollback:
            what += f", and rolling it back failed too ({type(rollback).__name__}: {rollback})"
    message = (
        f"{what} ({type(exc).__name__}: {exc}); none of the {size} writes in this group"
        " were saved"
    )
    return [(False, WriteAbortedError(message)) for _ in range(size)]


def settle(group: list[tuple[Any, Any, Any]], outcomes: list[tuple[bool, Any]]) -> None:
    """Resolve each caller's future (the third item of its entry: a write's or a read's) with its own outcome, on
    the gateway's side; a cancelled caller's is skipped."""
    for (_, _, fut), (ok, value) in zip(group, outcomes, strict=True):
        if fut.done():
            continue
        if ok:
            fut.set_result(value)
        else:
            fut.set_exception(value)


def refuse(_conn: sqlite3.Connection, message: str) -> None:
    """An operation that fails with message (stands in for one that could not be sent)."""
    raise StoreError(message)


refuse.single_statement = True  # type: ignore[attr-defined]
