"""GET /api/health: can the store write, which integrations are up, which channels are online."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

WRITE_TIMEOUT = 5.0


async def report(gateway: Any) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 503 when the store cannot write; "degraded" when a part is down."""
    store: dict[str, Any] = {"writable": True}
    try:
        async with asyncio.timeout(WRITE_TIMEOUT):
            await gateway.storage("http").set("health_probe", time.time())
    except TimeoutError:
        store = {"writable": False, "reason": f"the store did not confirm a write within {WRITE_TIMEOUT:g} s"}
    except Exception as err:  # the writer is gone, the disk is full, ...
        store = {"writable": False, "reason": f"{type(err).__name__}: {err}"}
    now = gateway.status()
    channels = {platform: {"online": online} for platform, online in now["channels"].items()}
    down = [d for d, s in now["integrations"].items() if s["status"] not in ("loaded", "pending")]
    offline = [p for p, online in now["channels"].items() if not online]
    problems = now["configuration_errors"]
    status = "failing" if not store["writable"] else "degraded" if down or offline or problems else "ok"
    body = {"status": status, "state": now["state"], "store": store, "integrations": now["integrations"],
            "channels": channels, "configuration_errors": problems}
    return (503 if status == "failing" else 200), body


def health_view(gateway: Any) -> Any:
    """The aiohttp handler."""
    async def handle(_request: web.Request) -> web.Response:
        status, body = await report(gateway)
        return web.json_response(body, status=status)

    return handle
