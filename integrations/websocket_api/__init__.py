"""The websocket_api integration: Home Assistant's WebSocket protocol at /api/websocket, a chat socket at /api/chat, and
a page at /chat that talks over it in a browser."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import voluptuous as vol
from aiohttp import web

from core.hookspecs import hookimpl
from integrations.http.server import Access, json_error
from integrations.websocket_api.chat import ChatSocketChannel
from integrations.websocket_api.commands_ha import HaCommands
from integrations.websocket_api.connection import Connection, serve_client
from integrations.websocket_api.conversations import ConversationChannel
from integrations.websocket_api.entities import EntityStates

DOMAIN = "websocket_api"
PAGE = Path(__file__).parent / "page"
PAGE_FILES = {"/chat": ("chat.html", "text/html"), "/chat.js": ("chat.js", "text/javascript"),
              "/chat.css": ("chat.css", "text/css")}
"""The chat page's files (its look is the status page's /status.css, and its own)."""
FINISH_SECONDS = 2.0
"""How long stopping waits for the HA socket's commands under way to answer."""
CONFIG_SCHEMA = vol.Schema(vol.Any(None, {
    vol.Optional("response_timeout", default=60.0): vol.All(vol.Coerce(float), vol.Range(min=0.1)),
}))


@hookimpl
async def roost_setup(gateway: Any, config: dict[str, Any] | None) -> None:
    """Register both sockets' channels and routes on the http server."""
    config = CONFIG_SCHEMA(config or {}) or CONFIG_SCHEMA({})
    server = gateway.data["http"].server
    chat = ChatSocketChannel(gateway, DOMAIN, server)
    conversations = ConversationChannel(gateway, DOMAIN)
    gateway.register_channel(chat)
    gateway.register_channel(conversations)
    await conversations.recall_untold()
    states = EntityStates(gateway)
    gateway.create_background_task(states.watch(), "entity states")
    commands = HaCommands(gateway, conversations, states, config["response_timeout"]).table()
    connections: set[Connection] = set()

    async def websocket(request: web.Request) -> web.StreamResponse:
        address = request.remote or "?"
        banned = server.guard.banned(address)
        if banned:
            return json_error(403, f"too many failed logins from {address}; banned for {banned:.0f} more seconds")
        return await serve_client(request, server, commands, connections, conversations.release)

    server.add_route("GET", "/api/chat", chat.handle)
    server.add_page_files(PAGE, PAGE_FILES)
    server.add_route("GET", "/api/websocket", websocket, access=Access(token=False))
    gateway.data[DOMAIN] = {"chat": chat, "conversations": conversations, "connections": connections}


@hookimpl
async def roost_stop(gateway: Any) -> None:
    """Let the HA socket's commands under way answer before the http server closes the sockets, then keep
    the conversations told to no one (the calls among them that Roost stopped under run again next start)."""
    if DOMAIN not in gateway.data:
        return
    connections: set[Connection] = gateway.data[DOMAIN]["connections"]
    await asyncio.gather(*(connection.finish(FINISH_SECONDS) for connection in list(connections)))
    await gateway.data[DOMAIN]["conversations"].keep_untold()
