"""One aiohttp application per gateway: routes other integrations add, token checks, bans, errors as JSON."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, web

from core.errors import StoreUnavailable
from integrations.http.guard import LoginGuard
from integrations.http.limit import BoundedRunner, connection_bound
from integrations.http.proxies import ForwardedFor
from integrations.http.tls import CertificateRenewal, server_context
from integrations.http.token_watch import TokenWatch
from integrations.http.tokens import TokenBook, TokenInfo

_LOGGER = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 4 * 1024 * 1024
"""The largest request body (and WebSocket frame) accepted, as Home Assistant's."""
SHUTDOWN_SECONDS = 5.0
"""How long stopping waits for requests still being answered (aiohttp's own default is 60 s)."""
IDLE_SECONDS = 75.0
"""How long a connection may sit without a request, its first included, before it is closed (aiohttp's own default
is an hour: idle connections would hold http.max_connections)."""
GOING_AWAY_SECONDS = 2.0
"""How long stopping waits for WebSocket clients to answer the close frame it sends them."""
RETRY_AFTER_UNSTORED = 30
"""Seconds a client is asked to wait before sending again what the store could not take."""
LISTEN_RETRY_FIRST = 1.0
LISTEN_RETRY_MAX = 30.0
"""Seconds between tries to listen while the address cannot be had: the first wait, the longest."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TOKEN = web.RequestKey("roost_token", object)
"""The request key of the caller's TokenInfo (absent on a loopback route that needs none)."""


def json_error(status: int, message: str, **extra: Any) -> web.Response:
    """An error answer a program can read: {"error": message, ...}."""
    return web.json_response({"error": message, **extra}, status=status)


PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'", "X-Frame-Options": "DENY",
                "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}
"""What a page Roost serves is sent with: its own files only, never in a frame of another site's."""


def _page_file(path: Path, content_type: str) -> Handler:
    """A handler answering with a file of a page Roost serves (read once, now: a few KiB)."""
    body = path.read_bytes()

    async def handle(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type=content_type, charset="utf-8", headers=PAGE_HEADERS)

    return handle


ErrorShape = Callable[[int, str], web.StreamResponse]
"""Builds a route's error answer from a status and a message (its API's own error shape)."""


@dataclass(frozen=True, slots=True)
class Access:
    """Who may use a route (a token, or any local client without one) and how its errors look."""

    token: bool = True
    loopback_free: bool = False
    errors: ErrorShape = json_error


def is_loopback(host: str) -> bool:
    """Whether a host name or address only reaches this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class HttpServer:
    """The aiohttp application: integrations add routes while Roost starts; it listens once all are set up."""

    def __init__(self, config: dict[str, Any], tokens: TokenBook, guard: LoginGuard) -> None:
        self.config = config
        self.tokens = tokens
        self.guard = guard
        self.forwarded = ForwardedFor(config["use_x_forwarded_for"], config["trusted_proxies"])
        self.app = web.Application(client_max_size=MAX_REQUEST_BYTES,
                                   middlewares=[self._errors, self._forwarded, self._access])
        self._access_rules: dict[Any, Access] = {}
        self._runner: BoundedRunner | None = None
        self.on_response: Callable[[str, str], None] | None = None
        """Told (route, status) of every answered request (the metrics' request counter)."""
        self._retrying: asyncio.Task[None] | None = None
        self._renewals: asyncio.Task[None] | None = None
        self._sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self._token_watch = TokenWatch(tokens)
        self.app.on_shutdown.append(self._going_away)
        self.app.on_response_prepare.append(self._allow_origin)
        self.port: int | None = None
        """The port it listens on (the configured one, or the one the system chose for port 0)."""

    async def websocket(self, request: web.Request, **options: Any) -> web.WebSocketResponse:
        """The request's WebSocket, prepared; when Roost stops, its client is told so (1001, going away) and the
        handler's loop over its frames ends. One opened with an access token closes once the token is revoked or
        expires (1008)."""
        ws = web.WebSocketResponse(**options)
        await ws.prepare(request)
        self._sockets.add(ws)
        token = request.get(TOKEN)
        if token is not None:
            self.close_when_token_ends(ws, token)
        return ws

    def close_when_token_ends(self, ws: web.WebSocketResponse, token: TokenInfo) -> None:
        """Close ws (1008, saying why) within a second of token being revoked or expiring: for a socket whose
        protocol authenticates in its own frames, as Home Assistant's does."""
        self._token_watch.watch(ws, token)

    async def _going_away(self, _app: web.Application) -> None:
        closing = [asyncio.ensure_future(ws.close(code=WSCloseCode.GOING_AWAY, message=b"Roost is stopping"))
                   for ws in list(self._sockets) if not ws.closed]
        if closing:
            await asyncio.wait(closing, timeout=GOING_AWAY_SECONDS)

    def add_route(self, method: str, path: str, handler: Handler, *, access: Access = Access()) -> None:
        """Serve method path with handler (before Roost has started); access says who may call it."""
        route = self.app.router.add_route(method, path, handler)
        self._access_rules[route.resource] = access

    def add_page_files(self, folder: Path, files: dict[str, tuple[str, str]]) -> None:
        """Serve the files of a page, no token needed: path -> (file name in folder, content type)."""
        for path, (name, content_type) in files.items():
            self.add_route("GET", path, _page_file(folder / name, content_type), access=Access(token=False))

    async def start(self) -> None:
        """Listen on the configured address. While it cannot be had (another program holds the port, the
        network has not given the host its address yet), say so once and keep trying in the background,
        every LISTEN_RETRY_FIRST seconds doubling up to LISTEN_RETRY_MAX, until it can or Roost stops."""
        certificate, context = self.config.get("ssl_certificate"), None
        if certificate:
            context = server_context(certificate, self.config.get("ssl_key"))
        self._runner = runner = BoundedRunner(self.app, connection_bound(self.config["max_connections"]), context,
                                              access_log=None, handle_signals=False,
                                              shutdown_timeout=SHUTDOWN_SECONDS, keepalive_timeout=IDLE_SECONDS)
        await runner.setup()
        if certificate:
            renewal = CertificateRenewal(certificate, self.config.get("ssl_key"), runner.use_tls)
            self._renewals = asyncio.get_running_loop().create_task(renewal.watch(), name="roost-http-tls-renewal")
        try:
            await self._listen()
        except OSError as err:
            _LOGGER.error("Cannot listen on %s:%s: %s; trying again in the background, at most %g s apart",
                          self.config["host"], self.config["port"], err.strerror or err, LISTEN_RETRY_MAX)
            self._retrying = asyncio.get_running_loop().create_task(self._keep_trying(),
                                                                    name="roost-http-listen")

    async def _listen(self) -> None:
        assert self._runner is not None
        site = web.TCPSite(self._runner, self.config["host"], self.config["port"])  # TLS: the runner's handshakes
        try:
            await site.start()
        except BaseException:
            await site.stop()  # unregisters the site that could not listen
            raise
        sockets = site._server.sockets if site._server is not None else []  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1] if sockets else self.config["port"]
        scheme = "https" if self._runner.tls else "http"
        _LOGGER.info("Listening on %s://%s:%d", scheme, self.config["host"], self.port)

    async def _keep_trying(self) -> None:
        wait = LISTEN_RETRY_FIRST
        while True:
            await asyncio.sleep(wait)
            try:
                await self._listen()
                return
            except OSError:
                wait = min(2 * wait, LISTEN_RETRY_MAX)

    async def stop(self) -> None:
        """Stop listening (or trying to) and close open connections."""
        if self._retrying is not None:
            self._retrying.cancel()
            await asyncio.wait([self._retrying])
            self._retrying = None
        await self._token_watch.stop()
        if self._renewals is not None:
            self._renewals.cancel()
            await asyncio.wait([self._renewals])
            self._renewals = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def authenticate(self, token: str | None, address: str) -> TokenInfo | None:
        """The token's info when it is valid; a failure counts against the address (throttled, then banned)."""
        info = await self.tokens.verify(token) if token else None
        if info is None:
            delay = self.guard.failed(address, "no token" if not token else "invalid, expired or revoked token")
            if delay:
                await asyncio.sleep(delay)
            return None
        self.guard.succeeded(address)
        return info

    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await self._answer(request, handler)
        if self.on_response is not None:
            resource = request.match_info.route.resource
            self.on_response(resource.canonical if resource is not None else "unmatched", str(response.status))
        return response

    def _access_of(self, request: web.Request) -> Access:
        return self._access_rules.get(request.match_info.route.resource, Access())

    async def _answer(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        errors = self._access_of(request).errors
        try:
            return await handler(request)
        except web.HTTPException as err:
            if err.status >= 400 and err.content_type != "application/json":
                return errors(err.status, err.reason)
            return err
        except (asyncio.CancelledError, ConnectionResetError):
            raise
        except StoreUnavailable as err:  # the store has said why in the log: the client is told, without a traceback
            answer = errors(503, f"Roost cannot store anything now ({err}); nothing of this request was kept: send it"
                                 " again later")
            answer.headers["Retry-After"] = str(RETRY_AFTER_UNSTORED)
            return answer
        except Exception:
            _LOGGER.exception("%s %s failed", request.method, request.path)
            return errors(500, "internal error (Roost's log has the details)")

    @web.middleware
    async def _forwarded(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A request through a trusted reverse proxy is the client's: its address replaces the proxy's."""
        try:
            client = self.forwarded.client(request)
        except ValueError as err:
            return self._access_of(request).errors(400, str(err))
        return await handler(request if client is None else request.clone(remote=client))

    @web.middleware
    async def _access(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        address = request.remote or "?"
        if request.method == "OPTIONS" and self._cors(request):
            return web.Response()  # a browser's preflight: _allow_origin says what the page may send
        access = self._access_of(request)
        if access.token and not (access.loopback_free and is_loopback(address)):
            banned = self.guard.banned(address)
            if banned:
                return access.errors(403, f"too many failed logins from {address};"
                                          f" banned for {banned:.0f} more seconds")
            request[TOKEN] = await self.authenticate(_token_of(request), address)
            if request[TOKEN] is None:
                return access.errors(401, "a valid access token is needed (Authorization: Bearer TOKEN);"
                                          " make one with `roost token create NAME`")
        return await handler(request)

    async def _allow_origin(self, request: web.Request, response: web.StreamResponse) -> None:
        """Every answer to a page of an allowed origin says so as it starts: errors and streams too, which a browser
        would otherwise keep from the page."""
        response.headers.update(self._cors(request))

    def _cors(self, request: web.Request) -> dict[str, str]:
        origin = request.headers.get("Origin")
        if not origin or origin not in self.config["cors_allowed_origins"]:
            return {}
        headers = {"Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": "Retry-After",
                   "Vary": "Origin"}
        if request.method == "OPTIONS":  # the page of an allowed origin may send what it asks to (the openai SDK's own)
            headers |= {"Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
                        "Access-Control-Allow-Headers": request.headers.get("Access-Control-Request-Headers",
                                                                            "Authorization, Content-Type"),
                        "Access-Control-Max-Age": "600"}
        return headers


def _token_of(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.query.get("access_token") or None
