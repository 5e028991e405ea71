"""The store's read connection: reads asked for while its thread works go over together, each gets its own answer."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from core.store import StoreClosedError
from core.store.reader import Reader

SLOW = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT COUNT(*) FROM n"


class CountingReader(Reader):
    """A Reader that counts the batches it hands to its thread."""

    batches = 0

    def _hand_over(self) -> None:
        type(self).batches += 1
        super()._hand_over()


@pytest.fixture()
def database(tmp_path: Path) -> str:
    path = tmp_path / "read.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t(a INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(100)])
    return str(path)


async def test_reads_asked_for_while_the_thread_works_go_over_together_each_with_its_own_rows(database: str) -> None:
    reader = await CountingReader.open(database, 1000)
    CountingReader.batches = 0
    try:
        slow = asyncio.ensure_future(reader.fetchall(SLOW, (300_000,)))
        await asyncio.sleep(0)  # handed over alone: the thread was idle
        quick = [reader.fetchall("SELECT a FROM t WHERE a = ?", (n,)) for n in range(50)]
        broken = reader.fetchall("SELECT nothing FROM t")
        cancelled = asyncio.ensure_future(reader.fetchall("SELECT a FROM t"))
        await asyncio.sleep(0)
        cancelled.cancel()
        results = await asyncio.gather(slow, *quick, broken, return_exceptions=True)
        assert results[0] == [(300_000,)]
        assert results[1:51] == [[(n,)] for n in range(50)]
        assert isinstance(results[51], sqlite3.OperationalError)  # fails its own caller only
        assert cancelled.cancelled()
        assert CountingReader.batches == 2  # the slow read, then the 52 asked for while it ran
        assert await reader.fetchall("SELECT COUNT(*) FROM t") == [(100,)]
    finally:
        await reader.close()


async def test_the_connection_is_read_only_and_waits_out_a_busy_database(database: str) -> None:
    reader = await Reader.open(database, 1234)
    try:
        assert await reader.fetchall("PRAGMA busy_timeout") == [(1234,)]
        with pytest.raises(sqlite3.OperationalError):
            await reader.fetchall("INSERT INTO t VALUES (1)")
    finally:
        await reader.close()


async def test_close_answers_the_reads_asked_for_then_refuses_new_ones(database: str) -> None:
    reader = await Reader.open(database, 1000)
    asked = [asyncio.ensure_future(reader.fetchall(SLOW, (100_000,))) for _ in range(3)]
    await asyncio.sleep(0)
    await reader.close()
    assert [await read for read in asked] == [[(100_000,)]] * 3
    with pytest.raises(StoreClosedError):
        await reader.fetchall("SELECT 1")
    await reader.close()  # twice is fine


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_reader_left_open_when_its_event_loop_ends_closes_its_connection(database: str) -> None:
    """The thread answers into a closed loop: it closes the connection and ends, without a traceback."""
    async def left_open() -> Reader:
        reader = await Reader.open(database, 1000)
        read = asyncio.ensure_future(reader.fetchall(SLOW, (3_000_000,)))
        await asyncio.sleep(0.01)
        read.cancel()
        return reader

    reader = asyncio.run(left_open())  # the loop closes while the slow read runs
    reader._thread.join(10)
    assert not reader._thread.is_alive()
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        reader._conn.execute("SELECT 1")
