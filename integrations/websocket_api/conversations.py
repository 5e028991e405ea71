"""Conversations over Home Assistant's protocol: the channel of platform ``websocket``.

A message sent with ``roost.send_message`` (or ``conversation/process``) enters the durable path
like any chat message, in the conversation named by its ``conversation_id``. Its replies come
back as ``roost_reply`` events (``conversation_id``, ``text`` so far, ``done``) to the clients
subscribed to them, and to a caller waiting for the response. A reply for a conversation no
connected client holds (sent a message in, subscribed to) waits in the outbox until a client subscribed
to ``roost_reply`` takes the conversation up (``roost.subscribe_conversation``).
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import AsyncIterator
from typing import Any

from core.channel import NOT_ACCEPTED, ChannelBase, ChannelInfo, OutboundMessage
from core.errors import RecipientAway, TransientError
from core.ids import new_id
from core.message import Message

PLATFORM = "websocket"
REPLY_EVENT = "roost_reply"


class ConversationChannel(ChannelBase):
    """Delivers replies as events to the connections that hold their conversation."""

    info = ChannelInfo(PLATFORM, streaming="native")

    def __init__(self, gateway: Any, domain: str) -> None:
        super().__init__(gateway, domain)
        self._holders: dict[str, set[Any]] = {}
        self._waiters: dict[str, list[list[str]]] = {}
        self._turns: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def hold(self, conversation_id: str, connection: Any) -> None:
        """A connection takes part in a conversation: its replies may go to it."""
        self._holders.setdefault(conversation_id, set()).add(connection)

    def release(self, connection: Any) -> None:
        """A connection is gone."""
        for conversation_id in [c for c, held in self._holders.items() if connection in held]:
            self._holders[conversation_id].discard(connection)
            if not self._holders[conversation_id]:
                del self._holders[conversation_id]

    async def send(self, message: OutboundMessage) -> str:
        """Deliver a whole reply."""
        self._reachable(message.chat_id)
        self._deliver(message.chat_id, message.text, done=True)
        return new_id()

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        """Deliver a reply as it is written: an event per chunk with the text so far, then done."""
        self._reachable(message.chat_id)
        text = ""
        async for chunk in chunks:
            text += chunk
            self._event(message.chat_id, text, done=False)
        self._deliver(message.chat_id, text, done=True)
        return new_id()

    async def converse(self, text: str, conversation_id: str | None, sender: str, connection: Any,
                       timeout: float | None) -> tuple[str, list[str]]:
        """Send text into a conversation; with a timeout, wait (that long at most) for every run it started.

        Answered messages of one conversation take turns: the conversation is idle when a
        message's runs are done and their replies delivered, so the replies are this message's.
        """
        conversation_id = conversation_id or uuid.uuid4().hex  # unguessable: whoever names it gets its replies
        self.hold(conversation_id, connection)
        if timeout is None:
            return conversation_id, await self._send(text, conversation_id, sender, None)
        turn = self._turns.get(conversation_id)
        if turn is None:
            turn = self._turns[conversation_id] = asyncio.Lock()
        async with turn:
            return conversation_id, await self._send(text, conversation_id, sender, timeout)

    async def _send(self, text: str, conversation_id: str, sender: str, timeout: float | None) -> list[str]:
        replies: list[str] = []
        if timeout is not None:
            self._waiters.setdefault(conversation_id, []).append(replies)
        message = Message.create(PLATFORM, conversation_id, sender, text, bot_names=self.gateway.bot_names)
        try:
            if timeout is None:
                if not await self.ingest(message):
                    raise TransientError(NOT_ACCEPTED)
            else:
                await self.ingest_and_wait(message, timeout)
        finally:
            waiting = self._waiters.get(conversation_id, [])
            if replies in waiting:
                waiting.remove(replies)
            if not waiting:
                self._waiters.pop(conversation_id, None)
        return replies

    def _reachable(self, conversation_id: str) -> None:
        if conversation_id in self._waiters:
            return
        if any(c.subscribed(REPLY_EVENT) for c in self._holders.get(conversation_id, ())):
            return
        raise RecipientAway(f"no client holds conversation {conversation_id!r} now")

    def _deliver(self, conversation_id: str, text: str, *, done: bool) -> None:
        for replies in self._waiters.get(conversation_id, ()):
            replies.append(text)
        self._event(conversation_id, text, done=done)

    def _event(self, conversation_id: str, text: str, *, done: bool) -> None:
        self.gateway.bus.fire(REPLY_EVENT, {"conversation_id": conversation_id, "text": text, "done": done})
