"""Outbox delivery: one worker per channel sends pending entries in order, holds while offline.

The worker is the only sender of its platform and reads the next batch only after every
write of the previous one was committed, so entries in flight need no "sending" mark: an
entry the worker did not try (its chat is blocked by an earlier failure, or the channel went
offline mid-batch) simply stays pending with its attempt count untouched, and after a crash
whatever was not recorded as delivered is pending and is sent again with the same
idempotency key (a platform that honours it drops the copy).

Deliveries are recorded once the channel confirmed them, several in one write: the
confirmations gathered while the worker was busy are written together as soon as the loop
turns (or the batch ends), so a fast channel costs one write per batch, not one per message,
and a slow one still has each confirmation written right after it arrived.

An entry of higher priority than the one about to be sent (an emergency alert) does not wait
for the batch in hand: the worker stops the batch there, the entries it did not try stay
pending, and the next batch, read highest priority first, starts with the new entry.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections.abc import Callable
from typing import Any

from core.errors import PermanentError, TransientError
from core.scheduler import RetryPolicy
from core.store.outbox import OutboxEntry

_LOGGER = logging.getLogger(__name__)
BATCH = 256
KNOWN_BODIES = 20_000
"""Bodies of entries this process wrote, kept to skip decrypting them again (at most this many)."""


class DeliveryWorker:
    """Sends one channel's outbox: oldest first per chat, at the channel's rate, nothing twice."""

    def __init__(self, store: Any, channel: Any, policy: RetryPolicy, *,
                 on_sent: Callable[[OutboxEntry, str], None] | None = None,
                 scrub: Callable[[str], str] = str, max_attempts: int = 20) -> None:
        self.store = store
        self.channel = channel
        self.platform: str = channel.platform
        self.policy = policy
        self.on_sent = on_sent
        self.scrub = scrub
        rate = getattr(channel, "rate_limit", None)  # messages per second the platform allows
        self._interval = 1.0 / rate if rate else 0.0
        self._next_send = 0.0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._inflight = 0
        self._retries: list[float] = []  # due times of entries this worker deferred (a heap)
        self._arrived: int | None = None  # highest priority added since the batch was read
        self.max_attempts = max_attempts
        self._confirmed: list[tuple[int, str | None]] = []  # sent, not yet submitted as delivered
        self._writes: list[asyncio.Future[Any]] = []  # this batch's writes
        self._bodies: dict[int, bytes | str] = {}  # entry id -> body, for entries written here

    @property
    def busy(self) -> bool:
        """True while entries are being sent."""
        return self._inflight > 0

    def remember(self, entry_id: int, body: bytes | str) -> None:
        """The body of a new entry this process writes (delivery then need not decrypt it).

        Only for an id that was just taken for this body: the stored row is that body.
        """
        bodies = self._bodies
        if len(bodies) >= KNOWN_BODIES:
            del bodies[next(iter(bodies))]  # the oldest: likely one that was never written
        bodies[entry_id] = body

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

    def _online(self) -> bool:
        return bool(getattr(self.channel, "online", True))

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            self._arrived = None  # the batch read next sees every entry added before this line
            if not self._online():
                await self._wake.wait()  # held: channel_online wakes us, no busy retrying
                continue
            try:
                batch = await self.store.outbox.next_batch(
                    self.platform, time.time(), BATCH, known_bodies=self._bodies)
                if batch:
                    await self._deliver(batch)
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
        """Sleep until the earliest retry this worker deferred, at most a second."""
        now = time.time()
        retries = self._retries
        if retries and retries[0] <= now:
            while retries and retries[0] <= now:
                heapq.heappop(retries)
            return 0.0
        return min(1.0, self._retries[0] - now) if self._retries else 1.0

    def _defer(self, entry: OutboxEntry, delay: float, error: str) -> asyncio.Future[Any]:
        due = time.time() + delay
        heapq.heappush(self._retries, due)
        return asyncio.ensure_future(self.store.outbox.defer(entry.id, due, error))

    def _confirm(self, entry_id: int, platform_id: str | None) -> None:
        """The channel confirmed an entry: record it with the others confirmed this loop turn."""
        self._bodies.pop(entry_id, None)
        if not self._confirmed:
            asyncio.get_running_loop().call_soon(self._write_confirmed)
        self._confirmed.append((entry_id, platform_id))

    def _write_confirmed(self) -> None:
        confirmed, self._confirmed = self._confirmed, []
        if confirmed:
            self._writes.append(asyncio.ensure_future(self.store.outbox.mark_delivered_many(confirmed)))

    async def _deliver(self, batch: list[OutboxEntry]) -> None:
        delivered = self._writes = []
        blocked: set[str] = set()
        self._inflight = len(batch)
        try:
            for index, entry in enumerate(batch):
                self._inflight = len(batch) - index
                if self._arrived is not None and self._arrived > entry.priority:
                    break  # something more urgent arrived: the rest stays pending, untried
                if entry.chat_id in blocked or not self._online():
                    continue  # not tried: stays pending, no attempt counted
                await self._pace()
                try:
                    platform_id = await self.channel.send(
                        entry.chat_id, _text(entry), reply_to=entry.reply_to,
                        idempotency_key=entry.idempotency_key,
                    )
                except TransientError as err:
                    if entry.attempts + 1 >= self.max_attempts:
                        self._bodies.pop(entry.id, None)
                        delivered.append(asyncio.ensure_future(self.store.outbox.bury(
                            entry.id, self.scrub(f"gave up after {entry.attempts + 1} attempts: {err}"))))
                        continue
                    blocked.add(entry.chat_id)  # never overtake within a chat
                    delay = self.policy.delay(entry.attempts + 1, err.retry_after)
                    delivered.append(self._defer(entry, delay, self.scrub(str(err))))
                    _LOGGER.warning("Sending to %s chat %s failed (%s); retrying in %.1f s",
                                    self.platform, entry.chat_id, self.scrub(str(err)), delay)
                except PermanentError as err:
                    self._bodies.pop(entry.id, None)
                    delivered.append(asyncio.ensure_future(
                        self.store.outbox.bury(entry.id, self.scrub(f"permanent error: {err}"))))
                    _LOGGER.error("Sending to %s chat %s failed for good: %s",
                                  self.platform, entry.chat_id, self.scrub(str(err)))
                except Exception as err:
                    blocked.add(entry.chat_id)
                    delay = self.policy.delay(entry.attempts + 1)
                    delivered.append(self._defer(entry, delay, self.scrub(f"{type(err).__name__}: {err}")))
                    _LOGGER.exception("Channel %s raised while sending", self.platform)
                else:
                    self._confirm(entry.id, platform_id)
                    if self.on_sent is not None:
                        self.on_sent(entry, platform_id)
        except asyncio.CancelledError:
            # What was not confirmed is still pending; let the confirmations already made land.
            self._write_confirmed()
            await asyncio.shield(asyncio.gather(*delivered, return_exceptions=True))
            raise
        finally:
            self._inflight = 0
            self._write_confirmed()
        await asyncio.gather(*delivered)

    async def _pace(self) -> None:
        if not self._interval:
            return
        now = time.monotonic()
        if self._next_send > now:
            await asyncio.sleep(self._next_send - now)
        self._next_send = max(now, self._next_send) + self._interval


def _text(entry: OutboxEntry) -> str:
    return entry.body if isinstance(entry.body, str) else entry.body.decode("utf-8", "replace")
