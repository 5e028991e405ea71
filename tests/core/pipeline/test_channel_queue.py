"""One channel's queue on its own: a real outbox and a channel that records, no gateway."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time

from core.channel import ChannelInfo, OutboundMessage
from core.errors import PermanentError
from core.pipeline.channel_queue import ChannelQueue
from core.pipeline.retry import RetryPolicy
from core.store import Store


class Channel:
    """Records sends with their time; can be offline, rate-limited, or refuse a text for good."""

    platform = "p"

    def __init__(self, rate_limit: float | None = None, concurrent_sends: int = 1) -> None:
        self.online = True
        self.info = ChannelInfo("p", rate_limit=rate_limit, concurrent_sends=concurrent_sends)
        self.sent: list[tuple[str, str, float]] = []

    async def send(self, message: OutboundMessage) -> str:
        if message.text.startswith("refused"):
            raise PermanentError("403 blocked")
        self.sent.append((message.chat_id, message.text, time.monotonic()))
        return str(len(self.sent))


async def start_queue(store: Store, channel: Channel) -> ChannelQueue:
    """The queue of this channel, started (three attempts, retried after 0.01-0.1 s)."""
    queue = ChannelQueue(store.outbox, channel, RetryPolicy(0.01, 0.1, 3), scrub=str, on_sent=lambda *_: None)
    queue.start()
    return queue


async def send_all(store: Store, channel: Channel, count: int) -> None:
    """Start the channel's queue, wait until it has sent count entries, and stop it."""
    queue = await start_queue(store, channel)
    try:
        await until(lambda: len(channel.sent) == count, f"{count} entries sent")
    finally:
        await queue.stop()


async def until(predicate, what: str) -> None:
    """Wait (up to 10 s) until predicate() holds."""
    async with asyncio.timeout(10):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_each_chat_in_order_by_priority_and_recorded(store: Store) -> None:
    channel = Channel()
    for chat, text, priority in [("A", "a1", 0), ("A", "a2", 0), ("B", "b1", 0), ("B", "b2", 5), ("A", "a3", 0)]:
        await store.outbox.add("p", chat, text, f"k-{text}", priority=priority)
    await send_all(store, channel, 5)
    assert [t for c, t, _ in channel.sent if c == "A"] == ["a1", "a2", "a3"]
    assert [t for c, t, _ in channel.sent if c == "B"] == ["b2", "b1"]  # higher priority first
    assert channel.sent[0][1] == "b2"
    assert await store.outbox.pending_count("p") == 0
    assert (await store.outbox.find("k-a3")).platform_msg_id is not None


async def test_whoever_waits_is_told_once_a_batch_is_recorded(store: Store) -> None:
    """A caller waiting for a chat's replies to be delivered looks again when the record is durable,
    not only when the send happened (the record comes a commit later)."""
    channel = Channel()
    recorded: list[int] = []
    queue = ChannelQueue(store.outbox, channel, RetryPolicy(0.01, 0.1, 3), scrub=str, on_sent=lambda *_: None,
                         on_recorded=lambda: recorded.append(len(channel.sent)))
    await store.outbox.add("p", "A", "hello", "k-hello")
    queue.start()
    try:
        await until(lambda: recorded, "the batch recorded")
        assert recorded == [1]
        assert await store.outbox.pending_count("p", "A") == 0  # durable when told
    finally:
        await queue.stop()


async def test_held_while_offline_then_sent_when_woken(store: Store) -> None:
    channel = Channel()
    channel.online = False
    await store.outbox.add("p", "A", "held", "k1")
    queue = await start_queue(store, channel)
    try:
        await asyncio.sleep(0.2)
        assert channel.sent == [] and await store.outbox.pending_count("p") == 1
        channel.online = True
        queue.wake()
        await until(lambda: channel.sent, "the held entry")
    finally:
        await queue.stop()
    assert (await store.outbox.find("k1")).attempts == 0  # held, never tried while offline


async def test_sends_are_paced_at_the_channels_rate(store: Store) -> None:
    channel = Channel(rate_limit=20)
    for n in range(6):
        await store.outbox.add("p", f"chat-{n}", f"m{n}", f"k{n}")
    await send_all(store, channel, 6)
    assert channel.sent[-1][2] - channel.sent[0][2] >= 5 / 20 * 0.95


async def test_a_refused_entry_is_buried_and_its_chat_goes_on(store: Store) -> None:
    channel = Channel()
    await store.outbox.add("p", "A", "refused: bad", "k1")
    await store.outbox.add("p", "A", "next", "k2")
    queue = await start_queue(store, channel)
    try:
        await until(lambda: channel.sent, "the next entry")
    finally:
        await queue.stop()
    assert [t for _c, t, _ in channel.sent] == ["next"]
    [letter] = await store.dead.list()
    assert letter.reason == "permanent error: 403 blocked"


async def test_a_chats_next_entry_is_sent_only_once_its_previous_delivery_is_recorded(store: Store) -> None:
    class Checking(Channel):
        """Looks in the store, at each send, whether the chat's previous reply is recorded as delivered."""

        def __init__(self) -> None:
            super().__init__()
            self.unrecorded: list[str] = []

        async def send(self, message: OutboundMessage) -> str:
            number = int(message.text[1:])
            if number:
                previous = await store.outbox.find(f"k-{message.chat_id}{number - 1}")
                if previous is None or previous.state != "delivered":
                    self.unrecorded.append(message.text)
            return await super().send(message)

    channel = Checking()
    for number in range(6):
        for chat in "AB":
            await store.outbox.add("p", chat, f"{chat}{number}", f"k-{chat}{number}")
    await send_all(store, channel, 12)
    assert channel.unrecorded == []  # a kill could resend at most one reply of each chat
    assert [t for c, t, _ in channel.sent if c == "A"] == [f"A{n}" for n in range(6)]


async def test_a_batch_that_took_every_open_entry_is_not_followed_by_an_empty_read(store: Store) -> None:
    """After delivering everything the outbox held, the queue waits for a wake (or its once-a-second
    look) instead of reading the outbox again only to find it empty; an entry added later is read."""
    channel = Channel()
    reads: list[int] = []
    read = store.outbox.next_batch

    async def counted(*args, **kwargs):
        batch = await read(*args, **kwargs)
        reads.append(len(batch))
        return batch

    store.outbox.next_batch = counted  # type: ignore[method-assign]
    await store.outbox.add("p", "A", "first", "k-first")
    queue = await start_queue(store, channel)
    try:
        await until(lambda: len(channel.sent) == 1, "the first entry")
        await asyncio.sleep(0.1)
        assert reads == [1]
        await store.outbox.add("p", "A", "second", "k-second")
        queue.wake()
        await until(lambda: len(channel.sent) == 2, "the second entry")
        await asyncio.sleep(0.1)
        assert reads == [1, 1]
    finally:
        await queue.stop()


async def test_a_batch_that_passed_entries_over_reads_again_at_once(store: Store) -> None:
    """A chat's second entry is left for the next batch (one per chat): that batch is read right after."""
    channel = Channel()
    for text in ("a1", "a2"):
        await store.outbox.add("p", "A", text, f"k-{text}")
    await send_all(store, channel, 2)
    assert channel.sent[1][2] - channel.sent[0][2] < 0.5  # not after the once-a-second look


async def test_a_stop_while_deliveries_are_being_recorded_lets_the_records_land(store: Store) -> None:
    """Stopping must not cancel the write of a delivery the channel confirmed: it would be sent again
    at the next start."""
    stopping: list[asyncio.Future[None]] = []

    class Stopping(Channel):
        async def send(self, message: OutboundMessage) -> str:
            platform_id = await super().send(message)
            stopping.append(asyncio.ensure_future(queue.stop()))  # runs once the record is submitted
            return platform_id

    channel = Stopping()
    await store.outbox.add("p", "A", "only", "k-only")
    queue = await start_queue(store, channel)
    await until(lambda: stopping, "the send")
    await stopping[0]
    assert [t for _c, t, _ in channel.sent] == ["only"]
    assert await store.outbox.pending_count("p") == 0


# Operations the store's writer process runs (it imports them by module and name).
def refuse_records(conn: sqlite3.Connection) -> None:
    """From now on a write group that records a delivery is lost whole, as on a full disk."""
    conn.execute("CREATE TEMP TRIGGER refuse BEFORE UPDATE ON outbox BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END")


def allow_records(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TRIGGER temp.refuse")


async def test_a_delivery_the_store_cannot_record_is_recorded_later_not_sent_again(store: Store, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="core.pipeline.channel_queue")
    channel = Channel()
    channel.online = False
    for chat in ("A", "B"):
        await store.outbox.add("p", chat, f"{chat}1", f"k-{chat}1")
    queue = await start_queue(store, channel)
    try:
        await store.db.write(refuse_records)
        channel.online = True
        queue.wake()
        await until(lambda: len(channel.sent) == 2, "both sent")
        await until(lambda: sum("outbox failed" in r.getMessage() for r in caplog.records) >= 2, "two tries to record")
        assert sorted(t for _c, t, _ in channel.sent) == ["A1", "B1"], "not sent again while they cannot be recorded"
        await store.db.write(allow_records)
        async with asyncio.timeout(10):
            while await store.outbox.pending_count("p"):
                await asyncio.sleep(0.05)
    finally:
        await queue.stop()
    assert sorted(t for _c, t, _ in channel.sent) == ["A1", "B1"]
    assert (await store.outbox.find("k-A1")).platform_msg_id is not None
