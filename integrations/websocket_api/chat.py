"""GET /api/chat: each text frame is a message; each reply comes back as a frame on that socket.

A frame of plain text is answered with plain text; a JSON frame ``{"id", "text"}`` is answered
with ``{"id", "text"}`` frames carrying the id of the message they answer (kept in the message's own id, so a
reply that waited for the client to come back still carries it). A socket opened with ``?stream=1`` is sent a
model's answer to a JSON message as it is written: ``{"id", "text": the answer so far, "done": false}`` frames, then
the whole answer with ``"done": true`` (other replies, and answers to plain text, come whole as before).
``{"cancel": true}`` stops the runs answering the conversation now, and is answered ``{"cancelled": N}``. A socket
opened with ``?stored=1`` is told ``{"id", "stored": true}`` once each JSON message is stored (or an error frame); on
it an id names its message within the conversation, so a message sent again (its word was lost with the connection)
is stored once: the copy is answered ``{"id", "stored": true, "again": true}`` while the inbox holds the first.
A socket opened with ``?html=1`` gets with each answer of a model to a JSON message its Markdown as HTML too
(``"html"``: every text escaped, only the tags of formatting and links; core.markup), which the chat page shows;
written as it comes, such an answer's frames come at most every FORMAT_EVERY.

A connection is one conversation (``?conversation=NAME`` picks one, to take it up again after reconnecting); the
replies of one automation keep the order of its messages. A reply for a named conversation with no
socket open waits in the outbox until a socket takes the conversation up again; a socket that named
none has a conversation no one can take up (its name was never told), so a reply that finds it
closed is dropped.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from core.channel import ChannelBase, ChannelInfo, OutboundMessage
from core.errors import RecipientAway, RecipientGone, StoreUnavailable
from core.ids import new_id
from core.markup import page_html
from core.message import Message
from integrations.http.server import MAX_REQUEST_BYTES, TOKEN, HttpServer, json_error

PLATFORM = "websocket_chat"
HEARTBEAT = 55.0
MAX_CLIENT_ID = 256
"""The longest client id (as JSON) a message carries."""
_CLIENT_ID = "|"
"""Between a message's own id and its client's id, in the message id the replies name."""
TAKEN_OVER = 4000
"""The close code of a socket whose conversation another socket took up (a client should not take it back at once:
two would take it from each other without end)."""
_GONE = "the socket of this conversation closed, and no other can take it up"
_STOPPED = f"no one can receive the answer any more: {_GONE}"
FORMAT_EVERY = 0.25
"""Seconds between two frames of an answer written as HTML (?html=1): formatting a 3,300-character answer takes
5.5 ms here, and formatting it again at every piece would grow with the square of its length."""
UNNAMED = "socket-"
"""How the conversation of a socket that named none begins; a name a client gives may not begin so."""


class ChatSocketChannel(ChannelBase):
    """The plain chat socket's channel: one conversation per open socket."""

    info = ChannelInfo(PLATFORM, streaming="native")

    def __init__(self, gateway: Any, domain: str, server: HttpServer) -> None:
        super().__init__(gateway, domain)
        self.server = server
        self._sockets: dict[str, web.WebSocketResponse] = {}
        self._streamed: set[web.WebSocketResponse] = set()
        """The open sockets that asked for answers as they are written (?stream=1)."""
        self._acknowledged: set[web.WebSocketResponse] = set()
        """The open sockets that asked to be told when each message is stored (?stored=1)."""
        self._formatted: set[web.WebSocketResponse] = set()
        """The open sockets that asked for a model's answers as HTML too (?html=1)."""

    async def send(self, message: OutboundMessage) -> str:
        """Write the reply to the conversation's open socket."""
        ws = self._socket(message.chat_id)
        client_id = _client_id(message.reply_to)
        if client_id is not None:
            frame: dict[str, Any] = {"id": orjson.loads(client_id), "text": message.text}
            if ws in self._streamed:
                frame["done"] = True
            if ws in self._formatted and message.markdown:
                frame["html"] = page_html(message.text)
            await ws.send_str(orjson.dumps(frame).decode())
        else:
            await ws.send_str(message.text)
        return new_id()

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        """Write a model's answer to a JSON message as it comes, to a socket that asked (?stream=1); else whole once
        written. A socket that closes meanwhile has the answer go whole through the outbox, for its next one."""
        ws, client_id = self._socket(message.chat_id, _STOPPED), _client_id(message.reply_to)
        formatted = ws in self._formatted and message.markdown
        text, shown_at = "", 0.0
        async for chunk in chunks:
            text += chunk
            if self.gone(message.chat_id):  # no one can take the conversation up: the model stops
                raise RecipientGone(_STOPPED)
            if client_id is None or ws not in self._streamed or ws.closed:
                continue
            frame: dict[str, Any] = {"id": orjson.loads(client_id), "text": text, "done": False}
            if formatted:
                if time.monotonic() - shown_at < FORMAT_EVERY:
                    continue
                shown_at = time.monotonic()
                frame["html"] = page_html(text)
            await ws.send_str(orjson.dumps(frame).decode())
        return await self.send(replace(message, text=text.strip()))

    def _socket(self, chat_id: str, gone: str = _GONE) -> web.WebSocketResponse:
        """The conversation's open socket (RecipientGone, saying gone, when no one can take it up; RecipientAway
        while no one has)."""
        if self.gone(chat_id):
            raise RecipientGone(gone)
        ws = self._sockets.get(chat_id)
        if ws is None or ws.closed:
            raise RecipientAway(f"no client is connected to conversation {chat_id!r}")
        return ws

    def gone(self, chat_id: str, reply_to: str | None = None) -> bool:
        """A conversation Roost named (its socket named none) whose socket closed: no one can take it up."""
        if not chat_id.startswith(UNNAMED):
            return False
        ws = self._sockets.get(chat_id)
        return ws is None or ws.closed

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One client connection: read frames until it closes."""
        named = request.query.get("conversation")
        if named and named.startswith(UNNAMED):
            return json_error(400, f"a conversation's name may not begin with {UNNAMED!r}: Roost names the"
                                   " conversations of sockets that name none so")
        ws = await self.server.websocket(request, heartbeat=HEARTBEAT, max_msg_size=MAX_REQUEST_BYTES)
        conversation = named or UNNAMED + uuid.uuid4().hex  # unguessable: whoever names it gets its replies
        token = request.get(TOKEN)
        sender = token.name if token is not None else "local"
        previous = self._sockets.get(conversation)
        self._sockets[conversation] = ws
        options = (("stream", self._streamed), ("stored", self._acknowledged), ("html", self._formatted))
        for option, sockets in options:
            if request.query.get(option) in ("1", "true"):
                sockets.add(ws)
        if previous is not None:
            await previous.close(code=TAKEN_OVER, message=b"another client took this conversation over")
        if named:
            await self.chat_back(conversation)  # what waited for this conversation comes now
        try:
            async for frame in ws:
                if frame.type == WSMsgType.TEXT:
                    await self._receive(ws, conversation, sender, frame.data)
                elif frame.type == WSMsgType.BINARY:
                    await ws.send_str(_error("send text frames: plain text, or JSON {\"id\", \"text\"}"))
        finally:
            for _option, sockets in options:
                sockets.discard(ws)
            if self._sockets.get(conversation) is ws:
                del self._sockets[conversation]
        return ws

    async def _receive(self, ws: web.WebSocketResponse, conversation: str, sender: str, data: str) -> None:
        text, client_id = data, None
        if data.startswith("{"):
            try:
                parsed = orjson.loads(data)
            except orjson.JSONDecodeError:
                parsed = None
            if isinstance(parsed, dict) and parsed.get("cancel") is True and "text" not in parsed:
                stopped = self.gateway.cancel_runs(PLATFORM, conversation)  # a model's answer stops where it is
                await ws.send_str(orjson.dumps({"cancelled": stopped}).decode())
                return
            if not isinstance(parsed, dict) or not isinstance(parsed.get("text"), str):
                await ws.send_str(_error('a JSON frame is {"id": ..., "text": "..."} with text a string, or'
                                         ' {"cancel": true}'))
                return
            text, client_id = parsed["text"], parsed.get("id")
        keyed = client_id is not None and ws in self._acknowledged
        message_id = new_id()
        if client_id is not None:
            encoded = orjson.dumps(client_id).decode()
            if len(encoded) > MAX_CLIENT_ID:
                await ws.send_str(_error(f"an id is at most {MAX_CLIENT_ID} characters of JSON"))
                return
            message_id = (_keyed(conversation, encoded) if keyed else message_id) + _CLIENT_ID + encoded
        if not text.strip():
            await ws.send_str(_error("the message is empty: send some text", client_id))
            return
        message = Message.create(PLATFORM, conversation, sender, text, id=message_id,
                                 bot_names=self.gateway.bot_names)
        try:
            accepted = await self.ingest(message)
        except StoreUnavailable as err:  # answered on the socket: an HTTP error now would corrupt its stream
            await ws.send_str(_error(f"Roost cannot store messages now ({err}); this one was not kept: send it"
                                     " again later", client_id))
            return
        if accepted and keyed:
            await ws.send_str(orjson.dumps({"id": client_id, "stored": True}).decode())
        elif keyed and await self.gateway.stored(PLATFORM, message_id):
            await ws.send_str(orjson.dumps({"id": client_id, "stored": True, "again": True}).decode())
        elif not accepted:
            await ws.send_str(_error("the message was not accepted (Roost's log says why)", client_id))


def _keyed(conversation: str, client_id: str) -> str:
    """The message id a client's id (JSON) names in a conversation: the same for a message sent again."""
    named = f"{len(conversation)}:{conversation}{client_id}".encode()
    return "k" + hashlib.blake2b(named, digest_size=12).hexdigest()


def _client_id(reply_to: str | None) -> str | None:
    """The client's id (JSON) of the message a reply answers, or None for a message of plain text."""
    _own, answered, client_id = (reply_to or "").partition(_CLIENT_ID)
    return client_id if answered else None


def _error(message: str, client_id: Any = None) -> str:
    body: dict[str, Any] = {"error": message}
    if client_id is not None:
        body["id"] = client_id
    return orjson.dumps(body).decode()
