"""A channel across the network (ChannelInfo.concurrent_sends above 1): several chats' sends in flight at once, so
one slow round trip or one chat's wait does not hold the others up; each chat still in order, nothing lost."""

from __future__ import annotations

import asyncio
import time

from core.channel import OutboundMessage
from core.pacing import Pacer
from core.store import Store
from tests.core.pipeline.test_channel_queue import Channel, send_all, start_queue, until


class Remote(Channel):
    """Each send takes a round trip; counts the sends in flight at once."""

    def __init__(self, round_trip: float = 0.05, **kwargs: float) -> None:
        super().__init__(**kwargs)
        self.round_trip = round_trip
        self.in_flight = self.most_in_flight = 0

    async def send(self, message: OutboundMessage) -> str:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.round_trip * (20 if message.text.startswith("slow") else 1))
            return await super().send(message)
        finally:
            self.in_flight -= 1


async def test_sends_to_different_chats_overlap_up_to_the_limit_and_each_chat_keeps_its_order(store: Store) -> None:
    channel = Remote(concurrent_sends=4)
    for number in range(3):
        for chat in "ABCDEFGH":
            await store.outbox.add("p", chat, f"{chat}{number}", f"k-{chat}{number}")
    await send_all(store, channel, 24)
    assert channel.most_in_flight == 4
    for chat in "ABCDEFGH":
        assert [t for c, t, _ in channel.sent if c == chat] == [f"{chat}{n}" for n in range(3)]
    assert await store.outbox.pending_count("p") == 0


async def test_one_at_a_time_unless_the_channel_says_otherwise(store: Store) -> None:
    channel = Remote()
    for chat in "ABCD":
        await store.outbox.add("p", chat, chat, f"k-{chat}")
    await send_all(store, channel, 4)
    assert channel.most_in_flight == 1


async def test_sends_at_once_still_keep_the_channels_rate(store: Store) -> None:
    channel = Remote(round_trip=0.0, rate_limit=20, concurrent_sends=8)
    for n in range(6):
        await store.outbox.add("p", f"chat-{n}", f"m{n}", f"k{n}")
    await send_all(store, channel, 6)
    times = [at for _c, _t, at in channel.sent]
    assert times[-1] - times[0] >= 5 / 20 * 0.95  # a slot each, not six at once


async def test_a_stop_with_sends_in_flight_keeps_what_was_not_confirmed_and_records_the_rest(store: Store) -> None:
    channel = Remote(concurrent_sends=4)
    await store.outbox.add("p", "A", "slow one", "k-slow")
    for chat in "BCD":
        await store.outbox.add("p", chat, chat, f"k-{chat}")
    queue = await start_queue(store, channel)
    await until(lambda: len(channel.sent) == 3, "the quick ones")
    await queue.stop()  # while the slow one is in flight
    assert channel.in_flight == 0
    assert sorted(t for _c, t, _ in channel.sent) == ["B", "C", "D"]
    assert await store.outbox.pending_count("p") == 1
    slow = await store.outbox.find("k-slow")
    assert slow is not None and slow.state == "pending" and slow.attempts == 0


async def test_a_chat_not_yet_allowed_waits_untried_while_the_others_go(store: Store) -> None:
    class Paced(Channel):
        """One send a chat every 0.3 s, as a platform's pace per chat; counts how often the queue asks."""

        def __init__(self) -> None:
            super().__init__()
            self.pacer, self.asked = Pacer(), 0

        def turn_in(self, chat_id: str) -> float:
            self.asked += 1
            return self.pacer.left(chat_id)

        async def send(self, message: OutboundMessage) -> str:
            assert self.pacer.left(message.chat_id) == 0.0, "sent before the chat's turn"
            self.pacer.hold(message.chat_id, time.monotonic() + 0.3)
            return await super().send(message)

    channel = Paced()
    for text in ("a1", "a2", "a3"):
        await store.outbox.add("p", "A", text, f"k-{text}")
    queue = await start_queue(store, channel)
    try:
        await until(lambda: len(channel.sent) == 1, "the first")
        for n in range(5):  # arrive while A waits for its turn
            await store.outbox.add("p", f"B{n}", f"b{n}", f"k-b{n}")
            queue.wake()
        await until(lambda: len(channel.sent) == 8, "every entry")
    finally:
        await queue.stop()
    sent = [(chat, text) for chat, text, _ in channel.sent]
    assert [text for chat, text in sent if chat == "A"] == ["a1", "a2", "a3"]
    assert sent.index(("A", "a2")) > sent.index(("B4", "b4"))  # the others did not wait for A's turn
    times = [at for chat, _t, at in channel.sent if chat == "A"]
    assert times[1] - times[0] >= 0.29 and times[2] - times[1] >= 0.29
    assert channel.asked < 40  # woken at A's turn, not asking in a loop
    for text in ("a1", "a2", "a3"):  # waiting for a turn is no failed attempt
        entry = await store.outbox.find(f"k-{text}")
        assert entry is not None and entry.attempts == 0
