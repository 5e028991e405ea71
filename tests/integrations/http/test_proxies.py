"""Requests through a reverse proxy: refused unless configured, then the client's address is the forwarded one."""

from __future__ import annotations

import logging

import aiohttp
import pytest

HOOK = """
automations:
  - id: hook
    triggers: [{trigger: webhook, webhook_id: lamp-9c1e}]
    actions: [{event: lamp_pressed}]
  - id: echo
    triggers: [{trigger: message, platform: websocket_chat}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
"""
PROXIED = "use_x_forwarded_for: true\ntrusted_proxies: [127.0.0.1, 10.0.0.0/8]"


async def _status(url: str, forwarded: str | None = None, token: str | None = None, method: str = "GET") -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with aiohttp.ClientSession() as session, session.request(method, url, headers=headers) as response:
        return response.status


@pytest.mark.allow_logged_errors
async def test_a_forwarded_request_is_refused_until_proxies_are_configured(serve, caplog) -> None:
    served = await serve(extra=HOOK)
    caplog.set_level(logging.ERROR)
    async with aiohttp.ClientSession() as session:
        async with session.get(served.url + "/api/health", headers={"X-Forwarded-For": "81.2.69.160"}) as response:
            assert response.status == 400
            assert "use_x_forwarded_for" in (await response.json())["error"]
    assert await _status(served.url + "/api/health", "81.2.69.160") == 400
    assert caplog.text.count("Refused requests forwarded by a reverse proxy at 127.0.0.1") == 1, "logged once"
    assert await _status(served.url + "/api/health") == 200, "direct requests are as before"


@pytest.mark.allow_logged_errors
async def test_forwarded_headers_from_an_untrusted_peer_or_with_bad_addresses_are_refused(serve) -> None:
    served = await serve("use_x_forwarded_for: true\ntrusted_proxies: [10.0.0.1]")
    assert await _status(served.url + "/api/health", "81.2.69.160") == 400
    await served.gateway.stop()
    served = await serve(PROXIED)
    assert await _status(served.url + "/api/health", "81.2.69.160, not-an-address") == 400
    assert await _status(served.url + "/api/health", "") == 400


async def test_the_client_behind_trusted_proxies_is_who_tokens_bans_and_local_only_see(serve) -> None:
    served = await serve(PROXIED + "\nlogin_attempts_threshold: 2\nban_seconds: 60", extra=HOOK)
    token = await served.token()
    health = served.url + "/api/health"
    assert await _status(health, "81.2.69.160") == 401, "a stranger is not a loopback client"
    assert await _status(health, "81.2.69.160", token) == 200
    assert await _status(health, "93.184.216.34, 10.0.0.2") == 401, "read from the right, past trusted proxies"
    assert await _status(health, "127.0.0.1, 10.0.0.2") == 200, "all trusted: the left-most is the client"
    hook = served.url + "/api/webhook/lamp-9c1e"
    assert await _status(hook, "81.2.69.160", method="POST") == 403, "local_only: a stranger through the proxy"
    assert await _status(hook, "192.168.1.20", method="POST") == 200
    for attempt in range(2):
        await _status(health, "81.2.69.160", f"wrong-{attempt}")
    assert await _status(health, "81.2.69.160", token) == 403, "the stranger is banned"
    assert await _status(health, "93.184.216.34", token) == 200, "nobody else is"
    assert await _status(health) == 200
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(served.url.replace("http", "ws") + f"/api/chat?access_token={token}",
                                      headers={"X-Forwarded-For": "93.184.216.34"})
        await ws.send_str("through the proxy")
        assert await ws.receive_str(timeout=5) == "echo: through the proxy"
        await ws.close()
