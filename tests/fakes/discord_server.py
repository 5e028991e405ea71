"""A protocol-faithful fake of Discord (API v10): the Gateway WebSocket and the REST routes a bot uses.

Gateway at `/gateway` (and `/resume` for `resume_gateway_url`): Hello, heartbeats answered with
ACKs (unless told to stop: a zombie), Identify (token, intents: 4004, 4013, 4014), READY with a
session id, Resume replaying the events after the given sequence then RESUMED, op 7 and op 9,
any close code. Events dispatched while no connection is open are kept in the session's log
and replayed on resume. REST on `/api/v10`: `GET /gateway/bot` (with session_start_limit), `GET /users/@me`, `POST`
and `PATCH` channel messages (2,000 code points, nonce with enforce_nonce returns the message
already made), `DELETE` a message (404 Unknown Message once gone), `POST` typing; rate-limit headers, scripted 429s (route or global) and failures.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.base import FakeServer

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.bot-token-for-tests"
BOT_ID = "1230000000000000001"
PRIVILEGED = 1 << 15 | 1 << 1 | 1 << 8
KNOWN_INTENTS = (1 << 26) - 1


@dataclass
class Session:
    """A gateway session: its events (sequence, type, data) for replay."""

    id: str
    events: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    seq: int = 0


@dataclass
class RestFailure:
    """A scripted REST answer: status and JSON body (429s carry retry_after), or create then drop the reply."""

    status: int = 500
    body: dict[str, Any] = field(default_factory=lambda: {"message": "500: Internal Server Error", "code": 0})
    headers: dict[str, str] = field(default_factory=dict)
    create_then_drop: bool = False


def rate_limited(retry_after: float, global_: bool = False) -> RestFailure:
    """Discord's 429."""
    return RestFailure(429, {"message": "You are being rate limited.", "retry_after": retry_after, "global": global_,
                             "code": 0}, {"Retry-After": str(retry_after),
                                          "X-RateLimit-Scope": "global" if global_ else "user"})


class FakeDiscord(FakeServer):
    """The fake; `api` and `gateway` are what a bot is pointed at."""

    def __init__(self, heartbeat_interval: float = 0.5, allow_privileged: bool = True) -> None:
        super().__init__()
        self.heartbeat_interval = heartbeat_interval
        self.allow_privileged = allow_privileged
        self.ack = True
        self.sessions: dict[str, Session] = {}
        self.identifies = 0
        self.guilds: list[dict[str, Any]] = []  # the servers READY lists (as unavailable stubs)
        self.resumes = 0
        self.beats: list[float] = []
        self.hellos: list[float] = []
        self.closes: list[int | None] = []  # the close code of each connection, as the client sent it
        self.refusals: list[int] = []  # close codes the fake closed a connection with
        self.messages: dict[str, dict[str, Any]] = {}  # id -> message the bot posted (its latest content)
        self.posted: list[dict[str, Any]] = []  # every created message, in order
        self.nonces: dict[str, str] = {}
        self.rest_failures: list[RestFailure | None] = []  # the next posts' answers (None: as usual)
        self.edit_failures: list[RestFailure] = []  # the next edits' answers
        self._sends: set[asyncio.Task[None]] = set()  # live dispatches; a connection closing under one loses it
        self.typing: list[str] = []
        self.rest_down = False
        self.message_bucket: tuple[int, float] | None = None
        """Posts a channel may take per window, as Discord's 5 per 5 s (None: never limited, Remaining 4)."""
        self.rate_limited = 0  # 429s answered for a full bucket
        self._windows: dict[str, tuple[float, int]] = {}  # channel -> (its window's end, posts in it)
        self._ids = itertools.count(1_260_000_000_000_000_001)
        self._sockets: set[web.WebSocketResponse] = set()
        self._current: tuple[web.WebSocketResponse, Session] | None = None

    @property
    def api(self) -> str:
        """The REST base (replaces https://discord.com/api/v10)."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    # -- test side --------------------------------------------------------------------------

    def user_says(self, content: str, *, channel_id: str = "1250000000000000001", guild: bool = False,
                  author_id: str = "1220000000000000001", mention: bool = False, reply_to_bot: bool = False,
                  bot_author: bool = False, mention_role: str | None = None, voice: bool = False) -> dict[str, Any]:
        """Dispatch (or keep for replay) a MESSAGE_CREATE as Discord makes it (voice: a voice message attached)."""
        data: dict[str, Any] = {
            "id": str(next(self._ids)), "channel_id": channel_id, "type": 19 if reply_to_bot else 0,
            "content": (f"<@{BOT_ID}> " if mention else "") + content,
            "author": {"id": author_id, "username": "ana", "global_name": "Ana", "bot": bot_author},
            "mentions": [{"id": BOT_ID, "username": "roost", "bot": True}] if mention else [],
            "mention_roles": [mention_role] if mention_role else [], "mention_everyone": False, "embeds": [],
            "attachments": [{"id": str(next(self._ids)), "filename": "voice-message.ogg", "flags": 8192,
                             "content_type": "audio/ogg", "duration_secs": 2.5}] if voice else [],
            "timestamp": "2026-01-01T00:00:00.000000+00:00"}
        if guild:
            data["guild_id"] = "1240000000000000001"
        if reply_to_bot:
            data["message_reference"] = {"message_id": "1260000000000000000", "channel_id": channel_id}
            data["referenced_message"] = {"id": "1260000000000000000", "author": {"id": BOT_ID, "bot": True}}
        self.dispatch("MESSAGE_CREATE", data)
        return data

    def dispatch(self, kind: str, data: dict[str, Any]) -> None:
        """Add an event to the current session and send it if a connection is open."""
        if not self.sessions:
            raise RuntimeError("no session yet: the bot has not identified")
        session = self._current[1] if self._current else list(self.sessions.values())[-1]
        session.seq += 1
        session.events.append((session.seq, kind, data))
        if self._current and not self._current[0].closed:
            send = asyncio.ensure_future(self._current[0].send_json({"op": 0, "s": session.seq, "t": kind, "d": data}))
            self._sends.add(send)
            send.add_done_callback(self._sent)

    def _sent(self, send: asyncio.Task[None]) -> None:
        """Forget a finished dispatch; one the closing connection refused stays in the session for a resume."""
        self._sends.discard(send)
        error = None if send.cancelled() else send.exception()
        if error is not None and not isinstance(error, ConnectionError):
            raise error

    async def send_op(self, op: int, d: Any = None) -> None:
        """Send a bare opcode (7 Reconnect, 9 Invalid Session, 1 Heartbeat request) on the open connection."""
        assert self._current is not None
        await self._current[0].send_json({"op": op, "d": d, "s": None, "t": None})

    async def close_with(self, code: int) -> None:
        """Close the open connection with a close code."""
        assert self._current is not None
        await self._current[0].close(code=code)

    def delete(self, message_id: str) -> None:
        """A user deleted a message the bot posted: an edit of it is answered 404 Unknown Message."""
        self.posted.remove(self.messages.pop(message_id))

    def texts(self, channel_id: str = "1250000000000000001") -> list[str]:
        """The latest content of every message the bot posted in a channel, in order."""
        return [self.messages[m["id"]]["content"] for m in self.posted if m["channel_id"] == channel_id]

    async def wait_connected(self, timeout: float = 10.0) -> None:
        """Until a connection has identified or resumed."""
        async with asyncio.timeout(timeout):
            while not (self._current and not self._current[0].closed):
                await asyncio.sleep(0.01)

    # -- lifecycle --------------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        """The Gateway's two addresses and the REST routes a bot uses."""
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_get("/resume/", self._gateway)
        app.router.add_get("/api/v10/gateway/bot", self._gateway_bot)
        app.router.add_get("/api/v10/users/@me", self._me)
        app.router.add_post("/api/v10/channels/{channel}/messages", self._post)
        app.router.add_patch("/api/v10/channels/{channel}/messages/{message}", self._patch)
        app.router.add_delete("/api/v10/channels/{channel}/messages/{message}", self._delete)
        app.router.add_post("/api/v10/channels/{channel}/typing", self._typing)

    async def closing(self) -> None:
        """Close every Gateway connection."""
        for ws in list(self._sockets):
            await ws.close(code=1001)

    # -- the Gateway ------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        self.hellos.append(time.monotonic())
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}, "s": None,
                            "t": None})
        code: int | None = None
        try:
            while True:
                frame = await ws.receive()
                if frame.type != WSMsgType.TEXT:
                    code = frame.data if frame.type == WSMsgType.CLOSE else ws.close_code  # the client's code
                    break
                await self._frame(ws, frame.json())
        finally:
            self._sockets.discard(ws)
            self.closes.append(code if code is not None else ws.close_code)
            if self._current and self._current[0] is ws:
                self._current = None
        return ws

    async def _frame(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        op, d = payload.get("op"), payload.get("d")
        if op == 1:
            self.beats.append(time.monotonic())
            if self.ack:
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(ws, d or {})
        elif op == 6:
            await self._resume(ws, d or {})

    async def _identify(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> None:
        if d.get("token") != TOKEN:
            await self._refuse(ws, 4004)
            return
        intents = int(d.get("intents", 0))
        if intents & ~KNOWN_INTENTS:
            await self._refuse(ws, 4013)
            return
        if intents & PRIVILEGED and not self.allow_privileged:
            await self._refuse(ws, 4014)
            return
        self.identifies += 1
        session = Session(f"session-{self.identifies}")
        self.sessions[session.id] = session
        self._current = (ws, session)
        session.seq += 1
        ready = {"v": 10, "user": {"id": BOT_ID, "username": "roost", "bot": True}, "guilds": self.guilds,
                 "session_id": session.id, "resume_gateway_url": f"ws://127.0.0.1:{self.port}/resume",
                 "application": {"id": BOT_ID, "flags": 0}}
        session.events.append((session.seq, "READY", ready))
        await ws.send_json({"op": 0, "s": session.seq, "t": "READY", "d": ready})

    async def _resume(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> None:
        session = self.sessions.get(str(d.get("session_id")))
        if d.get("token") != TOKEN:
            await self._refuse(ws, 4004)
            return
        if session is None:
            await ws.send_json({"op": 9, "d": False, "s": None, "t": None})
            return
        seq = d.get("seq") or 0
        if seq > session.seq:
            await self._refuse(ws, 4007)
            return
        self.resumes += 1
        # As Discord: the missed events in order, then RESUMED, then live ones. An event dispatched during the
        # replay joins the session's list, which this loop is still reading; the connection becomes current
        # (live sends) only once the list is done, with no await in between.
        for number, kind, data in session.events:
            if number > seq and kind != "READY":
                await ws.send_json({"op": 0, "s": number, "t": kind, "d": data})
        session.seq += 1
        session.events.append((session.seq, "RESUMED", {}))
        self._current = (ws, session)
        await ws.send_json({"op": 0, "s": session.seq, "t": "RESUMED", "d": {}})

    async def _refuse(self, ws: web.WebSocketResponse, code: int) -> None:
        self.refusals.append(code)
        await ws.close(code=code)

    # -- REST -------------------------------------------------------------------------------

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        return web.json_response({"url": f"ws://127.0.0.1:{self.port}/gateway", "shards": 1,
                                  "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000,
                                                          "max_concurrency": 1}})

    async def _me(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        return web.json_response({"id": BOT_ID, "username": "roost", "discriminator": "0", "global_name": None,
                                  "avatar": None, "bot": True, "verified": True, "flags": 0})

    def _refused(self, request: web.Request) -> web.Response | None:
        if self.rest_down:
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if request.headers.get("Authorization") != f"Bot {TOKEN}":
            return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        return None

    async def _post(self, request: web.Request) -> web.StreamResponse:
        refused = self._refused(request)
        if refused is not None:
            return refused
        body = await request.json()
        failure = self.rest_failures.pop(0) if self.rest_failures else None
        if failure is not None and not failure.create_then_drop:
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        channel = request.match_info["channel"]
        limits = self._take(channel)
        if limits is None:
            self.rate_limited += 1
            end, _ = self._windows[channel]
            retry = rate_limited(round(end - time.monotonic(), 3))
            return web.json_response(retry.body, status=429, headers={**retry.headers, **self._limits(channel)})
        content = body.get("content") or ""
        if not content:
            return web.json_response({"message": "Cannot send an empty message", "code": 50006}, status=400)
        if len(content) > 2000:
            return web.json_response({"message": "Invalid Form Body", "code": 50035, "errors": {"content": {
                "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}}},
                status=400)
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce") and self.nonces.get(nonce) in self.messages:
            return web.json_response(self.messages[self.nonces[nonce]], headers=limits)
        message = {"id": str(next(self._ids)), "channel_id": request.match_info["channel"], "content": content,
                   "author": {"id": BOT_ID, "bot": True}, "nonce": nonce, "body": body}
        self.messages[message["id"]] = message
        self.posted.append(message)
        if nonce:
            self.nonces[nonce] = message["id"]
        if failure is not None:  # made, but the answer is lost (a timeout): the client will try again
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        return web.json_response(message, headers=limits)

    async def _patch(self, request: web.Request) -> web.StreamResponse:
        refused = self._refused(request)
        if refused is not None:
            return refused
        if self.edit_failures:
            failure = self.edit_failures.pop(0)
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        message = self.messages.get(request.match_info["message"])
        if message is None:
            return web.json_response({"message": "Unknown Message", "code": 10008}, status=404)
        content = (await request.json()).get("content") or ""
        if len(content) > 2000:
            return web.json_response({"message": "Invalid Form Body", "code": 50035}, status=400)
        message["content"] = content
        message.setdefault("edits", 0)
        message["edits"] += 1
        return web.json_response(message, headers=self._limits(""))

    async def _delete(self, request: web.Request) -> web.StreamResponse:
        refused = self._refused(request)
        if refused is not None:
            return refused
        if request.match_info["message"] not in self.messages:
            return web.json_response({"message": "Unknown Message", "code": 10008}, status=404)
        self.delete(request.match_info["message"])
        return web.Response(status=204)

    async def _typing(self, request: web.Request) -> web.StreamResponse:
        refused = self._refused(request)
        if refused is not None:
            return refused
        self.typing.append(request.match_info["channel"])
        return web.Response(status=204)

    def _take(self, channel: str) -> dict[str, str] | None:
        """Count a post in the channel's bucket: its rate-limit headers, or None when the bucket is empty."""
        if self.message_bucket is not None:
            limit, seconds = self.message_bucket
            end, used = self._windows.get(channel, (0.0, 0))
            if end <= time.monotonic():
                end, used = time.monotonic() + seconds, 0
            if used >= limit:
                return None
            self._windows[channel] = (end, used + 1)
        return self._limits(channel)

    def _limits(self, channel: str) -> dict[str, str]:
        if self.message_bucket is None or channel not in self._windows:
            return {"X-RateLimit-Bucket": "messages-bucket", "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4",
                    "X-RateLimit-Reset-After": "1.0"}
        limit, _ = self.message_bucket
        end, used = self._windows[channel]
        return {"X-RateLimit-Bucket": "messages-bucket", "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": str(limit - used),
                "X-RateLimit-Reset-After": f"{max(0.0, end - time.monotonic()):.3f}"}
