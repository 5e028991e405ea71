"""Database: file setup, migrations, group commit and per-operation failure."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from writer_figures import commit_times

from core.store import MIGRATIONS, Database, SchemaVersionError, Store, StoreClosedError
from core.store.operations import WAL_CHECKPOINT_PAGES, unsynced


async def test_open_creates_private_wal_database_with_foreign_keys(db_path: Path, cipher) -> None:
    db = await Database.open(db_path, cipher)
    try:
        assert db_path.exists()
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
        assert db.schema_version == len(MIGRATIONS)
        pragmas = await db.write(
            lambda conn: tuple(
                conn.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous", "temp_store",
                             "wal_autocheckpoint")
            )
        )
        assert pragmas[0] == "wal"
        assert pragmas[1] == 1
        assert pragmas[2] >= 1000
        assert pragmas[3] == 2  # FULL
        assert pragmas[4] == 2  # MEMORY: statement journals are not temporary files
        assert pragmas[5] == WAL_CHECKPOINT_PAGES > 1000  # fewer, larger checkpoints than the default
        with pytest.raises(sqlite3.OperationalError):  # the read connection is read-only
            await db.fetchall("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('x', 'k', 'str', x'00', 0)")
    finally:
        await db.close()
    with pytest.raises(StoreClosedError):
        await db.fetchall("SELECT 1")


async def test_older_database_is_migrated_forward_in_order(db_path: Path, cipher) -> None:
    applied: list[int] = []

    def second(conn: sqlite3.Connection) -> None:
        applied.append(2)
        conn.execute("ALTER TABLE state ADD COLUMN note TEXT")
        conn.execute("UPDATE state SET note = 'from v2'")

    third = ("CREATE TABLE extra(x INTEGER)", "INSERT INTO extra SELECT COUNT(*) FROM state")

    db = await Database.open(db_path, cipher, migrations=MIGRATIONS)
    await db.write(lambda c: c.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('ABC', 'k', 'str', x'00', 0)"))
    await db.close()

    db = await Database.open(db_path, cipher, migrations=(*MIGRATIONS, second, third))
    try:
        assert db.schema_version == len(MIGRATIONS) + 2
        assert applied == [2]
        assert await db.fetchall("SELECT domain, note FROM state") == [("ABC", "from v2")]
        assert await db.fetchall("SELECT x FROM extra") == [(1,)]
        versions = await db.fetchall("SELECT version FROM schema_version ORDER BY version")
        assert [v for (v,) in versions] == list(range(1, len(MIGRATIONS) + 3))
    finally:
        await db.close()

    # Opening again applies nothing twice.
    db = await Database.open(db_path, cipher, migrations=(*MIGRATIONS, second, third))
    await db.close()
    assert applied == [2]


async def test_failing_migration_leaves_file_unchanged(db_path: Path, cipher) -> None:
    db = await Database.open(db_path, cipher)
    await db.close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done(x)")
        raise RuntimeError("migration bug")

    with pytest.raises(RuntimeError, match="migration bug"):
        await Database.open(
            db_path, cipher, migrations=(*MIGRATIONS, ("CREATE TABLE a(x)",), broken)
        )
    with sqlite3.connect(db_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    assert "a" not in tables and "half_done" not in tables
    assert version == len(MIGRATIONS)


async def test_newer_database_is_refused_with_a_clear_error(db_path: Path, cipher) -> None:
    db = await Database.open(db_path, cipher, migrations=(*MIGRATIONS, ("CREATE TABLE later(x)",)))
    await db.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaVersionError) as info:
        await Database.open(db_path, cipher)
    message = str(info.value)
    assert f"schema version {len(MIGRATIONS) + 1}" in message
    assert "newer Roost" in message and "Upgrade Roost" in message
    assert db_path.read_bytes() == before


async def test_two_thousand_concurrent_adds_share_few_commits(store: Store) -> None:
    before = store.db.stats()["commits"]
    timed_before, seconds_before = commit_times(store.db.stats())
    started = time.perf_counter()
    results = await asyncio.gather(
        *(
            store.inbox.receive("tg", str(i), f"chat{i % 7}", "u", f"text {i}", b"{}", time.time())
            for i in range(2000)
        )
    )
    elapsed = time.perf_counter() - started
    commits = store.db.stats()["commits"] - before
    assert all(r is not None for r in results)
    assert len(set(results)) == 2000
    assert commits < 100, f"2000 rows took {commits} commits"
    assert store.db.stats()["largest_group"] > 100
    timed, seconds = commit_times(store.db.stats())
    assert timed - timed_before == commits, "one commit time a group"
    assert 0 < seconds - seconds_before <= elapsed
    row = await store.db.fetchone("SELECT COUNT(*) FROM inbox")
    assert row == (2000,)


async def test_failing_operation_fails_only_its_own_caller(store: Store) -> None:
    db = store.db

    def insert(conn: sqlite3.Connection, code: str) -> str:
        conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES (?, 'k', 'str', x'00', 0)", (code,))
        return code

    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('partial', 'k', 'str', x'00', 0)")
        raise ValueError("this operation is broken")

    futures = [db.submit(insert, f"c{i}") for i in range(20)]
    futures.insert(10, db.submit(half_then_fail))
    futures.insert(5, db.submit(insert, "c3"))  # duplicate primary key: IntegrityError
    outcomes = await asyncio.gather(*futures, return_exceptions=True)
    assert isinstance(outcomes[5], sqlite3.IntegrityError)
    assert isinstance(outcomes[11], ValueError)
    ok = [o for i, o in enumerate(outcomes) if i not in (5, 11)]
    assert ok == [f"c{i}" for i in range(20)]
    codes = {c for (c,) in await db.fetchall("SELECT domain FROM state")}
    assert codes == {f"c{i}" for i in range(20)}  # 'partial' was rolled back with its operation
    assert db.stats()["failed_operations"] == 2


async def test_cancelled_before_the_group_is_not_written(store: Store) -> None:
    db = store.db
    gate = asyncio.Event()
    loop = asyncio.get_running_loop()

    def block(conn: sqlite3.Connection) -> None:
        asyncio.run_coroutine_threadsafe(_set(gate), loop).result()
        time.sleep(0.2)

    first = db.submit(block)
    await gate.wait()  # the blocking group is running; the next one is queued behind it
    doomed = db.submit(lambda c: c.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('gone', 'k', 'str', x'00', 0)"))
    kept = db.submit(lambda c: c.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('kept', 'k', 'str', x'00', 0)"))
    doomed.cancel()
    await first
    await kept
    assert await db.fetchall("SELECT domain FROM state") == [("kept",)]


async def _set(event: asyncio.Event) -> None:
    event.set()


async def test_close_finishes_accepted_writes_and_refuses_new_ones(db_path: Path, cipher) -> None:
    store = await Store.open(db_path, cipher)
    await store.history.append(
        "c", "user", "first"
    )  # ids are reserved; the next ones are immediate
    pending = [asyncio.ensure_future(store.history.append("c", "user", f"m{i}")) for i in range(50)]
    await asyncio.sleep(0)
    await store.close()
    await asyncio.gather(*pending)
    with pytest.raises(StoreClosedError):
        await store.history.append("c", "user", "late")
    reopened = await Store.open(db_path, cipher)
    try:
        assert len(await reopened.history.recent("c", 100)) == 51
    finally:
        await reopened.close()


async def test_ids_are_unique_across_two_open_databases(db_path: Path, cipher) -> None:
    first = await Store.open(db_path, cipher)
    second = await Store.open(db_path, cipher)
    try:
        a = await asyncio.gather(*(first.history.append("x", "user", "a") for _ in range(300)))
        b = await asyncio.gather(*(second.history.append("x", "user", "b") for _ in range(300)))
        assert not set(a) & set(b)
        assert a == sorted(a) and b == sorted(b)
    finally:
        await first.close()
        await second.close()


async def test_a_lost_transaction_fails_the_whole_group_and_the_next_group_works(
    store: Store,
) -> None:
    from core.store import WriteAbortedError

    db = store.db

    def insert(conn: sqlite3.Connection, code: str) -> None:
        conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES (?, 'k', 'str', x'00', 0)", (code,))

    def lose_transaction(conn: sqlite3.Connection) -> None:
        conn.execute("ROLLBACK")
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    group = [db.submit(insert, "a"), db.submit(lose_transaction), db.submit(insert, "b")]
    outcomes = await asyncio.gather(*group, return_exceptions=True)
    assert all(isinstance(o, WriteAbortedError) for o in outcomes)
    assert "none of the 3 writes in this group were saved" in str(outcomes[0])
    await db.write(insert, "c")
    assert await db.fetchall("SELECT domain FROM state") == [("c",)]


async def test_a_group_of_only_unsynced_writes_commits_without_fsync_and_any_other_keeps_full(
    store: Store,
) -> None:
    """synchronous as seen inside each transaction: NORMAL (no fsync at commit in WAL mode) only for
    a group of unsynced writes alone; the configured FULL for any group with another write, and after."""
    db = store.db

    @unsynced
    def unsynced_write(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('u', random(), 'str', x'00', 0)")
        return int(conn.execute("PRAGMA synchronous").fetchone()[0])

    def durable_write(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('d', random(), 'str', x'00', 0)")
        return int(conn.execute("PRAGMA synchronous").fetchone()[0])

    assert await db.write(unsynced_write) == 1
    assert await asyncio.gather(db.submit(unsynced_write), db.submit(durable_write)) == [2, 2]
    assert await db.write(durable_write) == 2
    assert await db.fetchall("SELECT domain, COUNT(*) FROM state GROUP BY domain ORDER BY domain") == [
        ("d", 2), ("u", 2)]


async def test_a_read_never_sees_the_store_from_before_a_committed_write(db_path: Path, cipher) -> None:
    """Counts running beside a writer-then-reader: the reader sees its own committed write every time."""
    db = await Database.open(db_path, cipher)
    sql = "INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('t', ?, 'str', x'00', 0)"
    stop = asyncio.Event()

    async def count_all_the_time() -> None:
        while not stop.is_set():
            await db.fetchone("SELECT COUNT(*) FROM state")

    counters = [asyncio.create_task(count_all_the_time()) for _ in range(3)]
    try:
        for i in range(300):
            await db.write(lambda conn, key=f"k{i}": conn.execute(sql, (key,)))
            rows = await db.fetchall("SELECT key FROM state WHERE domain = 't' AND key = ?", (f"k{i}",))
            assert rows == [(f"k{i}",)], f"write {i} was committed, yet the read did not see it"
    finally:
        stop.set()
        await asyncio.gather(*counters)
        await db.close()
