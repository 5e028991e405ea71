"""The scheduler on its own: a real store, a handler that records, no gateway."""

from __future__ import annotations

import asyncio
import time

import pytest

from core.errors import PermanentError, TransientError
from core.pipeline.retry import Verdict
from core.pipeline.scheduler import SCHEDULER_SCHEMA, Scheduler
from core.store import Store
from core.store.tasks import Task


class Recorder:
    """A task handler that records what it ran and fails as told (payload -> errors to raise, in turn)."""

    def __init__(self, failures: dict[bytes, list[Exception]] | None = None) -> None:
        self.ran: list[bytes] = []
        self.failures = failures or {}
        self.verdicts: list[tuple[bytes, bool]] = []

    async def run(self, task: Task) -> None:
        self.ran.append(task.payload)
        errors = self.failures.get(task.payload)
        if errors:
            raise errors.pop(0)

    async def failed(self, task: Task, error: BaseException, verdict: Verdict) -> None:
        self.verdicts.append((task.payload, verdict.bury))


async def _run(store: Store, handler: Recorder, tasks: list[tuple[str, str, int]], until: int,
               **settings: object) -> Scheduler:
    scheduler = Scheduler(store.tasks, SCHEDULER_SCHEMA({"workers": 1, **settings}), str)
    scheduler.register("t", handler)
    for payload, chat, priority in tasks:
        await store.tasks.enqueue("t", payload.encode(), priority=priority, chat_key=chat, lane="default")
    await scheduler.start()
    try:
        async with asyncio.timeout(10):
            while len(handler.ran) < until or scheduler.busy:
                await asyncio.sleep(0.01)
    finally:
        await scheduler.stop(1.0)
    return scheduler


async def test_priority_then_age_and_one_at_a_time_per_chat(store: Store) -> None:
    handler = Recorder()
    await _run(store, handler, [("a1", "A", 0), ("b1", "B", 5), ("a2", "A", 9), ("c1", "C", 0)], until=4)
    # b1 is the highest head; a2 outranks everything but must wait for a1, the older task of its chat.
    assert handler.ran == [b"b1", b"a1", b"a2", b"c1"]
    assert (await store.tasks.counts())["done"] == 4


async def test_transient_failures_retry_after_their_delay_and_permanent_ones_are_buried_at_once(
    store: Store,
) -> None:
    handler = Recorder({b"flaky": [TransientError("busy", retry_after=0.2)],
                        b"broken": [PermanentError("bad request")]})
    started = asyncio.get_running_loop().time()
    await _run(store, handler, [("flaky", "A", 0), ("broken", "B", 0), ("after", "A", 0)], until=4,
               backoff_base=0.01)
    assert handler.ran.count(b"flaky") == 2 and handler.ran.index(b"after") > 2  # the chat waited for its retry
    assert asyncio.get_running_loop().time() - started >= 0.2
    assert handler.verdicts == [(b"broken", True), (b"flaky", False)] or \
        handler.verdicts == [(b"flaky", False), (b"broken", True)]
    [letter] = await store.dead.list()
    assert letter.reason == "permanent error: bad request" and letter.attempts == 1


async def test_an_unexpected_error_is_retried_up_to_max_attempts_then_buried_with_its_text(store: Store) -> None:
    handler = Recorder({b"odd": [RuntimeError("boom"), RuntimeError("boom"), RuntimeError("boom")]})
    await _run(store, handler, [("odd", "A", 0)], until=2, max_attempts=2, backoff_base=0.01)
    assert handler.ran == [b"odd", b"odd"] and handler.verdicts == [(b"odd", False), (b"odd", True)]
    [letter] = await store.dead.list()
    assert letter.reason == "gave up after 2 attempts: RuntimeError: boom"


async def test_stop_gives_an_interrupted_task_back(store: Store) -> None:
    class Slow(Recorder):
        async def run(self, task: Task) -> None:
            self.ran.append(task.payload)
            await asyncio.sleep(30)

    handler = Slow()
    scheduler = Scheduler(store.tasks, SCHEDULER_SCHEMA({"workers": 1}), str)
    scheduler.register("t", handler)
    await store.tasks.enqueue("t", b"long", priority=0, chat_key="A", lane="default")
    await scheduler.start()
    while not handler.ran:
        await asyncio.sleep(0.01)
    await scheduler.stop(0.1)
    [task] = [await store.tasks.get(1)]
    assert task is not None and task.state == "queued" and task.attempts == 0, "a stop is no failed attempt"


async def test_a_finished_task_asks_the_store_for_no_lease_when_none_is_queued(store: Store) -> None:
    """Leases are store writes: with nothing queued, a finished task frees its worker without one;
    a task queued later (wake) or by another process (the once-a-second look) still runs."""
    leases: list[int] = []
    lease = store.tasks.lease

    async def counted(*args: object, **kwargs: object):  # the real lease, counted
        result = await lease(*args, **kwargs)  # type: ignore[arg-type]
        leases.append(len(result))
        return result

    store.tasks.lease = counted  # type: ignore[method-assign]
    handler = Recorder()
    scheduler = Scheduler(store.tasks, SCHEDULER_SCHEMA({"workers": 2}), str)
    scheduler.register("t", handler)
    await store.tasks.enqueue("t", b"one", priority=0, chat_key="A", lane="default")
    await scheduler.start()
    try:
        async with asyncio.timeout(5):
            while handler.ran != [b"one"] or scheduler.busy:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        assert leases == [1]  # the lease that took it said drained: finishing it asked for none

        await store.tasks.enqueue("t", b"two", priority=0, chat_key="B", lane="default")
        scheduler.wake()
        async with asyncio.timeout(0.5):
            while handler.ran != [b"one", b"two"]:
                await asyncio.sleep(0.01)

        await store.tasks.enqueue("t", b"unannounced", priority=0, chat_key="C", lane="default")
        async with asyncio.timeout(2.5):  # no wake: found by the once-a-second look
            while len(handler.ran) < 3:
                await asyncio.sleep(0.01)
        assert handler.ran[-1] == b"unannounced"
    finally:
        await scheduler.stop(1.0)


async def test_a_lease_asked_for_alongside_the_message_write_commits_with_it(store: Store) -> None:
    """The message and its task, the lease that takes it, then its completion: two commits, not three."""
    handler = Recorder()
    scheduler = Scheduler(store.tasks, SCHEDULER_SCHEMA({"workers": 2}), str)
    scheduler.register("t", handler)
    await scheduler.start()
    try:
        async with asyncio.timeout(5):
            while scheduler.busy:  # the first look found nothing
                await asyncio.sleep(0.01)
        task = await store.tasks.prepare("t", b"hello", priority=0, chat_key="A", lane="default")
        inbox_id = await store.inbox.new_id()  # ids are taken before the write (a block at a time)
        before = store.db.stats()["commits"]
        row = await store.inbox.receive("test", "m1", "A", "ann", "hello", b"", 1.0, tasks=[task], id=inbox_id,
                                        alongside=scheduler.lease_now)
        assert row == inbox_id
        async with asyncio.timeout(5):
            while handler.ran != [b"hello"] or scheduler.busy:
                await asyncio.sleep(0.01)
        assert store.db.stats()["commits"] - before == 2
    finally:
        await scheduler.stop(1.0)


async def _left_running(store: Store, crashes: int, max_attempts: int) -> None:
    """Lease tasks as a process would that then dies, crashes times (each start recovering the last): all due at
    first, then one alone (as a scheduler runs a last attempt)."""
    for crash in range(crashes):
        if crash:
            await store.tasks.recover_leased()
        if crash < max_attempts:
            assert len(await store.tasks.lease(time.time(), 8)) == 2  # chat A's first task, and chat B's
        else:
            assert (await store.tasks.lease_alone(time.time(), max_attempts)).payload == b"poison"


class Overlaps(Recorder):
    """Records, for each task, which tasks were running while it ran."""

    def __init__(self) -> None:
        super().__init__()
        self.running: set[bytes] = set()
        self.beside: dict[bytes, set[bytes]] = {}

    async def run(self, task: Task) -> None:
        self.ran.append(task.payload)
        self.running.add(task.payload)
        for other in self.running:
            self.beside.setdefault(other, set()).update(self.running - {other})
        await asyncio.sleep(0.05)
        self.running.discard(task.payload)


@pytest.mark.parametrize("crashes", [2, 3, 4])
async def test_a_task_roost_ended_on_each_attempt_runs_its_last_alone_then_is_given_up(store: Store,
                                                                                        crashes: int) -> None:
    for payload, chat in (("poison", "A"), ("after", "A"), ("other", "B")):
        await store.tasks.enqueue("t", payload.encode(), priority=0, chat_key=chat, lane="default")
    await _left_running(store, crashes, 3)  # poison and other were running each time, then poison alone
    await store.tasks.enqueue("t", b"new", priority=0, chat_key="C", lane="default")  # came in since
    handler = Overlaps()
    await _run(store, handler, [], until=3 if crashes == 4 else 4, workers=4, max_attempts=3)
    if crashes == 2:  # an attempt left: run again beside the others
        assert sorted(handler.ran) == [b"after", b"new", b"other", b"poison"] and await store.dead.list() == []
        assert handler.beside[b"poison"]
        return
    if crashes == 3:  # their last attempts, one at a time, alone (the oldest first), then the rest
        assert handler.ran[:2] == [b"poison", b"other"]
        assert not handler.beside.get(b"poison") and not handler.beside.get(b"other")
        assert (await store.tasks.get(1)).attempts == 4 and await store.dead.list() == []
        return
    assert handler.ran[0] == b"other" and not handler.beside.get(b"other")  # its last attempt, alone
    assert sorted(handler.ran) == [b"after", b"new", b"other"] and handler.verdicts == [(b"poison", True)]
    [letter] = await store.dead.list()
    assert letter.attempts == 4 and letter.reason == ("gave up after 4 attempts: Roost ended while this ran (a crash,"
                                                      " or killed: out of memory?)")
