"""The channel of platform ``openai``: replies go to the HTTP request that asked, as they are written.

Each request is an ``Exchange`` held by the id of the message it became; the automations'
replies to that message (``reply_to``) are written to its event stream at once, or kept for
its whole answer. A reply for a request whose client is gone (it closed the connection, or
Roost restarted since) cannot be delivered: the channel refuses it for good, and an answer,
streamed or gathered whole (masked), stops at its next piece, which frees the model.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from core import events
from core.channel import ChannelBase, ChannelInfo, OutboundMessage
from core.errors import RecipientGone
from integrations.openai_api.protocol import ChatRequest, chunk

PLATFORM = "openai"
STREAM_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
REPLY_SEPARATOR = "\n\n"
"""Between the replies of two automations that both answered one request."""


class Exchange:
    """One /v1/chat/completions request while it waits for its answer."""

    def __init__(self, request: ChatRequest, http: web.Request) -> None:
        self.request = request
        self.http = http
        self.stream: web.StreamResponse | None = None
        """The event stream, open from the first piece on (streamed requests)."""
        self.parts: list[str] = []
        self.turn = asyncio.Lock()
        self.replies = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.finish_reason = "stop"
        self.tool_calls: list[dict[str, Any]] = []

    @property
    def gone(self) -> bool:
        """Whether the client closed the connection."""
        transport = self.http.transport
        return transport is None or transport.is_closing()

    async def begin(self) -> None:
        """A reply starts: a second one is set apart from the first."""
        if self.replies:
            await self.write(REPLY_SEPARATOR)
        self.replies += 1

    async def write(self, text: str) -> None:
        """A piece of the answer: on the stream at once, or kept for the whole answer."""
        if not text:
            return
        if self.gone:
            raise RecipientGone("the client closed the connection before its answer was complete")
        self.parts.append(text)
        if not self.request.stream:
            return
        try:
            if self.stream is None:
                await self.open()
            assert self.stream is not None
            await self.stream.write(chunk(self.request, {"content": text}))
        except ConnectionResetError as err:
            raise RecipientGone(f"the client closed the connection ({err})") from None

    async def open(self) -> None:
        """Send the event stream's headers and its first chunk (the role)."""
        stream = web.StreamResponse(headers=STREAM_HEADERS)
        await stream.prepare(self.http)
        self.stream = stream
        await stream.write(chunk(self.request, {"role": "assistant", "content": ""}))

    def answered(self, data: dict[str, Any]) -> None:
        """A model answered for this request: count its usage (a model_answered event)."""
        self.prompt_tokens += data.get("prompt_tokens") or 0
        self.completion_tokens += data.get("completion_tokens") or 0
        self.tool_calls.extend(data.get("tool_calls") or ())
        if data.get("finish_reason") in ("length", "tool_calls"):
            self.finish_reason = data["finish_reason"]

    @property
    def usage(self) -> dict[str, int]:
        """OpenAI's usage object."""
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "total_tokens": self.prompt_tokens + self.completion_tokens}


class OpenAIChannel(ChannelBase):
    """Delivers each reply to the open request of the message it answers."""

    info = ChannelInfo(PLATFORM, streaming="native", reports_failures=True)

    def __init__(self, gateway: Any, domain: str) -> None:
        super().__init__(gateway, domain)
        self.exchanges: dict[str, Exchange] = {}
        gateway.bus.listen(events.MODEL_ANSWERED, self._answered,
                           lambda data: data.get("message_id") in self.exchanges)

    async def send(self, message: OutboundMessage) -> str:
        """Deliver a whole reply."""
        exchange = self._exchange(message)
        async with exchange.turn:
            await exchange.begin()
            await exchange.write(message.text)
        return uuid.uuid4().hex

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        """Deliver a reply as it is written; a client that left stops it at the next piece."""
        exchange = self._exchange(message)
        async with exchange.turn:
            await exchange.begin()
            async for piece in chunks:
                await exchange.write(piece)
        return uuid.uuid4().hex

    def gone(self, chat_id: str, reply_to: str | None = None) -> bool:
        """The request this answers is over, or its client closed the connection."""
        exchange = self.exchanges.get(reply_to or "")
        return exchange is None or exchange.gone

    def _exchange(self, message: OutboundMessage) -> Exchange:
        exchange = self.exchanges.get(message.reply_to or "")
        if exchange is None:
            raise RecipientGone("the HTTP request this answers is no longer open (its client left, or Roost"
                             " restarted since)")
        return exchange

    def _answered(self, event: Any) -> None:
        self.exchanges[event.data["message_id"]].answered(event.data)
