"""Outbox and dead letters: idempotent adds, per-chat delivery order, deferral, burial, retry, prune."""

from __future__ import annotations

import asyncio
import time

import pytest

from core.store import RowNotFoundError, Store


async def _fill(store: Store, spec: list[tuple[str, str]], platform: str = "tg") -> dict[str, int]:
    return {
        body: await store.outbox.add(platform, chat, body, f"key-{body}") for chat, body in spec
    }


async def test_add_is_idempotent_and_keeps_body_type(store: Store) -> None:
    task = await store.tasks.enqueue("reply", b"", priority=0, chat_key="A", lane="tg")
    first = await store.outbox.add("tg", "A", "hello", "task-1:reply", task_id=task)
    again = await store.outbox.add("tg", "A", "hello again", "task-1:reply", task_id=task)
    binary = await store.outbox.add("tg", "A", b"\x00\x01", "task-1:photo")
    assert again == first
    entry = await store.outbox.get(first)
    assert entry.body == "hello" and entry.task_id == task and entry.state == "pending"
    assert (await store.outbox.get(binary)).body == b"\x00\x01"
    assert await store.outbox.pending_count("tg") == 2


async def test_an_entry_keeps_whether_it_is_a_models_answer_in_markdown(store: Store) -> None:
    answer = await store.outbox.add("tg", "A", "**rye**", "run-1:answer", markdown=True)
    written = await store.outbox.add("tg", "B", "**as written**", "run-2:reply")
    batch = await store.outbox.next_batch("tg", time.time(), 10)
    assert {entry.id: entry.markdown for entry in batch} == {answer: True, written: False}
    assert (await store.outbox.get(answer)).markdown is True


async def test_next_batch_is_oldest_first_per_chat_and_only_pending(store: Store) -> None:
    ids = await _fill(
        store, [("A", "a1"), ("B", "b1"), ("A", "a2"), ("C", "c1"), ("B", "b2"), ("A", "a3")]
    )
    await store.outbox.add("wa", "A", "other platform", "key-wa")
    now = time.time() + 1
    batch = await store.outbox.next_batch("tg", now, 10)
    assert [e.body for e in batch] == ["a1", "b1", "a2", "c1", "b2", "a3"]

    assert await store.outbox.mark_delivered_many([(ids["a1"], "m-1")]) == 1
    assert await store.outbox.mark_delivered_many([(ids["a1"], "m-1")]) == 0  # already delivered
    await store.outbox.mark_delivered_many([(ids["c1"], "m-2")])
    batch = await store.outbox.next_batch("tg", now, 10)
    assert [e.body for e in batch] == ["b1", "a2", "b2", "a3"]  # a1 and c1 delivered
    delivered = await store.outbox.get(ids["a1"])
    assert delivered.state == "delivered" and delivered.platform_msg_id == "m-1"
    assert await store.outbox.pending_count("tg") == 4
    assert [e.body for e in await store.outbox.next_batch("tg", now, 1)] == ["b1"]
    assert [await store.outbox.pending_count("tg", chat) for chat in "ABC"] == [2, 2, 0]
    plan = await store.db.fetchall("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM outbox"
                                   " WHERE platform = 'tg' AND state = 'pending' AND chat_id = 'A'")
    assert "outbox_open_chat" in str(plan)  # not a scan of the platform's pending entries


async def test_a_batch_is_drained_only_when_it_took_every_open_entry(store: Store) -> None:
    await _fill(store, [("A", "a1"), ("B", "b1")])
    now = time.time() + 1
    assert (await store.outbox.next_batch("tg", now, 10)).drained
    assert not (await store.outbox.next_batch("tg", now, 1)).drained  # the limit left b1
    await _fill(store, [("A", "a2")])
    assert not (await store.outbox.next_batch("tg", now, 10, first_per_chat=True)).drained  # a2 waits for a1
    assert (await store.outbox.next_batch("tg", now, 10)).drained
    assert not (await store.outbox.next_batch("tg", time.time() - 60, 10)).drained  # none due yet
    assert (await store.outbox.next_batch("wa", now, 10)).drained  # nothing open at all


async def test_first_per_chat_reads_a_bounded_part_of_a_backlog(store: Store) -> None:
    # Three chats with 1,500 replies each, written round after round: fewer chats than a batch may take.
    await _fill(store, [(chat, f"{chat}{n}") for n in range(1500) for chat in "ABC"])
    read: list[int] = []
    fetchall = store.db.fetchall

    async def counting(sql: str, params: tuple = ()) -> list:
        rows = await fetchall(sql, params)
        read.append(len(rows))
        return rows

    store.db.fetchall = counting  # type: ignore[method-assign]
    batch = await store.outbox.next_batch("tg", time.time() + 1, 256, first_per_chat=True)
    assert [e.body for e in batch] == ["A0", "B0", "C0"]  # each chat's first reply, oldest first
    assert sum(read) <= 1536  # a bounded part (4 rows a place in the batch, in pages), not all 4,500
    read.clear()
    whole = await store.outbox.next_batch("tg", time.time() + 1, 256)
    assert len(whole) == 256 and [e.body for e in whole[:4]] == ["A0", "B0", "C0", "A1"]


async def test_deferred_entry_holds_back_its_chat_until_due(store: Store) -> None:
    ids = await _fill(store, [("A", "a1"), ("A", "a2"), ("B", "b1")])
    assert await store.outbox.defer(ids["a1"], next_attempt_at=500.0, error="429 retry after 30")
    batch = await store.outbox.next_batch("tg", 499.0, 10)
    assert [e.body for e in batch] == []  # everything was created "now" (> 499): nothing due
    now = time.time() + 1
    entry = await store.outbox.get(ids["a1"])
    assert entry.attempts == 1 and entry.last_error == "429 retry after 30"
    assert entry.next_attempt_at == 500.0 < now
    assert [e.body for e in await store.outbox.next_batch("tg", now, 10)] == ["a1", "a2", "b1"]
    await store.outbox.defer(ids["a1"], next_attempt_at=now + 60, error="again")
    assert [e.body for e in await store.outbox.next_batch("tg", now, 10)] == ["b1"]
    assert [e.body for e in await store.outbox.next_batch("tg", now + 61, 10)] == ["a1", "a2", "b1"]


async def test_next_batch_scans_past_a_blocked_chat(db_path, cipher) -> None:
    store = await Store.open(db_path, cipher)
    try:
        store.outbox._scan_page = 4  # force several pages
        ids = await _fill(store, [("A", f"a{i}") for i in range(10)] + [("B", "b0"), ("B", "b1")])
        await store.outbox.defer(ids["a0"], time.time() + 60, "retry later")
        batch = await store.outbox.next_batch("tg", time.time() + 1, 10)
        assert [e.body for e in batch] == ["b0", "b1"]
    finally:
        await store.close()


async def test_drop_deletes_an_open_entry_and_leaves_a_closed_one(store: Store) -> None:
    ids = await _fill(store, [("A", "a1"), ("A", "a2"), ("B", "b1")])
    await store.outbox.mark_delivered_many([(ids["b1"], "m-1")])
    assert await store.outbox.drop(ids["a1"]) is True
    assert await store.outbox.get(ids["a1"]) is None
    assert [e.body for e in await store.outbox.next_batch("tg", time.time() + 1, 10)] == ["a2"]
    assert await store.outbox.drop(ids["b1"]) is False, "a delivered entry stays as it is"
    assert (await store.outbox.get(ids["b1"])).state == "delivered"
    assert await store.outbox.drop(ids["a1"]) is False
    assert (await store.dead.stats())["total"] == 0


async def test_dead_letters_retry_prune_and_stats(store: Store) -> None:
    ids = await _fill(store, [("A", "a1"), ("A", "a2")])
    out_letter = await store.outbox.bury(ids["a1"], "403 bot was blocked by the user")
    task = await store.tasks.enqueue("reply", b"payload", priority=3, chat_key="A", lane="tg")
    await store.tasks.lease(now=time.time(), limit=1)
    task_letter = await store.tasks.bury(task, "PermanentError: bad template")

    letters = await store.dead.list(10)
    assert [d.id for d in letters] == [task_letter, out_letter]
    assert letters[0].kind == "reply" and letters[0].chat == "A" and letters[0].attempts == 1
    assert letters[1].kind == "outbox" and letters[1].chat == "tg:A"
    assert letters[1].reason == "403 bot was blocked by the user"
    stats = await store.dead.stats()
    assert stats["total"] == 2 and stats["task"] == 1 and stats["outbox"] == 1
    assert [e.body for e in await store.outbox.next_batch("tg", time.time() + 1, 10)] == ["a2"]

    # Retry puts the entry back (oldest first again) and the task back in the queue.
    assert await store.dead.retry(out_letter) == ("outbox", ids["a1"])
    assert [e.body for e in await store.outbox.next_batch("tg", time.time() + 1, 10)] == [
        "a1",
        "a2",
    ]
    assert await store.dead.retry(task_letter) == ("task", task)
    (again,) = await store.tasks.lease(now=time.time() + 1, limit=5)
    assert again.id == task and again.payload == b"payload" and again.attempts == 1
    assert await store.dead.list(10) == []
    with pytest.raises(RowNotFoundError):
        await store.dead.retry(out_letter)

    # Prune: only letters older than the cut, together with their dead rows.
    old_letter = await store.tasks.bury(task, "gave up")
    new_letter = await store.outbox.bury(ids["a2"], "gave up too")
    await store.db.write(
        lambda c: c.execute("UPDATE dead_letters SET created_at = 1000 WHERE id = ?", (old_letter,))
    )
    assert await store.dead.prune(older_than_seconds=3600) == 1
    assert [d.id for d in await store.dead.list(10)] == [new_letter]
    assert await store.tasks.get(task) is None
    assert (await store.outbox.get(ids["a2"])).state == "dead"


async def test_prune_drops_only_replies_delivered_before_the_cutoff(store: Store) -> None:
    old = await store.outbox.add("tg", "A", "old", "k-old")
    assert await store.outbox.mark_delivered_many([(old, "m-1")])
    await asyncio.sleep(0.02)
    cutoff = time.time()
    await asyncio.sleep(0.02)
    pending = await store.outbox.add("tg", "B", "still pending", "k-pending")
    young = await store.outbox.add("tg", "C", "young", "k-young")
    assert await store.outbox.mark_delivered_many([(young, "m-2")])
    assert await store.outbox.prune(older_than_seconds=0, now=cutoff) == 1
    assert await store.outbox.get(old) is None and await store.outbox.get(young) is not None
    assert await store.outbox.prune(older_than_seconds=0, now=time.time() + 1) == 1
    assert await store.outbox.get(young) is None
    assert (await store.outbox.get(pending)).state == "pending"
