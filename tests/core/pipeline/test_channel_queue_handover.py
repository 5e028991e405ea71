"""A caught-up queue sends what this process writes without reading it back, and loses nothing doing so."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from core.pipeline.channel_queue import CAUGHT_UP_SECONDS, HELD_MAX
from core.pipeline.outbound import Outbound
from core.pipeline.retry import RetryPolicy
from core.store import Store
from tests.core.pipeline.test_channel_queue import Channel, until


class Reads:
    """Counts the outbox reads of a store; can run a coroutine while the next read is in flight."""

    def __init__(self, store: Store) -> None:
        self.count = 0
        self.during: list[Any] = []
        read = store.outbox.next_batch

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            batch = await read(*args, **kwargs)
            while self.during:
                await self.during.pop(0)
            return batch

        store.outbox.next_batch = counted  # type: ignore[method-assign]


def _outbound(store: Store, channel: Channel) -> Outbound:
    outbound = Outbound(store.outbox, {"p": channel}, policy=RetryPolicy(0.01, 0.1, 3), scrub=str,
                        mask=lambda _platform: None, on_sent=lambda *_: None)
    outbound.start()
    return outbound


async def _caught_up(outbound: Outbound, channel: Channel, reads: Reads) -> None:
    """Send one entry through a read, so that the queue is caught up afterwards."""
    await outbound.send("p", "A", "first", idempotency_key="k-first")
    await until(lambda: len(channel.sent) == 1, "the first entry")
    await asyncio.sleep(0.05)
    assert reads.count == 1


async def test_entries_written_once_caught_up_are_sent_without_a_read(store: Store) -> None:
    channel, reads = Channel(), Reads(store)
    outbound = _outbound(store, channel)
    try:
        await _caught_up(outbound, channel, reads)
        for n in range(5):
            for chat in "AB":
                await outbound.send("p", chat, f"{chat}{n}", idempotency_key=f"k-{chat}{n}")
        await until(lambda: len(channel.sent) == 11, "every entry")
        await asyncio.sleep(0.05)
    finally:
        await outbound.stop()
    assert reads.count == 1
    assert [t for c, t, _ in channel.sent if c == "B"] == [f"B{n}" for n in range(5)]
    assert await store.outbox.pending_count("p") == 0  # each delivery recorded


async def test_an_entry_written_while_a_read_is_in_flight_is_sent_once(store: Store) -> None:
    """One entry commits before the read and is handed over after it (it is in the read); another commits
    after the read's snapshot (only the hand-over has it): each is sent exactly once."""
    channel, reads = Channel(), Reads(store)
    await store.outbox.add("p", "A", "stored", "k-stored")
    outbound = _outbound(store, channel)
    queue = outbound.queues["p"]
    before = await store.outbox.prepare("p", "A", "before", "k-before")
    await store.outbox.add_prepared([before])
    reads.during.append(outbound.send("p", "B", "after", idempotency_key="k-after"))

    async def hand_over_late() -> None:
        queue.written(before.entry)

    reads.during.append(hand_over_late())
    try:
        await until(lambda: len(channel.sent) >= 3, "three entries")
        await asyncio.sleep(0.2)
    finally:
        await outbound.stop()
    assert sorted(t for _c, t, _ in channel.sent) == ["after", "before", "stored"]
    assert await store.outbox.pending_count("p") == 0


async def test_a_chat_waiting_for_a_retry_is_not_overtaken_by_a_new_entry(store: Store) -> None:
    channel, reads = Channel(), Reads(store)
    outbound = _outbound(store, channel)
    try:
        await _caught_up(outbound, channel, reads)
        waiting = await store.outbox.add("p", "W", "w1", "k-w1")
        await store.outbox.defer(waiting, time.time() + 0.4, "away")
        outbound.wake("p")
        await asyncio.sleep(0.1)
        await outbound.send("p", "W", "w2", idempotency_key="k-w2")
        await outbound.send("p", "A", "a2", idempotency_key="k-a2")
        await until(lambda: len(channel.sent) == 4, "every entry")
    finally:
        await outbound.stop()
    assert [t for c, t, _ in channel.sent if c == "W"] == ["w1", "w2"]
    assert [t for _c, t, _ in channel.sent].index("a2") < [t for _c, t, _ in channel.sent].index("w1")


async def test_an_entry_another_process_made_pending_is_found_while_caught_up(store: Store) -> None:
    """Written to the store without a hand-over (as another process would), it goes within the queue's
    look at the outbox, even while entries written here keep the queue busy."""
    channel, reads = Channel(), Reads(store)
    outbound = _outbound(store, channel)
    try:
        await _caught_up(outbound, channel, reads)
        await store.outbox.add("p", "X", "from elsewhere", "k-x")
        added = time.monotonic()
        n = 0
        while not any(t == "from elsewhere" for _c, t, _ in channel.sent):
            assert time.monotonic() - added < CAUGHT_UP_SECONDS + 2, "never sent"
            await outbound.send("p", "A", f"busy {n}", idempotency_key=f"k-busy{n}")
            n += 1
            await asyncio.sleep(0.02)
    finally:
        await outbound.stop()
    assert time.monotonic() - added > 0.1  # it was not read at once: the entries here were taken in memory
    assert reads.count >= 2


async def test_a_reply_written_again_under_its_key_is_not_sent_twice(store: Store) -> None:
    channel, reads = Channel(), Reads(store)
    outbound = _outbound(store, channel)
    try:
        await _caught_up(outbound, channel, reads)
        again = await outbound.send("p", "A", "first", idempotency_key="k-first")
        await asyncio.sleep(0.1)
    finally:
        await outbound.stop()
    assert [t for _c, t, _ in channel.sent] == ["first"]
    assert again == f"outbox:{(await store.outbox.find('k-first')).id}"
    assert reads.count == 2  # the queue looked at the outbox instead of trusting its hand-over


async def test_a_failed_send_falls_back_to_the_outbox_and_keeps_the_chats_order(store: Store) -> None:
    class Flaky(Channel):
        def __init__(self) -> None:
            super().__init__()
            self.failures = 1

        async def send(self, message: Any) -> str:
            if message.text == "a2" and self.failures:
                self.failures -= 1
                raise ConnectionError("reset")
            return await super().send(message)

    channel, reads = Flaky(), Reads(store)
    outbound = _outbound(store, channel)
    try:
        await _caught_up(outbound, channel, reads)
        for text in ("a2", "a3"):
            await outbound.send("p", "A", text, idempotency_key=f"k-{text}")
        await until(lambda: len(channel.sent) == 3, "every entry")
    finally:
        await outbound.stop()
    assert [t for _c, t, _ in channel.sent] == ["first", "a2", "a3"]
    assert (await store.outbox.find("k-a2")).attempts == 1


async def test_past_held_max_entries_are_read_from_the_outbox_then_taken_in_memory_again(store: Store) -> None:
    channel, reads = Channel(), Reads(store)
    outbound = _outbound(store, channel)
    try:
        await _caught_up(outbound, channel, reads)
        channel.online = False
        count = HELD_MAX + 10
        await outbound.write([await outbound.prepare("p", f"c{n % 300}", f"m{n}", idempotency_key=f"k{n}")
                              for n in range(count)])
        channel.online = True
        outbound.wake("p")
        await until(lambda: len(channel.sent) == 1 + count, "every entry")
        await asyncio.sleep(0.05)
        after_backlog = reads.count
        await outbound.send("p", "A", "last", idempotency_key="k-last")
        await until(lambda: len(channel.sent) == 2 + count, "the last entry")
        await asyncio.sleep(0.05)
    finally:
        await outbound.stop()
    assert after_backlog >= 5  # 300 chats, one entry each per batch: read batch by batch
    assert reads.count == after_backlog  # caught up again once the backlog went
    assert [t for c, t, _ in channel.sent if c == "c7"] == [f"m{n}" for n in range(7, count, 300)]
