"""The store's writer in a child process: group commit, per-operation failure, pickling, lifecycle."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from writer_figures import commit_times

from core.store import (
    Database,
    RowNotFoundError,
    Store,
    StoreClosedError,
    StoreError,
    StoreLostError,
    WriteAbortedError,
)
from core.store.operations import all_or_group

REPO = Path(__file__).resolve().parents[3]


# Operations run in the child, which imports them by module and name: they live at module level.
def insert_code(conn: sqlite3.Connection, code: str) -> str:
    conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('codes', ?, 'str', x'00', 0)", (code,))
    return code


def insert_then_fail(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('codes', 'partial', 'str', x'00', 0)")
    raise ValueError("this operation is broken")


def missing_row(conn: sqlite3.Connection) -> None:
    raise RowNotFoundError("tasks", 4242)


@all_or_group
def two_codes_then_fail(conn: sqlite3.Connection, first: str) -> None:
    conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('codes', ?, 'str', x'00', 0)", (first,))
    conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('codes', 'never', 'str', x'00', 0)")
    raise ValueError("broken after it changed rows")


@all_or_group
def fail_before_changing(conn: sqlite3.Connection) -> None:
    raise ValueError("nothing changed yet")


def child_pid(conn: sqlite3.Connection) -> int:
    return os.getpid()


def insert_blob(conn: sqlite3.Connection, key: str, data: bytes) -> int:
    conn.execute("INSERT INTO state(domain, key, kind, value, updated_at) VALUES ('blobs', ?, 'bytes', ?, 0)",
                 (key, data))
    return len(data)


def echo(conn: sqlite3.Connection, data: bytes) -> bytes:
    return data


def _only_in(pid: int) -> str:
    if os.getpid() != pid:
        raise ValueError("this answer can be read only where it was made")
    return "read"


class _ReadableOnlyInTheStoreProcess:
    def __reduce__(self) -> tuple[object, tuple[int]]:
        return _only_in, (os.getpid(),)


def unreadable_answer(conn: sqlite3.Connection) -> _ReadableOnlyInTheStoreProcess:
    return _ReadableOnlyInTheStoreProcess()


@pytest.fixture
async def process_store(db_path: Path, cipher) -> Store:
    store = await Store.open(db_path, cipher, writer="process")
    try:
        yield store
    finally:
        await store.close()


async def test_the_child_imports_roost_not_a_core_package_in_the_working_directory(
    tmp_path: Path, db_path: Path, cipher, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "core").mkdir(parents=True)
    (elsewhere / "core" / "__init__.py").write_text("raise ImportError('this core is not Roost')\n")
    monkeypatch.chdir(elsewhere)
    store = await Store.open(db_path, cipher, writer="process")
    try:
        assert await store.db.write(child_pid) != os.getpid()
        await store.inbox.receive("tg", "1", "chat", "u", "hello", b"{}", time.time())
    finally:
        await store.close()


async def _codes(store: Store) -> set[str]:
    return {code for (code,) in await store.db.fetchall("SELECT key FROM state WHERE domain = 'codes'")}


async def _codes_reopened(db_path: Path, cipher) -> set[str]:
    """The codes a store opened afresh finds durable."""
    reopened = await Store.open(db_path, cipher)
    try:
        return await _codes(reopened)
    finally:
        await reopened.close()


async def test_writes_run_in_another_process_and_commit_in_groups(process_store: Store) -> None:
    assert await process_store.db.write(child_pid) != os.getpid()
    before = process_store.db.stats()["commits"]
    timed_before, seconds_before = commit_times(process_store.db.stats())
    started = time.perf_counter()
    results = await asyncio.gather(*(
        process_store.inbox.receive("tg", str(i), f"chat{i % 7}", "u", f"text {i}", b"{}", time.time())
        for i in range(2000)
    ))
    elapsed = time.perf_counter() - started
    assert len(set(results)) == 2000
    commits = process_store.db.stats()["commits"] - before
    assert commits < 100, f"2000 rows took {commits} commits"
    timed, seconds = commit_times(process_store.db.stats())
    assert timed - timed_before >= commits, "a commit time for each group sent (a transaction may take several)"
    assert 0 < seconds - seconds_before <= (timed - timed_before) * elapsed
    assert process_store.db.stats()["largest_group"] > 20
    assert (await process_store.inbox.get(results[1234])).text == "text 1234"
    assert await process_store.db.fetchone("SELECT COUNT(*) FROM inbox") == (2000,)


async def test_groups_larger_than_the_childs_read_buffer_arrive_whole(process_store: Store) -> None:
    """The child reads its pipe 64 KiB at a time: a group of several times that is put together first."""
    blobs = {f"b{n}": os.urandom(size) for n, size in enumerate((10, 70_000, 1_500_000, 300))}
    sizes = await asyncio.gather(*(process_store.db.write(insert_blob, key, data) for key, data in blobs.items()))
    assert sizes == [len(data) for data in blobs.values()]
    assert dict(await process_store.db.fetchall("SELECT key, value FROM state WHERE domain = 'blobs'")) == blobs
    assert await process_store.db.write(insert_blob, "after", b"small") == 5  # and what follows still reads


async def test_answers_larger_than_a_read_of_the_pipe_arrive_whole(process_store: Store) -> None:
    """The gateway reads the child's answers 256 KiB at a time: a larger one is put together first."""
    blobs = [os.urandom(size) for size in (5, 3_000_000, 70_000, 1, 600_000)]
    assert await asyncio.gather(*(process_store.db.write(echo, data) for data in blobs)) == blobs
    assert await process_store.db.write(echo, b"after") == b"after"


async def test_a_failing_operation_fails_alone_with_its_own_error(process_store: Store) -> None:
    db = process_store.db
    futures = [db.submit(insert_code, f"c{i}") for i in range(10)]
    futures.insert(3, db.submit(insert_then_fail))
    futures.insert(6, db.submit(insert_code, "c1"))  # duplicate key: IntegrityError
    futures.insert(8, db.submit(missing_row))
    futures.insert(9, db.submit(lambda conn: None))  # cannot be sent to the child
    outcomes = await asyncio.gather(*futures, return_exceptions=True)
    assert isinstance(outcomes[3], ValueError) and "broken" in str(outcomes[3])
    assert isinstance(outcomes[6], sqlite3.IntegrityError)
    assert isinstance(outcomes[8], RowNotFoundError) and (outcomes[8].table, outcomes[8].row) == ("tasks", 4242)
    assert isinstance(outcomes[9], StoreError) and "module-level functions" in str(outcomes[9])
    ok = [o for i, o in enumerate(outcomes) if i not in (3, 6, 8, 9)]
    assert ok == [f"c{i}" for i in range(10)]
    assert await _codes(process_store) == {f"c{i}" for i in range(10)}  # 'partial' rolled back


@pytest.mark.parametrize("writer", ["thread", "process"])
async def test_all_or_group_fails_the_whole_group_when_it_breaks_after_a_change(
    db_path: Path, cipher, writer: str
) -> None:
    store = await Store.open(db_path, cipher, writer=writer)
    try:
        db = store.db
        group = [db.submit(insert_code, "a"), db.submit(two_codes_then_fail, "b"), db.submit(insert_code, "c")]
        outcomes = await asyncio.gather(*group, return_exceptions=True)
        assert all(isinstance(o, WriteAbortedError) for o in outcomes), outcomes
        assert await _codes(store) == set()
        # Failing before it changed anything fails only itself.
        group = [db.submit(insert_code, "d"), db.submit(fail_before_changing), db.submit(insert_code, "e")]
        outcomes = await asyncio.gather(*group, return_exceptions=True)
        assert outcomes[0] == "d" and outcomes[2] == "e" and isinstance(outcomes[1], ValueError)
        assert await _codes(store) == {"d", "e"}
    finally:
        await store.close()


async def test_close_finishes_accepted_writes_then_refuses(db_path: Path, cipher) -> None:
    store = await Store.open(db_path, cipher, writer="process")
    pid = store.db._writer.pid
    pending = [asyncio.ensure_future(store.history.append("c", "user", f"m{i}")) for i in range(50)]
    await asyncio.sleep(0)
    await store.close()
    await asyncio.gather(*pending)
    with pytest.raises(StoreClosedError):
        await store.history.append("c", "user", "late")
    assert pid is not None and not _alive(pid)
    reopened = await Store.open(db_path, cipher, writer="process")
    try:
        assert len(await reopened.history.recent("c", 100)) == 50
    finally:
        await reopened.close()


async def test_a_killed_store_process_fails_writes_with_a_clear_error(db_path: Path, cipher) -> None:
    store = await Store.open(db_path, cipher, writer="process")
    try:
        await store.db.write(insert_code, "before")
        os.kill(store.db._writer.pid, signal.SIGKILL)
        with pytest.raises(StoreLostError, match="store process ended") as lost:
            for _ in range(200):  # the first write may be sent before the end is noticed
                await store.db.write(insert_code, "after")
                await asyncio.sleep(0.01)
        assert isinstance(lost.value, WriteAbortedError) and isinstance(lost.value, StoreClosedError)
        with pytest.raises(StoreLostError):  # and every later write
            await store.db.write(insert_code, "later")
    finally:
        await store.close()
    assert await _codes_reopened(db_path, cipher) == {"before"}


async def test_an_answer_the_gateway_cannot_read_ends_the_store_with_a_clear_error(db_path: Path, cipher) -> None:
    store = await Store.open(db_path, cipher, writer="process")
    lost: list[str] = []
    store.db.on_writer_lost = lost.append
    try:
        await store.db.write(insert_code, "before")
        with pytest.raises(StoreLostError, match="unreadable answer .*can be read only where it was made"):
            async with asyncio.timeout(10):
                await store.db.write(unreadable_answer)
        with pytest.raises(StoreLostError, match="unreadable answer"):  # and every later write
            await store.db.write(insert_code, "later")
        await asyncio.sleep(0)
        assert len(lost) == 1 and "unreadable answer" in lost[0]
    finally:
        async with asyncio.timeout(30):
            await store.close()
    assert await _codes_reopened(db_path, cipher) == {"before"}


async def test_a_write_sent_as_the_store_process_dies_is_lost_not_merely_aborted(db_path: Path, cipher) -> None:
    store = await Store.open(db_path, cipher, writer="process")
    try:
        writer = store.db._writer
        os.kill(writer.pid, signal.SIGKILL)
        async with asyncio.timeout(10):
            while not writer._proc.stdin.is_closing():  # the pipe is seen closed before the exit status is read
                await asyncio.sleep(0)
        with pytest.raises(StoreLostError, match="store process"):
            await store.db.write(insert_code, "after")
    finally:
        await store.close()


def test_the_store_process_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import asyncio, os, sys, time
        sys.path.insert(0, {str(REPO)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from store_ciphers import PlainTestCipher
        from core.store import Store

        async def main():
            store = await Store.open({str(tmp_path / "roost.db")!r}, PlainTestCipher(), writer="process")
            await store.history.append("c", "user", "hello")
            print(store.db._writer.pid, flush=True)
            time.sleep(60)

        asyncio.run(main())
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert _alive(child)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), "the store process outlived its parent"
    finally:
        parent.kill()


async def test_unknown_writer_is_refused(db_path: Path, cipher) -> None:
    with pytest.raises(ValueError, match="writer must be one of thread, process"):
        await Database.open(db_path, cipher, writer="fork")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) counts as gone
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


async def test_a_store_process_that_cannot_start_is_a_clear_error(
    db_path: Path, cipher, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.store import process

    python = sys.executable
    monkeypatch.setattr(process.sys, "executable", str(db_path.parent / "no-such-python"))
    with pytest.raises(process.StoreProcessError, match="could not be started"):
        await Store.open(db_path, cipher, writer="process")
    broken = db_path.parent / "broken-python"  # starts, then fails before it serves anything
    broken.write_text("#!/bin/sh\necho 'cannot import the store' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(process.sys, "executable", str(broken))
    with pytest.raises(process.StoreProcessError, match=r"store process ended \(exit code 3\)"):
        await Store.open(db_path, cipher, writer="process")
    monkeypatch.setattr(process.sys, "executable", python)
    store = await Store.open(db_path, cipher, writer="process")  # and nothing was left half open
    await store.close()
