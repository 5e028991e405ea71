"""The one path to a channel, for whole and streamed replies alike.

Every reply passes here: the channel is looked up, the platform's outbound masking applied,
the entry written to the outbox (or held with its run, see ``replies``) and the channel's
queue woken; a streamed answer goes straight to a channel that can show it, once the chat's
earlier replies went out, paced with that channel's other sends and recorded as soon as the
platform confirmed it, with "typing…" shown until its first words (``core.typing_indicator``).
A platform that is offline, or whose replies are masked, or whose chat has an earlier reply that
does not go out soon, or whose channel fails the stream (the chat away, the platform unreachable,
a message refused or deleted), gets the answer whole through its queue instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, aclosing, nullcontext
from typing import Any

from core.channel import Channel, ChannelBase, OutboundMessage, StreamingChannel, TypingChannel
from core.errors import ConfigError, PermanentError, RecipientGone, TransientError
from core.pipeline.channel_queue import ChannelQueue
from core.pipeline.progress import Progress
from core.pipeline.retry import RetryPolicy
from core.store.outbox import Outbox, OutboxEntry, PreparedEntry
from core.typing_indicator import typing_shown, typing_until_written

_LOGGER = logging.getLogger(__name__)
STREAM_AFTER_SECONDS = 2.0
"""The longest an answer to be streamed waits for its chat's earlier replies to go out; then it goes whole."""
Masker = Callable[[str], Callable[[str], str] | None]
"""platform -> the function that masks text sent to it, or None when its replies are not masked."""


class Outbound:
    """Sends replies to channels: masking, channel lookup, online check, pacing, priority, recording."""

    def __init__(self, outbox: Outbox, channels: Mapping[str, Channel], *, policy: RetryPolicy,
                 scrub: Callable[[str], str], mask: Masker,
                 on_sent: Callable[[str, str, str | None, int], None],
                 on_failed: Callable[[OutboxEntry, str, bool], None] = lambda *_: None,
                 progress: Progress | None = None) -> None:
        self.outbox = outbox
        self.channels = channels
        self.policy = policy
        self.scrub = scrub
        self.mask = mask
        self.on_sent = on_sent  # (platform, chat_id, platform message id, outbox id)
        self.on_failed = on_failed  # (entry, scrubbed reason, tried again): a queued reply's send failed
        self.progress = progress or Progress()  # told when a batch's deliveries were recorded
        self.queues: dict[str, ChannelQueue] = {}

    def start(self) -> None:
        """Start one delivery queue per registered channel."""
        for platform, channel in self.channels.items():
            queue = ChannelQueue(self.outbox, channel, self.policy, scrub=self.scrub, on_sent=self._sent,
                                 on_failed=self.on_failed, on_recorded=self.progress.notify)
            self.queues[platform] = queue
            queue.start()

    async def stop(self) -> None:
        """Stop delivering (what is pending stays in the outbox)."""
        for queue in self.queues.values():
            await queue.stop()

    def _channel(self, platform: str) -> Channel:
        channel = self.channels.get(platform)
        if channel is None:
            raise ConfigError(f"no channel for platform '{platform}' is set up")
        return channel

    def _masked(self, platform: str, text: str) -> str:
        masker = self.mask(platform)
        return text if masker is None else masker(text)

    def online(self, platform: str) -> bool:
        """Whether the platform's channel exists and reports itself reachable."""
        channel = self.channels.get(platform)
        return channel is not None and channel.online

    async def prepare(self, platform: str, chat_id: str, text: str, *, idempotency_key: str,
                      priority: int = 0, reply_to: str | None = None, markdown: bool = False) -> PreparedEntry:
        """Number and seal a reply (masked for its platform; markdown: a model's answer) without writing it; see
        ``write``."""
        self._channel(platform)
        return await self.outbox.prepare(platform, chat_id, self._masked(platform, text), idempotency_key,
                                         priority=priority, reply_to=reply_to, markdown=markdown)

    async def write(self, entries: Sequence[PreparedEntry], *, complete_task: int | None = None) -> list[int]:
        """Write prepared replies (with the task that made them done, in one commit) and hand them to their
        queues; each one's id (an earlier entry's for an idempotency key already stored)."""
        ids = await self.outbox.add_prepared(entries, complete_task=complete_task)
        for prepared, entry_id in zip(entries, ids, strict=True):
            entry = prepared.entry
            queue = self.queues.get(entry.platform)
            if queue is None:
                continue
            if entry_id == entry.id:
                queue.written(entry)
            else:  # written before (a run that ran again): the queue reads what became of it
                queue.wake(entry.priority)
        return ids

    async def send(self, platform: str, chat_id: str, text: str, *, idempotency_key: str,
                   priority: int = 0, reply_to: str | None = None, markdown: bool = False) -> str:
        """Put a reply in the outbox (markdown: a model's answer), durable when this returns; its reference
        ``outbox:<id>``."""
        [entry_id] = await self.write([await self.prepare(platform, chat_id, text, idempotency_key=idempotency_key,
                                                          priority=priority, reply_to=reply_to, markdown=markdown)])
        return f"outbox:{entry_id}"

    def can_stream(self, platform: str) -> bool:
        """True when the channel shows answers as they are written, is online, and masks nothing."""
        channel = self.channels.get(platform)
        return (channel is not None and channel.info.streaming != "none" and isinstance(channel, StreamingChannel)
                and self.online(platform) and self.mask(platform) is None)

    async def stream(self, platform: str, chat_id: str, chunks: AsyncGenerator[str, None], *,
                     idempotency_key: str, priority: int = 0, reply_to: str | None = None) -> str | None:
        """Stream a model's answer (Markdown) to its channel (see ``can_stream``) after the chat's earlier replies,
        and record it as delivered; None, with chunks untouched, when those do not go out in time or the channel
        failed before taking any piece (the chat away, a TransientError or a PermanentError: send the answer whole
        instead, which then meets its fate as any reply does). When it fails after taking a piece (a message or its
        last edit failed or was refused, as when the message was deleted), the answer is written to its end and
        goes whole through the outbox, as a reply of its own. RecipientGone stops the answer."""
        channel = self._channel(platform)
        assert isinstance(channel, StreamingChannel)
        if not await self._earlier_sent(platform, chat_id):
            return None
        parts: list[str] = []
        taken = whole = False

        async def recorded() -> AsyncGenerator[str, None]:
            nonlocal taken, whole
            taken = True
            async with aclosing(chunks), aclosing(typing_until_written(
                    chunks, self.typing(platform, chat_id, reply_to))) as written:
                async for chunk in written:
                    parts.append(chunk)
                    yield chunk
            whole = True

        queue = self.queues.get(platform)
        if queue is not None:
            await queue.pace()
        # A channel that stops reading (its client left for good) closes the answer, and so frees the model, at once.
        async with aclosing(recorded()) as pieces:
            try:
                message_id = await channel.send_stream(OutboundMessage(chat_id, "", idempotency_key, reply_to,
                                                                       markdown=True), pieces)
            except RecipientGone:  # no one can receive it: the answer stops here
                raise
            except (TransientError, PermanentError) as err:  # away, unreachable, asked to wait, or refused
                if not taken:
                    return None
                async for _piece in pieces:  # the rest of the answer, written to its end: it goes whole
                    pass
                if not whole:  # the channel closed it
                    raise
                _LOGGER.info("A streamed answer to %s chat %s could not go on (%s): it goes whole, as a message of"
                             " its own", platform, chat_id, self.scrub(str(err)))
                return await self.send(platform, chat_id, "".join(parts).strip(), idempotency_key=idempotency_key,
                                       priority=priority, reply_to=reply_to, markdown=True)
        entry_id = await self.outbox.record_delivered(platform, chat_id, "".join(parts), idempotency_key,
                                                      message_id)
        self.on_sent(platform, chat_id, message_id, entry_id)
        return f"outbox:{entry_id}"

    def typing(self, platform: str, chat_id: str, reply_to: str | None) -> AbstractAsyncContextManager[Any]:
        """Within the block, "typing…" shown in the chat, where its channel can show it."""
        channel = self.channels.get(platform)
        if not isinstance(channel, TypingChannel):
            return nullcontext()
        return typing_shown(lambda: channel.show_typing(chat_id, reply_to), channel.typing_every)

    def gone(self, platform: str, chat_id: str, reply_to: str | None = None) -> bool:
        """True when the platform's channel says no one can receive a reply to the chat (or message) any more."""
        channel = self.channels.get(platform)
        return isinstance(channel, ChannelBase) and channel.gone(chat_id, reply_to)

    async def _earlier_sent(self, platform: str, chat_id: str) -> bool:
        """Wait until no reply to the chat waits in the outbox (a streamed answer goes around the chat's queue,
        so it must not overtake them); False when one is not due soon or they take over STREAM_AFTER_SECONDS."""
        deadline = time.monotonic() + STREAM_AFTER_SECONDS
        while True:
            step = self.progress.next_step()  # before looking: a delivery recorded while looking wakes us
            due = await self.outbox.next_due(platform, chat_id)
            if due is None:
                return True
            left = deadline - time.monotonic()
            if left <= 0 or due > time.time() + left:
                return False
            await Progress.wait(step, left)

    async def already_sent(self, idempotency_key: str) -> bool:
        """True when the outbox holds an entry with this idempotency key."""
        return await self.outbox.find(idempotency_key) is not None

    def wake(self, platform: str, priority: int | None = None) -> None:
        """Wake a channel's queue (an entry of this priority was added, or the channel came back)."""
        queue = self.queues.get(platform)
        if queue is not None:
            queue.wake(priority)

    async def chat_back(self, platform: str, chat_id: str) -> None:
        """A chat's recipient is reachable again: what waited for it is due now, and its queue looks."""
        if await self.outbox.due_now(platform, chat_id):
            self.wake(platform)

    def delivers(self, platform: str) -> bool:
        """True when the platform's replies go out now: its queue runs and its channel is online (else they
        are held in the store until it is back)."""
        return platform in self.queues and self.online(platform)

    async def owed(self) -> bool:
        """True when replies wait to be sent to an online channel."""
        for name, queue in self.queues.items():
            if self.delivers(name) and (queue.busy or await self.outbox.pending_count(name)):
                return True
        return False

    def _sent(self, entry: OutboxEntry, platform_id: str | None) -> None:
        self.on_sent(entry.platform, entry.chat_id, platform_id, entry.id)


__all__ = ["Masker", "Outbound"]


