"""One channel's outbox queue: sends pending entries in order, holds while offline, records each.

The queue is the only sender of its platform and reads the next batch only after every write
of the previous one was committed, so entries in flight need no mark: an entry it did not try
(its chat waits for a retry, or the channel went offline mid-batch) stays pending with its
attempt count untouched, and after a crash whatever was not recorded as delivered is pending
and is sent again under the same idempotency key (a platform that honours it drops the copy).

Each delivery is recorded as soon as the channel confirmed it: the confirmations of one loop
turn are written together (one commit per turn, not per message). A batch sends at most one
entry per chat; the chat's next entry waits for the next batch, which is read only once this
batch's deliveries are recorded. So a kill repeats at most the one send per chat that was
confirmed but not yet recorded.

An entry of higher priority than the one about to be sent (an emergency alert) does not wait
for the batch in hand: the batch stops there, and the next one, read highest priority first,
starts with the new entry.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections.abc import Callable
from typing import Any

from core.channel import Channel, OutboundMessage
from core.errors import RecipientAway
from core.pipeline.retry import RetryPolicy
from core.store.errors import StoreLostError, WriteAbortedError
from core.store.outbox import Outbox, OutboxEntry

_LOGGER = logging.getLogger(__name__)
BATCH = 256


class ChannelQueue:
    """Sends one channel's outbox: oldest first per chat, at the channel's rate, nothing twice."""

    def __init__(self, outbox: Outbox, channel: Channel, policy: RetryPolicy, *,
                 scrub: Callable[[str], str], on_sent: Callable[[OutboxEntry, str | None], None],
                 on_failed: Callable[[OutboxEntry, str, bool], None] = lambda *_: None,
                 on_recorded: Callable[[], None] = lambda: None) -> None:
        self.outbox = outbox
        self.channel = channel
        self.platform: str = channel.info.platform
        self.policy = policy
        self.scrub = scrub
        self.on_sent = on_sent
        self.on_failed = on_failed
        """Told of each failed send: the entry, the scrubbed reason, and whether it is tried again."""
        self.on_recorded = on_recorded
        """Told when a batch's outcomes (deliveries, retries, burials) are committed."""
        rate = channel.info.rate_limit  # messages per second the platform allows
        self._interval = 1.0 / rate if rate else 0.0
        self._next_send = 0.0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._inflight = 0
        self._retries: list[float] = []  # due times of entries this queue deferred (a heap)
        self._arrived: int | None = None  # highest priority added since the batch was read
        self._confirmed: list[tuple[int, str | None]] = []  # sent, not yet submitted as delivered
        self._sent_to: set[str] = set()  # chats sent to in this batch
        self._writes: list[asyncio.Future[Any]] = []  # this batch's writes

    @property
    def busy(self) -> bool:
        """True while entries are being sent or their delivery is not yet recorded."""
        return self._inflight > 0 or bool(self._confirmed)

    @property
    def online(self) -> bool:
        """Whether the channel reports itself reachable."""
        return self.channel.online

    def wake(self, priority: int | None = None) -> None:
        """Look at the outbox now (an entry of this priority was added, or the channel came back)."""
        if priority is not None and (self._arrived is None or priority > self._arrived):
            self._arrived = priority
        self._wake.set()

    def start(self) -> None:
        """Start delivering."""
        self._task = asyncio.get_running_loop().create_task(self._loop(), name=f"delivery {self.platform}")

    async def stop(self) -> None:
        """Stop delivering (what is pending stays in the outbox)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def pace(self) -> None:
        """Wait for this channel's next send slot (its rate limit)."""
        if not self._interval:
            return
        now = time.monotonic()
        if self._next_send > now:
            await asyncio.sleep(self._next_send - now)
        self._next_send = max(now, self._next_send) + self._interval

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            self._arrived = None  # the batch read next sees every entry added before this line
            if not self.online:
                await self._wake.wait()  # held: the channel coming back wakes us, no busy retrying
                continue
            try:
                # One entry per chat: a batch sends at most one per chat (see _deliver); reading
                # only those saved decrypting every reply waiting behind them (10 chats x 32
                # pending: 118 rows decrypted per batch before, 10 after).
                batch = await self.outbox.next_batch(self.platform, time.time(), BATCH, first_per_chat=True)
                if batch:
                    await self._deliver(batch)
                    if not batch.drained:
                        continue
                # Drained: an entry added since the read has set _wake, so the wait below ends at
                # once; without one, reading again would only find the outbox empty.
            except StoreLostError:
                return  # the gateway stops and has said why
            except WriteAbortedError as err:  # the store has said why (its disk is full, ...)
                _LOGGER.error("Delivering the %s outbox failed; trying again in a second: %s", self.platform, err)
                await asyncio.sleep(1.0)
                continue
            except Exception:  # a store hiccup must not end delivery for good
                _LOGGER.exception("Delivering the %s outbox failed; trying again in a second", self.platform)
                await asyncio.sleep(1.0)
                continue
            try:
                async with asyncio.timeout(self._idle_wait()):
                    await self._wake.wait()
            except TimeoutError:
                pass

    def _idle_wait(self) -> float:
        """Sleep until the earliest retry this queue deferred, at most a second."""
        now = time.time()
        retries = self._retries
        while retries and retries[0] <= now:
            heapq.heappop(retries)
            if not retries or retries[0] > now:
                return 0.0
        return min(1.0, retries[0] - now) if retries else 1.0

    async def _deliver(self, batch: list[OutboxEntry]) -> None:
        self._writes = []
        self._sent_to = set()
        waiting: set[str] = set()  # chats not to send to in this batch: their entries stay pending
        try:
            for index, entry in enumerate(batch):
                self._inflight = len(batch) - index
                if self._arrived is not None and self._arrived > entry.priority:
                    break  # something more urgent arrived: the rest stays pending, untried
                chat = entry.chat_id
                if chat in waiting or chat in self._sent_to or not self.online:
                    # A failed entry blocks its chat (order); a sent one not yet recorded holds
                    # the chat's next entry for the next batch, read once this one is recorded.
                    waiting.add(chat)
                    continue
                await self._send(entry, waiting)
        except asyncio.CancelledError:
            # What was not confirmed is still pending; let the confirmations already made land.
            self._write_confirmed()
            await asyncio.shield(asyncio.gather(*self._writes, return_exceptions=True))
            raise
        finally:
            self._inflight = 0
            self._write_confirmed()
        await asyncio.gather(*self._writes)
        self.on_recorded()

    async def _send(self, entry: OutboxEntry, waiting: set[str]) -> None:
        await self.pace()
        try:
            platform_id = await self.channel.send(OutboundMessage(
                entry.chat_id, _text(entry), entry.idempotency_key, entry.reply_to))
        except Exception as err:
            verdict = self.policy.decide(err, entry.attempts + 1)
            reason = self.scrub(verdict.reason)
            if verdict.bury:
                self._writes.append(asyncio.ensure_future(self.outbox.bury(entry.id, reason)))
                _LOGGER.error("Sending to %s chat %s failed for good: %s", self.platform, entry.chat_id, reason)
                self.on_failed(entry, reason, False)
                return
            assert verdict.delay is not None
            waiting.add(entry.chat_id)  # never overtake within a chat
            due = time.time() + verdict.delay
            heapq.heappush(self._retries, due)
            self._writes.append(asyncio.ensure_future(self.outbox.defer(entry.id, due, reason)))
            if isinstance(err, RecipientAway):  # expected: a client went away; it may come back
                _LOGGER.info("A reply to %s chat %s waits: %s; it goes when the chat is back (or in %.0f min)",
                             self.platform, entry.chat_id, reason, verdict.delay / 60)
            else:
                _LOGGER.warning("Sending to %s chat %s failed (%s); retrying in %.1f s",
                                self.platform, entry.chat_id, reason, verdict.delay)
            self.on_failed(entry, reason, True)
            return
        if not self._confirmed:
            asyncio.get_running_loop().call_soon(self._write_confirmed)
        self._confirmed.append((entry.id, platform_id))
        self._sent_to.add(entry.chat_id)
        self.on_sent(entry, platform_id)

    def _write_confirmed(self) -> None:
        """Submit the confirmations gathered so far as one write (group-committed with others)."""
        confirmed, self._confirmed = self._confirmed, []
        if confirmed:
            self._writes.append(asyncio.ensure_future(self.outbox.mark_delivered_many(confirmed)))


def _text(entry: OutboxEntry) -> str:
    return entry.body if isinstance(entry.body, str) else entry.body.decode("utf-8", "replace")
