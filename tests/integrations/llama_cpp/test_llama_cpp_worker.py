"""LlamaWorker: one thread owns the model, FIFO calls, streaming, cancellation, failures."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.errors import ModelError
from integrations.llama_cpp.worker import LlamaWorker


class Counter:
    """A stand-in model object that only records who touched it."""

    def __init__(self) -> None:
        self.threads: set[int] = set()
        self.calls: list[str] = []

    def touch(self, label: str) -> str:
        self.threads.add(threading.get_ident())
        self.calls.append(label)
        return label


@pytest.fixture
async def worker() -> Any:
    w = LlamaWorker("toy", Counter)
    yield w
    await w.close()


async def test_calls_run_in_fifo_order_on_one_thread(worker: LlamaWorker) -> None:
    results = await asyncio.gather(*(worker.run(lambda m, i=i: m.touch(f"c{i}")) for i in range(20)))
    assert results == [f"c{i}" for i in range(20)]
    model: Counter = await worker.run(lambda m: m)
    assert model.calls == [f"c{i}" for i in range(20)]
    assert model.threads == {worker.thread_ident}
    assert worker.thread_ident != threading.get_ident()


async def test_stream_items_arrive_while_produced(worker: LlamaWorker) -> None:
    gate = threading.Event()

    def produce(model: Counter) -> Iterator[int]:
        yield 1
        assert gate.wait(5), "the consumer never saw the first item"
        yield 2

    seen = []
    async for item in worker.stream(produce):
        seen.append(item)
        gate.set()  # only reachable if item 1 arrived before the generator finished
    assert seen == [1, 2]


async def test_error_in_a_call_is_a_model_error_and_the_worker_survives(worker: LlamaWorker) -> None:
    with pytest.raises(ModelError, match="ZeroDivisionError"):
        await worker.run(lambda m: 1 / 0)

    def broken(model: Counter) -> Iterator[str]:
        yield "a"
        raise ValueError("bad token")

    got = []
    with pytest.raises(ModelError, match="bad token"):
        async for item in worker.stream(broken):
            got.append(item)
    assert got == ["a"]
    assert await worker.run(lambda m: m.touch("after")) == "after"
    assert worker.is_alive()


async def test_cancelled_stream_stops_at_the_next_item(worker: LlamaWorker) -> None:
    produced: list[int] = []

    def endless(model: Counter) -> Iterator[int]:
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1
            time.sleep(0.002)

    async def consume() -> None:
        async for _ in worker.stream(endless):
            pass

    task = asyncio.create_task(consume())
    while len(produced) < 3:
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # the next call only runs once the thread has left the endless generator
    assert await asyncio.wait_for(worker.run(lambda m: "next"), 2) == "next"
    stopped_at = len(produced)
    await asyncio.sleep(0.05)
    assert len(produced) == stopped_at
    assert worker.is_alive()


async def test_closing_the_generator_early_stops_it(worker: LlamaWorker) -> None:
    produced: list[int] = []

    def endless(model: Counter) -> Iterator[int]:
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1
            time.sleep(0.002)

    agen = worker.stream(endless)
    assert await agen.__anext__() == 0
    await agen.aclose()
    assert await asyncio.wait_for(worker.run(lambda m: "next"), 2) == "next"
    assert len(produced) < 50


async def test_queued_request_cancelled_before_it_starts_never_runs(worker: LlamaWorker) -> None:
    gate = threading.Event()
    blocker = asyncio.create_task(worker.run(lambda m: gate.wait(5)))
    await asyncio.sleep(0.02)
    queued = asyncio.create_task(worker.run(lambda m: m.touch("should not run")))
    await asyncio.sleep(0.02)
    queued.cancel()
    with pytest.raises(asyncio.CancelledError):  # cancelled (its job marked so) while the model is busy
        await queued
    gate.set()
    assert await blocker is True
    model: Counter = await worker.run(lambda m: m)
    assert "should not run" not in model.calls


async def test_load_failure_is_per_request_and_retried(tmp_path: Path) -> None:
    flag = tmp_path / "ready"

    def loader() -> Counter:
        if not flag.exists():
            raise FileNotFoundError(f"{flag} is not there yet")
        return Counter()

    w = LlamaWorker("flaky", loader)
    try:
        with pytest.raises(ModelError, match="could not load model 'flaky'.*not there yet"):
            await w.run(lambda m: m.touch("x"))
        with pytest.raises(ModelError):
            async for _ in w.stream(lambda m: iter([1])):
                pass
        flag.write_text("ok")
        assert await w.run(lambda m: m.touch("x")) == "x"
        assert w.loaded
    finally:
        await w.close()


async def test_requests_from_another_event_loop_still_use_the_model_thread(
    worker: LlamaWorker,
) -> None:
    here = await worker.run(lambda m: threading.get_ident())

    def other_thread() -> int:
        return asyncio.run(worker.run(lambda m: threading.get_ident()))

    there = await asyncio.to_thread(other_thread)
    assert here == there == worker.thread_ident


async def test_close_fails_queued_requests_and_refuses_new_ones() -> None:
    w = LlamaWorker("closing", Counter)
    gate = threading.Event()
    running = asyncio.create_task(w.run(lambda m: gate.wait(5)))
    await asyncio.sleep(0.02)
    queued = asyncio.create_task(w.run(lambda m: m.touch("late")))
    await asyncio.sleep(0.02)
    closing = asyncio.create_task(w.close())
    await asyncio.sleep(0.02)
    gate.set()
    await closing
    assert await running is True
    with pytest.raises(ModelError, match="closed"):
        await queued
    with pytest.raises(ModelError, match="closed"):
        await w.run(lambda m: 1)
    assert not w.is_alive()
