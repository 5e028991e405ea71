"""A raw connection to Roost's Home Assistant WebSocket, authenticated, for tests that need its frames."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

HA_VERSION = "2026.2.0"


async def ha_socket(served: Any, token: str) -> tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
    """Connect to /api/websocket and pass the auth phase; the caller closes the session."""
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(served.url.replace("http", "ws") + "/api/websocket")
    assert json.loads(await ws.receive_str(timeout=5)) == {"type": "auth_required", "ha_version": HA_VERSION}
    await ws.send_str(json.dumps({"type": "auth", "access_token": token}))
    assert json.loads(await ws.receive_str(timeout=5)) == {"type": "auth_ok", "ha_version": HA_VERSION}
    return session, ws
