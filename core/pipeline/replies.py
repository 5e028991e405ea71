"""The replies of one run, written together with the run's completion.

A reply a run sends is numbered and sealed at once (its reference is known) but written with
the task's "done" mark in one transaction: one commit instead of two per run (e2e benchmark, 3
interleaved pairs: 277 + 197 us of CPU per message against 291 + 206 us when each reply is
written on its own), and no moment where the task is done without its replies or the other way
round. Nothing is lost by
holding: until that commit the task is not done, so after a crash it runs again and queues
the same replies under the same idempotency keys. Replies still held after HOLD_SECONDS (the
run waits on a model or a delay), or when the run fails, are written on their own, so holding
never delays a reply noticeably.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from core.errors import RecipientGone

if TYPE_CHECKING:
    from core.pipeline.outbound import Outbound
    from core.store.outbox import PreparedEntry

HOLD_SECONDS = 0.005
"""How long a running task may hold its replies back before they are written on their own."""


class RunReplies:
    """What one run sends (the ``RunContext.output`` of a durable run)."""

    __slots__ = ("outbound", "sweeper", "entries", "writes", "closed", "since")

    def __init__(self, outbound: Outbound, sweeper: ReplySweeper) -> None:
        self.outbound = outbound
        self.sweeper = sweeper
        self.entries: list[PreparedEntry] = []
        self.writes: list[asyncio.Future[Any]] = []
        self.closed = False
        self.since = 0.0

    async def send(self, platform: str, chat_id: str, text: str, *, idempotency_key: str,
                   priority: int = 0, reply_to: str | None = None, markdown: bool = False) -> str:
        """Queue a reply (markdown: a model's answer); it is written with the run's completion (or after
        HOLD_SECONDS)."""
        if self.closed:  # the run is over (a late step of a cancelled branch): write it alone
            return await self.outbound.send(platform, chat_id, text, idempotency_key=idempotency_key,
                                            priority=priority, reply_to=reply_to, markdown=markdown)
        prepared = await self.outbound.prepare(platform, chat_id, text, idempotency_key=idempotency_key,
                                               priority=priority, reply_to=reply_to, markdown=markdown)
        if not self.entries:
            self.sweeper.watch(self)
        self.entries.append(prepared)
        return f"outbox:{prepared.entry.id}"

    async def stream(self, platform: str, chat_id: str, chunks: AsyncGenerator[str, None], *,
                     idempotency_key: str, priority: int = 0, reply_to: str | None = None,
                     as_written: bool = True) -> str:
        """Stream a model's answer (Markdown) where the channel can show it (and as_written asks it); otherwise (or
        when its chat is away) send it whole when complete, with "typing…" shown meanwhile. RecipientGone, and the
        answer stopped, once its channel says no one can receive it."""
        if as_written and self.outbound.can_stream(platform):
            await self._written()  # this run's earlier replies are in the outbox: the answer comes after them
            streamed = await self.outbound.stream(platform, chat_id, chunks, idempotency_key=idempotency_key,
                                                  priority=priority, reply_to=reply_to)
            if streamed is not None:
                return streamed
        text = await self._whole(platform, chat_id, reply_to, chunks)
        return await self.send(platform, chat_id, text, idempotency_key=idempotency_key,
                               priority=priority, reply_to=reply_to, markdown=True)

    async def _whole(self, platform: str, chat_id: str, reply_to: str | None,
                     chunks: AsyncGenerator[str, None]) -> str:
        """The answer gathered whole, with "typing…" shown meanwhile, looking before each piece whether anyone can
        still receive it."""
        parts: list[str] = []
        # The answer is closed at once when given up: that frees the model.
        async with aclosing(chunks), self.outbound.typing(platform, chat_id, reply_to):
            while not self.outbound.gone(platform, chat_id, reply_to):
                try:
                    parts.append(await anext(chunks))
                except StopAsyncIteration:
                    return "".join(parts).strip()
        raise RecipientGone(f"no one can receive the answer for {platform} chat {chat_id!r} any more: stopped"
                            f" after {len(parts)} piece{'' if len(parts) == 1 else 's'}")

    async def already_sent(self, idempotency_key: str) -> bool:
        """True when this run holds, or the outbox has, a reply with this key (a retried run)."""
        if any(prepared.entry.idempotency_key == idempotency_key for prepared in self.entries):
            return True
        return await self.outbound.already_sent(idempotency_key)

    def release(self) -> None:
        """Write the held replies now, on their own (the run goes on, or failed)."""
        entries = self._take()
        if entries:
            self.writes.append(asyncio.ensure_future(self.outbound.write(entries)))

    def _take(self) -> list[PreparedEntry]:
        entries, self.entries = self.entries, []
        if entries:
            self.sweeper.holding.discard(self)
        return entries

    async def flush(self) -> None:
        """Write what is held and wait for every earlier write (raising the first failure)."""
        self.closed = True
        await self._written()

    async def _written(self) -> None:
        """Write what is held, and wait until this run's replies are all written (raising the first failure)."""
        self.release()
        writes, self.writes = self.writes, []
        if writes:
            await asyncio.gather(*writes)

    async def complete(self, task_id: int) -> None:
        """Write the held replies and mark the task done, in one transaction (a scheduler Completion)."""
        self.closed = True
        entries = self._take()
        writes, self.writes = self.writes, []
        if writes:  # replies written on their own must be durable before the task is done
            await asyncio.gather(*writes)
        await self.outbound.write(entries, complete_task=task_id)


class ReplySweeper:
    """Writes replies held longer than HOLD_SECONDS (one timer for all runs, not one per run)."""

    def __init__(self) -> None:
        self.holding: set[RunReplies] = set()
        self.timer: asyncio.TimerHandle | None = None

    def watch(self, replies: RunReplies) -> None:
        """Start the clock for a run that now holds replies."""
        loop = asyncio.get_running_loop()
        replies.since = loop.time()
        self.holding.add(replies)
        if self.timer is None:
            self.timer = loop.call_later(HOLD_SECONDS, self.sweep)

    def sweep(self) -> None:
        """Release what was held too long; look again later while anything is held."""
        self.timer = None
        loop = asyncio.get_running_loop()
        due = loop.time() - HOLD_SECONDS
        for replies in list(self.holding):
            if not replies.entries:
                self.holding.discard(replies)
            elif replies.since <= due:
                self.holding.discard(replies)
                replies.release()
        if self.holding:
            self.timer = loop.call_later(HOLD_SECONDS, self.sweep)

    def stop(self) -> None:
        """Cancel the timer (the pipeline is closing)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
