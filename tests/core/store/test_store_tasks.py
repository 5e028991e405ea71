"""Task queue: priority then turn, per-chat order, lanes, idempotency, leases, retry and burial."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from core.store import RowNotFoundError, Store
from core.store.store import _CHAT_BUSY


async def _enqueue(
    store: Store,
    name: str,
    *,
    priority: int = 0,
    chat: str | None = None,
    lane: str = "default",
    key: str | None = None,
    at: float = 0.0,
) -> int:
    return await store.tasks.enqueue(
        "run",
        name.encode(),
        priority=priority,
        chat_key=chat or f"chat-{name}",
        lane=lane,
        idempotency_key=key,
        available_at=at,
    )


async def test_highest_priority_first_then_oldest(store: Store) -> None:
    ids = {}
    for name, prio in [("a", 0), ("b", 5), ("c", 0), ("d", 9), ("e", 5)]:
        ids[name] = await _enqueue(store, name, priority=prio)
    leased = await store.tasks.lease(now=10, limit=10)
    assert [t.payload.decode() for t in leased] == ["d", "b", "e", "a", "c"]
    assert all(t.state == "leased" and t.attempts == 1 for t in leased)
    assert (await store.tasks.counts())["leased"] == 5


async def test_limit_and_due_time_are_respected(store: Store) -> None:
    await _enqueue(store, "now", at=5)
    await _enqueue(store, "later", at=100)
    await _enqueue(store, "also-now", at=0)
    first = await store.tasks.lease(now=10, limit=1)
    assert [t.payload for t in first] == [b"now"]
    rest = await store.tasks.lease(now=10, limit=10)
    assert [t.payload for t in rest] == [b"also-now"]
    assert [t.payload for t in await store.tasks.lease(now=100, limit=10)] == [
        b"later"
    ]


async def test_a_later_task_of_a_chat_waits_for_the_earlier_one(store: Store) -> None:
    first = await _enqueue(store, "A1", chat="A", priority=0)
    second = await _enqueue(store, "A2", chat="A", priority=50)  # higher priority, still second
    other = await _enqueue(store, "B1", chat="B", priority=1)

    leased = await store.tasks.lease(now=10, limit=10)
    assert [t.id for t in leased] == [other, first]
    assert await store.tasks.lease(now=10, limit=10) == []  # A2 waits for A1

    await store.tasks.retry(first, available_at=20, error="busy")
    # A1 is queued again but not due: A2 must still not overtake it.
    assert await store.tasks.lease(now=15, limit=10) == []
    again = await store.tasks.lease(now=20, limit=10)
    assert [t.id for t in again] == [first]
    assert again[0].attempts == 2 and again[0].last_error == "busy"

    assert await store.tasks.complete(first) is True
    nxt = await store.tasks.lease(now=21, limit=10)
    assert [t.id for t in nxt] == [second]


async def test_chats_take_turns_so_one_chats_backlog_does_not_hold_up_the_others(store: Store) -> None:
    flood = [await _enqueue(store, f"A{i}", chat="A") for i in range(1, 6)]
    await _enqueue(store, "B1", chat="B")
    await _enqueue(store, "C1", chat="C")
    served = []
    for _ in range(4):
        [task] = await store.tasks.lease(now=10, limit=1)
        served.append(task.payload.decode())
        if task.id == flood[1]:  # A2; D1 comes while A2 runs: A3 joins the line after it
            await _enqueue(store, "D1", chat="D")
        await store.tasks.complete(task.id)
    # A1 was first in line; A2 joined it once A1 finished, behind B1 and C1.
    assert served == ["A1", "B1", "C1", "A2"]
    rest = await store.tasks.lease(now=10, limit=10)
    assert [t.payload.decode() for t in rest] == ["D1", "A3"]


async def test_a_turn_is_kept_through_a_retry_and_priority_still_goes_first(store: Store) -> None:
    a1 = await _enqueue(store, "A1", chat="A")
    await _enqueue(store, "B1", chat="B")
    [first] = await store.tasks.lease(now=10, limit=1)
    assert first.id == a1
    await store.tasks.retry(a1, available_at=10, error="busy")  # back in line at its place: first
    await _enqueue(store, "urgent", chat="C", priority=5)
    leased = await store.tasks.lease(now=10, limit=10)
    assert [t.payload.decode() for t in leased] == ["urgent", "A1", "B1"]


async def test_a_lease_says_drained_only_when_no_task_is_left_queued(store: Store) -> None:
    first = await _enqueue(store, "A1", chat="A")
    await _enqueue(store, "A2", chat="A")  # queued behind A1: not leasable yet, but not drained
    await _enqueue(store, "later", at=100)  # queued, not due
    leased = await store.tasks.lease(now=10, limit=5)
    assert [t.id for t in leased] == [first] and not leased.drained
    assert await store.tasks.complete(first) is True
    leased = await store.tasks.lease(now=10, limit=1)
    assert [t.payload for t in leased] == [b"A2"] and not leased.drained  # took all it asked for
    leased = await store.tasks.lease(now=100, limit=5)
    assert [t.payload for t in leased] == [b"later"] and leased.drained
    empty = await store.tasks.lease(now=100, limit=5)
    assert empty == [] and empty.drained


async def test_burying_the_head_releases_the_chat(store: Store) -> None:
    first = await _enqueue(store, "A1", chat="A")
    second = await _enqueue(store, "A2", chat="A")
    await store.tasks.lease(now=10, limit=10)
    letter = await store.tasks.bury(first, "HTTP 400: chat not found")
    assert (await store.tasks.get(first)).state == "dead"
    assert [t.id for t in await store.tasks.lease(now=11, limit=10)] == [second]
    dead = await store.dead.get(letter)
    assert dead.reason == "HTTP 400: chat not found"
    assert dead.task is not None and dead.task.payload == b"A1"


async def test_lane_capacity_counts_leases_already_held(store: Store) -> None:
    for i in range(5):
        await _enqueue(store, f"tg{i}", lane="telegram")
    for i in range(3):
        await _enqueue(store, f"dc{i}", lane="discord")
    await _enqueue(store, "free", lane="local")
    caps = {"telegram": 2, "discord": 1}
    first = await store.tasks.lease(now=10, limit=10, lanes_capacity=caps)
    assert sorted(t.payload.decode() for t in first) == ["dc0", "free", "tg0", "tg1"]
    assert await store.tasks.lease(now=10, limit=10, lanes_capacity=caps) == []
    tg0 = next(t for t in first if t.payload == b"tg0")
    await store.tasks.complete(tg0.id)
    second = await store.tasks.lease(now=10, limit=10, lanes_capacity=caps)
    assert [t.payload for t in second] == [b"tg2"]


async def test_idempotency_key_returns_the_existing_task(store: Store) -> None:
    first = await _enqueue(store, "x", key="telegram:42:reply")
    again = await _enqueue(store, "y", key="telegram:42:reply")
    other = await _enqueue(store, "z", key="telegram:43:reply")
    assert again == first and other != first
    task = await store.tasks.get(first)
    assert task.payload == b"x"
    (leased,) = await store.tasks.lease(now=10, limit=1)
    await store.tasks.complete(leased.id)
    # Still known after completion: a redelivered trigger does not run twice.
    assert await _enqueue(store, "x", key="telegram:42:reply") == first
    assert (await store.tasks.counts())["queued"] == 1


async def test_leases_a_crash_left_return_to_the_queue_with_attempts_kept(store: Store) -> None:
    a = await _enqueue(store, "a", chat="A")
    a2 = await _enqueue(store, "a2", chat="A")
    b = await _enqueue(store, "b", chat="B")
    await store.tasks.lease(now=100, limit=1)  # a (oldest)
    await store.tasks.lease(now=10**10, limit=1)  # b
    assert await store.tasks.recover_leased() == 2, "at a start, every lease is a dead process's"
    recovered = await store.tasks.get(a)
    assert recovered.state == "queued" and recovered.attempts == 1
    assert (await store.tasks.get(b)).state == "queued"
    leased = await store.tasks.lease(now=112, limit=10)
    assert [t.id for t in leased] == [a, b]  # a before a2: per-chat order survives the crash
    assert [t.attempts for t in leased] == [2, 2]
    assert (await store.tasks.get(a2)).state == "queued"
    assert await store.tasks.recover_leased() == 2
    assert await store.tasks.recover_leased() == 0


async def test_complete_clears_payload_and_unknown_ids_raise(store: Store) -> None:
    a = await _enqueue(store, "secret payload")
    await store.tasks.lease(now=10, limit=1)
    assert await store.tasks.complete(a) is True
    assert await store.tasks.complete(a) is False
    done = await store.tasks.get(a)
    assert done.state == "done" and done.payload == b""
    with pytest.raises(RowNotFoundError):
        await store.tasks.complete(999_999)
    with pytest.raises(RowNotFoundError):
        await store.tasks.retry(999_999, 0.0, "x")
    with pytest.raises(RowNotFoundError):
        await store.tasks.bury(999_999, "x")
    assert await store.tasks.prune(older_than_seconds=3600) == 0
    assert await store.tasks.prune(older_than_seconds=0, now=time.time() + 1) == 1
    assert await store.tasks.get(a) is None


async def test_a_chat_is_busy_while_a_task_of_it_is_open_or_a_reply_to_it_pending(store: Store) -> None:
    keys = ["echo|console:local", "ask|console:local|run-7", "echo|console:localhost",
            "echo|telegram:local", "echo|-"]
    ids = [await store.tasks.enqueue("k", b"", priority=0, chat_key=key, lane="default") for key in keys]
    assert await store.tasks.open_count() == 5
    assert await store.chat_busy("console", "local", replies=False)
    assert not await store.chat_busy("console", "nobody", replies=True)
    assert await store.tasks.complete(ids[0])
    assert await store.chat_busy("console", "local", replies=False)  # its parallel-mode run is still open
    assert await store.tasks.complete(ids[1])
    assert not await store.chat_busy("console", "local", replies=True)
    assert await store.chat_busy("console", "localhost", replies=False)  # another chat, not a prefix match
    [reply] = await store.outbox.add_prepared([await store.outbox.prepare("console", "local", "hi", "r1")])
    assert await store.chat_busy("console", "local", replies=True)
    assert not await store.chat_busy("console", "local", replies=False)  # held replies do not count
    assert not await store.chat_busy("telegram", "other", replies=True)
    await store.outbox.mark_delivered_many([(reply, "m1")])
    assert not await store.chat_busy("console", "local", replies=True)
    plan = await store.db.fetchall(f"EXPLAIN QUERY PLAN {_CHAT_BUSY}", ("x", True, "p", "c"))
    assert "tasks_open_chat" in str(plan) and "outbox_open_chat" in str(plan)  # no scan of either table


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_workload_never_runs_two_tasks_of_a_chat_or_overtakes(
    store: Store, seed: int
) -> None:
    rng = random.Random(seed)
    order: dict[str, list[int]] = {}  # chat -> task ids in enqueue order
    finished: set[int] = set()
    running: dict[int, str] = {}
    now = 1000.0
    for step in range(300):
        now += 1
        action = rng.random()
        if action < 0.45:
            chat = f"c{rng.randrange(6)}"
            tid = await _enqueue(store, f"{step}", chat=chat, priority=rng.randrange(3), at=now)
            order.setdefault(chat, []).append(tid)
        elif action < 0.75:
            for task in await store.tasks.lease(now, rng.randrange(1, 4)):
                assert task.chat_key not in running.values(), "two tasks of one chat at once"
                earlier = [t for t in order[task.chat_key] if t < task.id and t not in finished]
                assert earlier == [], f"task {task.id} overtook {earlier}"
                running[task.id] = task.chat_key
        elif running:
            tid = rng.choice(sorted(running))
            chat = running.pop(tid)
            if rng.random() < 0.3:
                await store.tasks.retry(tid, now + rng.randrange(3), "transient")
            else:
                await store.tasks.complete(tid)
                finished.add(tid)
    assert len(finished) > 20


async def test_open_count_counts_only_queued_and_leased(store) -> None:
    await store.tasks.enqueue("k", b"1", priority=0, chat_key="a", lane="l")
    await store.tasks.enqueue("k", b"2", priority=0, chat_key="b", lane="l")
    assert await store.tasks.open_count() == 2
    leased = await store.tasks.lease(time.time(), 1)
    assert await store.tasks.open_count() == 2
    await store.tasks.complete(leased[0].id)
    assert await store.tasks.open_count() == 1


async def test_prune_drops_only_tasks_finished_before_the_cutoff(store: Store) -> None:
    old = await _enqueue(store, "old", chat="A")
    await store.tasks.lease(now=time.time() + 1, limit=1)
    assert await store.tasks.complete(old)
    await asyncio.sleep(0.02)
    cutoff = time.time()
    await asyncio.sleep(0.02)
    still_open = await _enqueue(store, "waiting", chat="B", at=time.time() + 3600)
    young = await _enqueue(store, "young", chat="C")
    await store.tasks.lease(now=time.time() + 1, limit=5)
    assert await store.tasks.complete(young)
    assert await store.tasks.prune(older_than_seconds=0, now=cutoff) == 1  # finished before it: only "old"
    assert await store.tasks.get(old) is None and await store.tasks.get(young) is not None
    # An open task below a finished one does not keep the finished one.
    assert await store.tasks.prune(older_than_seconds=0, now=time.time() + 1) == 1
    assert await store.tasks.get(young) is None
    assert (await store.tasks.get(still_open)).state == "queued"
