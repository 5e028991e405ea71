"""GET /api/health: can the store write, which integrations are up, which channels are online."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import aiohttp
from aiohttp import web

from core.doctor import OK, PROBLEM, Finding

WRITE_TIMEOUT = 5.0


async def report(gateway: Any) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 503 when the store cannot write; "degraded" when a part is down or its disk is low."""
    store: dict[str, Any] = {"writable": True}
    try:
        async with asyncio.timeout(WRITE_TIMEOUT):
            await gateway.storage("http").set("health_probe", time.time())
    except TimeoutError:
        store = {"writable": False, "reason": f"the store did not confirm a write within {WRITE_TIMEOUT:g} s"}
    except Exception as err:  # the writer is gone, the disk is full, ...
        store = {"writable": False, "reason": f"{type(err).__name__}: {err}"}
    now = gateway.status()
    disk = now["disk"] or {}
    if disk.get("free_bytes") is not None:
        store.update(free_bytes=disk["free_bytes"], low_on_space=disk["low"])
    channels = {platform: {"online": online} for platform, online in now["channels"].items()}
    down = [d for d, s in now["integrations"].items() if s["status"] not in ("loaded", "pending")]
    offline = [p for p, online in now["channels"].items() if not online]
    problems = now["configuration_errors"]
    low = disk.get("low", False)
    status = "failing" if not store["writable"] else "degraded" if down or offline or problems or low else "ok"
    body = {"status": status, "state": now["state"], "store": store, "integrations": now["integrations"],
            "channels": channels, "configuration_errors": problems}
    return (503 if status == "failing" else 200), body


def health_view(gateway: Any) -> Any:
    """The aiohttp handler."""
    async def handle(_request: web.Request) -> web.Response:
        status, body = await report(gateway)
        return web.json_response(body, status=status)

    return handle


async def listening_finding(config: dict[str, Any]) -> Finding:
    """For `roost doctor`: is the address free to listen on, or does a Roost answer there already?"""
    host, port = config["host"], config["port"]
    scheme = "https" if config.get("ssl_certificate") else "http"
    url = f"{scheme}://{host if ':' not in host else f'[{host}]'}:{port}"
    try:
        async with aiohttp.ClientSession() as session, \
                session.get(f"{url}/api/health", timeout=aiohttp.ClientTimeout(total=3), ssl=False) as answer:
            body = await answer.json(content_type=None)
        if isinstance(body, dict) and "store" in body:
            return Finding(OK, f"http: a running Roost answers at {url} (health: {body.get('status')})")
    except (aiohttp.ClientError, TimeoutError, ValueError):
        pass
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as err:
        return Finding(PROBLEM, f"http: cannot listen on {host}:{port}: {err.strerror or err}; another program"
                                " holds it, or the address is not this machine's: change http: port or host")
    return Finding(OK, f"http: {host}:{port} is free to listen on ({url})")
