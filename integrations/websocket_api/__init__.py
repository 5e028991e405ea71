"""The websocket_api integration: a plain chat socket at /api/chat (Home Assistant's protocol to come)."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from core.hookspecs import hookimpl
from integrations.websocket_api.chat import ChatSocketChannel

DOMAIN = "websocket_api"
CONFIG_SCHEMA = vol.Schema(vol.Any(None, {}))


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any] | None) -> None:
    """Register the chat socket's channel and its route on the http server."""
    server = gateway.data["http"]
    chat = ChatSocketChannel(gateway, DOMAIN)
    gateway.register_channel(chat)
    server.add_route("GET", "/api/chat", chat.handle)
    gateway.data[DOMAIN] = chat
