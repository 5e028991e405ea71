"""Conversations over Home Assistant's protocol: the channel of platform ``websocket``.

A message sent with ``roost.send_message`` (or ``conversation/process``) enters the durable path
like any chat message, in the conversation named by its ``conversation_id``. Its replies come
back as ``roost_reply`` events (``conversation_id``, ``text`` so far, ``done``) to the clients
subscribed to them, and to a caller waiting for the response. A reply for a conversation no
connected client holds (sent a message in, subscribed to) waits in the outbox until a client takes
the conversation up: by ``roost.subscribe_conversation`` (subscribed to ``roost_reply``), or by sending
a message into it that it can receive the replies of (it waits for the response, or is subscribed).
The replies that waited go first, in order, so a caller waiting for a response gets them before its
own: they came in its conversation, and no one else got them. A conversation Roost named for a
call that wanted no response, from a client that hears no ``roost_reply`` events, was told to no
one: its replies that no one receives are dropped (``RecipientGone``), not held. So is one Roost
named for a call that did not get its response (it timed out, or Roost stopped under it), from such
a client; those are kept across a restart, as the runs a stop cut short run again after it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from core.channel import NOT_ACCEPTED, ChannelBase, ChannelInfo, OutboundMessage
from core.errors import DamagedValueError, RecipientAway, RecipientGone, TransientError
from core.ids import new_id
from core.message import Message

_LOGGER = logging.getLogger(__name__)
PLATFORM = "websocket"
REPLY_EVENT = "roost_reply"
UNTOLD = "untold-"
"""How Roost's names for conversations it told no one of begin (a client may not choose one)."""
TOLD_NO_ONE = ("the conversation was told to no one (the call named none and did not get its response, or its"
               " client hears no roost_reply events), and no client holds it")
UNTOLD_KEY = "untold_conversations"
"""Where the conversations told to no one are kept from one run of Roost to the next."""
REMEMBERED = 4096
"""Conversations a channel remembers as having no reply held, or as untold since a call got no response, and that a
connection holds (its most recent); one forgotten costs a look at the outbox, or holds a reply no one can take up
for the hourly retries, or holds its later replies in the outbox until a client takes it up again. A client that
lets Roost name a conversation for each call, on a connection that lives for weeks, grew memory by ~330 bytes a
call before connections were bounded (1 MiB per 3,000 calls, measured)."""


class _Recent:
    """A set of conversation ids that forgets its oldest past REMEMBERED."""

    def __init__(self) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, conversation_id: object) -> bool:
        return conversation_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def add(self, conversation_id: str) -> str | None:
        """Remember it (as the newest); the one forgotten to make room, if any."""
        self._ids[conversation_id] = None
        self._ids.move_to_end(conversation_id)
        return self._ids.popitem(last=False)[0] if len(self._ids) > REMEMBERED else None

    def discard(self, conversation_id: str) -> None:
        """Forget it."""
        self._ids.pop(conversation_id, None)


class ConversationChannel(ChannelBase):
    """Delivers replies as events to the connections that hold their conversation."""

    info = ChannelInfo(PLATFORM, streaming="native")

    def __init__(self, gateway: Any, domain: str) -> None:
        super().__init__(gateway, domain)
        # Who holds a conversation, looked up for each reply and each piece of a streamed one (a look at every
        # connection instead cost 2.9 us with 10 of them, 247 with 1,024, on a slow host); and what each
        # connection holds, its most recent conversations, so that one that lives for weeks stays bounded.
        self._holders: dict[str, set[Any]] = {}
        self._held: dict[Any, _Recent] = {}
        self._waiters: dict[str, list[str]] = {}  # conversation -> the replies of the caller waiting in its turn
        self._turns: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        # Conversations whose held replies were sent for since this process started, none held since:
        # a message sent into one need not look at the outbox for them.
        self._nothing_held = _Recent()
        self._untold = _Recent()  # named by Roost for a call that got no response, from a client hearing no events

    async def recall_untold(self) -> None:
        """Remember the conversations told to no one before the last stop (a run it cut short runs again now)."""
        try:
            kept: Iterable[str] = await self.gateway.storage(self.domain).get(UNTOLD_KEY, [])
        except DamagedValueError as err:
            _LOGGER.warning("The conversations told to no one before the last stop are forgotten (%s): a reply"
                            " for one is held until it becomes a dead letter", err)
            return
        for conversation_id in kept:
            self._untold.add(conversation_id)

    async def keep_untold(self) -> None:
        """Store the conversations told to no one, for the next start."""
        untold = list(self._untold)
        if untold:
            await self.gateway.storage(self.domain).set(UNTOLD_KEY, untold)

    def hold(self, conversation_id: str, connection: Any) -> None:
        """A connection takes part in a conversation: its replies may go to it (to its REMEMBERED most recent)."""
        held = self._held.get(connection)
        if held is None:
            held = self._held[connection] = _Recent()
        self._holders.setdefault(conversation_id, set()).add(connection)
        forgotten = held.add(conversation_id)
        if forgotten is not None:
            self._let_go(forgotten, connection)

    def release(self, connection: Any) -> None:
        """A connection is gone."""
        for conversation_id in self._held.pop(connection, ()):
            self._let_go(conversation_id, connection)

    def _let_go(self, conversation_id: str, connection: Any) -> None:
        holders = self._holders.get(conversation_id)
        if holders is not None:
            holders.discard(connection)
            if not holders:
                del self._holders[conversation_id]

    async def take_up(self, conversation_id: str, connection: Any) -> None:
        """A connection that can receive a conversation's replies holds it: those that waited go now."""
        self.hold(conversation_id, connection)
        self._nothing_held.add(conversation_id)  # before the sends it starts: one held again unmarks it
        await self.chat_back(conversation_id)

    async def send(self, message: OutboundMessage) -> str:
        """Deliver a whole reply."""
        self._reachable(message.chat_id)
        self._deliver(message.chat_id, message.text, done=True)
        return new_id()

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        """Deliver a reply as it is written: an event per chunk with the text so far, then done. When its
        clients leave meanwhile, it is written to its end and held whole, or stopped if none can come back."""
        self._reachable(message.chat_id)
        text = ""
        async for chunk in chunks:
            text += chunk
            if self.gone(message.chat_id):
                raise RecipientGone(TOLD_NO_ONE)
            self._event(message.chat_id, text, done=False)
        self._reachable(message.chat_id)
        self._deliver(message.chat_id, text, done=True)
        return new_id()

    async def converse(self, text: str, conversation_id: str | None, sender: str, connection: Any,
                       timeout: float | None) -> tuple[str, list[str]]:
        """Send text into a conversation; with a timeout, wait (that long at most) for every run it started.

        Answered messages of one conversation take turns: the conversation is idle when a
        message's runs are done and their replies delivered, so the replies are this message's
        (and those that waited for the conversation, which go first).
        """
        named = conversation_id is not None
        if conversation_id is None:  # unguessable: whoever names it gets its replies
            told = timeout is not None or connection.subscribed(REPLY_EVENT)  # in the response, or in the events
            conversation_id = ("" if told else UNTOLD) + uuid.uuid4().hex
        self.hold(conversation_id, connection)
        message = Message.create(PLATFORM, conversation_id, sender, text, bot_names=self.gateway.bot_names)
        if timeout is None:
            if named:
                await self._catch_up(conversation_id, connection)
            if not await self.ingest(message):
                raise TransientError(NOT_ACCEPTED)
            return conversation_id, []
        turn = self._turns.get(conversation_id)
        if turn is None:
            turn = self._turns[conversation_id] = asyncio.Lock()
        async with turn:
            with self._waiting(conversation_id) as replies:
                if named:
                    await self._catch_up(conversation_id, connection)
                try:
                    await self.ingest_and_wait(message, timeout)
                except BaseException:
                    if not named and not connection.subscribed(REPLY_EVENT):  # its name was to come in the response
                        self._untold.add(conversation_id)
                    raise
                return conversation_id, replies

    async def _catch_up(self, conversation_id: str, connection: Any) -> None:
        """Take a named conversation up if its replies reach someone now and it may have some held."""
        if conversation_id not in self._nothing_held and self._receivable(conversation_id):
            await self.take_up(conversation_id, connection)

    @contextmanager
    def _waiting(self, conversation_id: str) -> Iterator[list[str]]:
        """The replies delivered to the conversation while in this block (held by its turn: one at a time)."""
        replies = self._waiters[conversation_id] = []
        try:
            yield replies
        finally:
            del self._waiters[conversation_id]

    def _receivable(self, conversation_id: str) -> bool:
        """Whether a reply to the conversation reaches anyone now: a waiting caller or a subscribed holder."""
        return conversation_id in self._waiters or any(
            c.subscribed(REPLY_EVENT) for c in self._holders.get(conversation_id, ()))

    def gone(self, chat_id: str, reply_to: str | None = None) -> bool:
        """A conversation told to no one that no client holds: no one can ever receive its replies."""
        return self._told_no_one(chat_id) and not self._receivable(chat_id)

    def _told_no_one(self, conversation_id: str) -> bool:
        return conversation_id.startswith(UNTOLD) or conversation_id in self._untold

    def _reachable(self, conversation_id: str) -> None:
        if self._receivable(conversation_id):
            return
        if self._told_no_one(conversation_id):
            raise RecipientGone(TOLD_NO_ONE)
        self._nothing_held.discard(conversation_id)  # this reply is held now
        raise RecipientAway(f"no client holds conversation {conversation_id!r} now")

    def _deliver(self, conversation_id: str, text: str, *, done: bool) -> None:
        replies = self._waiters.get(conversation_id)
        if replies is not None:
            replies.append(text)
        self._event(conversation_id, text, done=done)

    def _event(self, conversation_id: str, text: str, *, done: bool) -> None:
        self.gateway.bus.fire(REPLY_EVENT, {"conversation_id": conversation_id, "text": text, "done": done})
