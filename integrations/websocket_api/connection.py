"""One client on /api/websocket, speaking Home Assistant's protocol: the auth phase, then commands.

Auth: ``auth_required`` (with ``ha_version``) is sent at once; one ``auth`` frame with an access
token is read within 10 s, whether it came before or after; ``auth_ok`` or ``auth_invalid`` and
close. Commands: objects (or arrays of objects) ``{"id": int, "type": str, ...}``, ids rising;
answers are ``result``, ``pong`` or ``event`` frames, in HA's shapes and error codes. A client that
does not read is cut off once 4,096 frames wait for it, as HA does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import voluptuous as vol
from aiohttp import WSMsgType, web
from voluptuous.humanize import humanize_error

from core.errors import RoostError
from integrations.http.server import MAX_REQUEST_BYTES, HttpServer
from integrations.http.tokens import TokenInfo

_LOGGER = logging.getLogger(__name__)
HA_VERSION = "2026.2.0"
"""The Home Assistant version Roost answers as: its clients gate features on a CalVer string."""
AUTH_TIMEOUT = 10.0
HEARTBEAT = 55.0
MAX_PENDING = 4096
AUTH_SCHEMA = vol.Schema({vol.Required("type"): "auth", vol.Exclusive("api_password", "auth"): str,
                          vol.Exclusive("access_token", "auth"): str})


class CommandError(Exception):
    """A command failed in a way the client is told: HA's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


NO_RESULT = object()
"""What a handler returns when it sent its own answer (ping's pong)."""
Command = Callable[["Connection", dict[str, Any]], Awaitable[Any]]
"""A command handler: returns the result (or None); raises CommandError or vol.Invalid."""


def result_frame(msg_id: int, result: Any = None) -> dict[str, Any]:
    """A successful result."""
    return {"id": msg_id, "type": "result", "success": True, "result": result}


def error_frame(msg_id: int, code: str, message: str) -> dict[str, Any]:
    """A failed result."""
    return {"id": msg_id, "type": "result", "success": False, "error": {"code": code, "message": message}}


class Connection:
    """One authenticated client: its commands, its subscriptions and its outgoing queue."""

    def __init__(self, ws: web.WebSocketResponse, commands: dict[str, tuple[vol.Schema, Command]],
                 user: str, *, admin: bool = False) -> None:
        self.ws = ws
        self.user = user
        self.admin = admin
        """Whether its token was made with --admin (it may then reload the automations, as HA's admins may)."""
        self.commands = commands
        self.subscriptions: dict[int, tuple[str, Callable[[], None]]] = {}
        """Subscription id -> (event type, unsubscribe)."""
        self.coalesce = False
        self.last_id = 0
        self._running: set[asyncio.Task[None]] = set()
        self._pending: deque[bytes] = deque()
        self._wake = asyncio.Event()
        self._closing = False

    def send(self, frame: dict[str, Any]) -> None:
        """Queue a frame for the client; a client that lets MAX_PENDING frames pile up is cut off."""
        if self._closing:
            return
        self._pending.append(orjson.dumps(frame, default=str))
        if len(self._pending) > MAX_PENDING:
            _LOGGER.warning("A WebSocket client (%s) does not read its messages; closing it", self.user)
            self._closing = True
            self._pending.clear()
            closing = asyncio.get_running_loop().create_task(self.ws.close(message=b"too many pending messages"))
            self._running.add(closing)
            closing.add_done_callback(self._running.discard)
        self._wake.set()

    async def write(self) -> None:
        """Send queued frames until the socket closes (arrays only to clients that asked for them)."""
        while not self.ws.closed:
            await self._wake.wait()
            self._wake.clear()
            while self._pending and not self.ws.closed:
                if self.coalesce and len(self._pending) > 1:
                    batch = [self._pending.popleft().decode() for _ in range(len(self._pending))]
                    await self.ws.send_str("[" + ",".join(batch) + "]")
                else:
                    await self.ws.send_str(self._pending.popleft().decode())

    async def handle(self, data: str) -> bool:
        """Handle one text frame; False when the client must be disconnected (invalid JSON)."""
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            return False
        for message in parsed if isinstance(parsed, list) else [parsed]:
            await self._handle_one(message)
        return True

    async def _handle_one(self, message: Any) -> None:
        if not isinstance(message, dict):
            self.send(error_frame(0, "invalid_format", "Message incorrectly formatted."))
            return
        msg_id, kind = message.get("id"), message.get("type")
        if type(msg_id) is not int or msg_id <= 0 or not isinstance(kind, str):
            self.send(error_frame(msg_id if type(msg_id) is int else 0, "invalid_format",
                                  "Message incorrectly formatted."))
            return
        if msg_id <= self.last_id:
            self.send(error_frame(msg_id, "id_reuse", "Identifier values have to increase."))
            return
        found = self.commands.get(kind)
        if found is None:
            self.send(error_frame(msg_id, "unknown_command", "Unknown command."))
            return
        self.last_id = msg_id
        schema, handler = found
        try:
            data = schema(message)
        except vol.Invalid as err:
            self.send(error_frame(msg_id, "invalid_format", humanize_error(message, err)))
            return
        # Each command runs on its own, as in HA: one that waits (a response) does not hold the others.
        task = asyncio.get_running_loop().create_task(self._run(kind, msg_id, handler, data), name=f"ws {kind}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, kind: str, msg_id: int, handler: Command, data: dict[str, Any]) -> None:
        try:
            answer = await handler(self, data)
        except CommandError as err:
            self.send(error_frame(msg_id, err.code, err.message))
        except TimeoutError:
            self.send(error_frame(msg_id, "timeout", "Timeout"))
        except RoostError as err:  # said on purpose ("Roost is stopping"): HA's code for its own errors
            self.send(error_frame(msg_id, "home_assistant_error", str(err)))
        except Exception:
            _LOGGER.exception("WebSocket command %s failed", kind)
            self.send(error_frame(msg_id, "unknown_error", "Unknown error"))
        else:
            if answer is not NO_RESULT:
                self.send(result_frame(msg_id, answer))

    async def finish(self, timeout: float) -> None:
        """Let the commands under way end (Roost is stopping: they are told so) and their answers be written,
        for at most timeout seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while self._running:
                    await asyncio.wait(list(self._running))
                while self._pending and not self.ws.closed:
                    await asyncio.sleep(0.01)

    def subscribed(self, event_type: str) -> bool:
        """Whether the client receives events of this type."""
        return any(kind in (event_type, "*") for kind, _ in self.subscriptions.values())

    def close(self) -> None:
        """The client is gone: end its subscriptions and the commands it is still waiting for."""
        for _kind, unsubscribe in self.subscriptions.values():
            unsubscribe()
        self.subscriptions.clear()
        for task in self._running:
            task.cancel()


async def serve_client(request: web.Request, server: HttpServer, commands: dict[str, tuple[vol.Schema, Command]],
                       connections: set[Connection], on_close: Callable[[Connection], None]) -> web.WebSocketResponse:
    """The whole life of one client: auth phase, then its commands until it closes (or Roost stops); it is in
    connections meanwhile."""
    ws = await server.websocket(request, heartbeat=HEARTBEAT, max_msg_size=MAX_REQUEST_BYTES)
    authenticate = server.authenticate
    await ws.send_str(orjson.dumps({"type": "auth_required", "ha_version": HA_VERSION}).decode())
    token = await _auth_phase(ws, request.remote or "?", authenticate)
    if token is None:
        await ws.close()
        return ws
    server.close_when_token_ends(ws, token)
    await ws.send_str(orjson.dumps({"type": "auth_ok", "ha_version": HA_VERSION}).decode())
    connection = Connection(ws, commands, str(token.name), admin=token.admin)
    writer = asyncio.get_running_loop().create_task(connection.write(), name="websocket writer")
    connections.add(connection)
    try:
        async for frame in ws:
            if frame.type != WSMsgType.TEXT or not await connection.handle(frame.data):
                break  # a binary frame, or invalid JSON: HA disconnects such a client
    finally:
        connections.discard(connection)
        connection.close()
        on_close(connection)
        writer.cancel()
        await ws.close()
    return ws


async def _auth_phase(ws: web.WebSocketResponse, address: str,
                      authenticate: Callable[[str | None, str], Awaitable[TokenInfo | None]]) -> TokenInfo | None:
    try:
        frame = await ws.receive(timeout=AUTH_TIMEOUT)
    except TimeoutError:
        return None
    if frame.type != WSMsgType.TEXT:
        return None
    try:
        raw = orjson.loads(frame.data)
    except orjson.JSONDecodeError:
        return None
    try:
        message = AUTH_SCHEMA(raw)
    except vol.Invalid as err:
        await ws.send_str(orjson.dumps({"type": "auth_invalid", "message":
                                        f"Auth message incorrectly formatted: {humanize_error(raw, err)}"}).decode())
        return None
    info = await authenticate(message.get("access_token"), address)
    if info is None:
        await ws.send_str(orjson.dumps({"type": "auth_invalid", "message": "Invalid access token or password"}).decode())
        return None
    return info
