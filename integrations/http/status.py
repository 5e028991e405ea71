"""The status page at /: files served from the package (no build step), the JSON it shows, the owner's buttons.

Reading needs an access token, as the API does; retrying or discarding a dead letter, approving or
denying a pairing code and reloading the automations need a token made with ``--admin``. The page keeps
/api/status/stream open: the status again whenever something happened, at most once a second.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from core import events
from core.overview import (
    NotRunning,
    UnknownDeadLetter,
    decide_pairing,
    discard_dead_letter,
    overview,
    retry_dead_letter,
)
from core.reload import reload_automations
from integrations.http.knowledge_files import add_knowledge_routes
from integrations.http.server import TOKEN, HttpServer, json_error
from integrations.http.tokens import TokenInfo

PAGE = Path(__file__).parent / "page"
FILES = {"/": ("index.html", "text/html"), "/status.js": ("status.js", "text/javascript")}
"""The status page's own files."""
SHARED_FILES = {"/status.css": ("status.css", "text/css"), "/favicon.svg": ("favicon.svg", "image/svg+xml"),
                "/favicon.ico": ("favicon.svg", "image/svg+xml")}
"""The look and the icon of every page Roost serves (the chat page's too), served with the status page off as well.
A browser asks for the icon with no token at every page: at a route that needs one, each would count as a failed
login (logged, and towards a ban)."""
CHANGES = (events.CHANNEL_ONLINE, events.CHANNEL_OFFLINE, events.NETWORK_ONLINE, events.NETWORK_OFFLINE,
           events.MESSAGE_RECEIVED, events.MESSAGE_SENT, events.MESSAGE_FAILED, events.AUTOMATION_FINISHED)
"""What the status stream sends the status again for."""
STREAM_GAP_SECONDS = 1.0
"""How often a stream looks for what happened and at its token: at most one status a second, however busy Roost is
(each reads the store several times)."""
STREAM_REFRESH_SECONDS = 10.0
"""The longest: the store's size, the disk's free space and new pairing codes fire no event."""


def add_status_page(server: HttpServer, gateway: Any) -> None:
    """Serve the page, /api/status and the admin actions."""
    server.add_page_files(PAGE, FILES)

    async def status(request: web.Request) -> web.Response:
        try:
            body = await overview(gateway)
        except NotRunning as err:
            return json_error(503, str(err))
        return web.json_response({**body, "admin": request[TOKEN].admin})

    async def dead_letter(request: web.Request) -> web.Response:
        if not request[TOKEN].admin:
            return _not_admin()
        act = retry_dead_letter if request.match_info["action"] == "retry" else discard_dead_letter
        try:
            source, ref_id = await act(gateway, int(request.match_info["id"]))
        except UnknownDeadLetter:
            return json_error(404, f"no dead letter #{request.match_info['id']}")
        except NotRunning as err:
            return json_error(503, str(err))
        return web.json_response({"source": source, "ref_id": ref_id})

    async def pairing(request: web.Request) -> web.Response:
        if not request[TOKEN].admin:
            return _not_admin()
        code, approve = request.match_info["code"], request.match_info["action"] == "approve"
        entry = await decide_pairing(gateway, code, approve)
        if entry is None:
            return json_error(404, f"no waiting pairing code {code!r} (unknown, or older than an hour)")
        return web.json_response({"platform": entry["platform"], "user": entry["user"], "approved": approve})

    async def reload(request: web.Request) -> web.Response:
        if not request[TOKEN].admin:
            return _not_admin()
        outcome = await reload_automations(gateway)
        said = [line for _level, line in outcome.lines()]
        if outcome.changes is None:  # 422: the request is fine, the configuration it reads is not (the running stay)
            return web.json_response({"error": "\n".join(said), "errors": outcome.errors}, status=422)
        return web.json_response({"said": said, "changes": asdict(outcome.changes),
                                  "restart_for": outcome.restart_for})

    async def stream(request: web.Request) -> web.StreamResponse:
        if gateway.state != "running":
            return json_error(503, f"Roost is {gateway.state}")
        return await _stream(request, gateway, server)

    server.add_route("GET", "/api/status", status)
    server.add_route("GET", "/api/status/stream", stream)
    server.add_route("POST", "/api/reload", reload)
    server.add_route("POST", r"/api/dead_letters/{id:\d+}/{action:retry|discard}", dead_letter)
    server.add_route("POST", "/api/pairing/{code}/{action:approve|deny}", pairing)
    add_knowledge_routes(server, gateway, _not_admin)


async def _stream(request: web.Request, gateway: Any, server: HttpServer) -> web.StreamResponse:
    """Server-sent events, each the status as /api/status answers it: at once, then within STREAM_GAP_SECONDS of
    something happening, else every STREAM_REFRESH_SECONDS; until the client goes, Roost stops or the request's
    token is revoked or expires (each looked at every STREAM_GAP_SECONDS)."""
    token: TokenInfo = request[TOKEN]
    changed = asyncio.Event()
    stop_listening = [gateway.bus.listen(kind, lambda _event: changed.set()) for kind in CHANGES]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                           "X-Accel-Buffering": "no"})  # nginx would otherwise hold the events back
    sent = -STREAM_REFRESH_SECONDS
    try:
        await response.prepare(request)
        while gateway.state == "running" and not await server.tokens.ended(token):
            if changed.is_set() or time.monotonic() - sent >= STREAM_REFRESH_SECONDS:
                changed.clear()
                sent = time.monotonic()
                try:
                    body = await overview(gateway)
                except NotRunning:
                    break
                await response.write(b"data: " + orjson.dumps({**body, "admin": token.admin}) + b"\n\n")
            await asyncio.sleep(STREAM_GAP_SECONDS)
    except ConnectionResetError:
        pass  # the page was closed
    finally:
        for stop in stop_listening:
            stop()
    return response


def _not_admin() -> web.Response:
    return json_error(403, "this token may read, not act: make one with `roost token create NAME --admin`")
