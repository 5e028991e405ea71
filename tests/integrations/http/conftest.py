"""Fixtures: a started gateway with the real http and websocket_api integrations on a free port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from integrations.http.tokens import TokenBook
from tests.helpers.browser import Browser
from tests.helpers.configdir import write_config

ECHO = """
automations:
  - id: echo
    triggers: [{trigger: message, platform: websocket_chat}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
"""


class Served:
    """A running gateway and its HTTP address."""

    def __init__(self, gateway: Any) -> None:
        self.gateway = gateway
        self.server = gateway.data["http"].server

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.server.port}"

    async def token(self, name: str = "test", expires_in: float | None = None, *, admin: bool = False) -> str:
        """A new access token."""
        return await TokenBook(self.gateway.storage("http")).create(name, expires_in, admin=admin)


@pytest.fixture
def serve(make_gateway: Callable[..., Awaitable[Any]], tmp_path: Path) -> Callable[..., Awaitable[Served]]:
    """serve(http_section="", extra=ECHO, models=(), channels=()) -> Served, listening (stopped after the test)."""

    async def start(http_section: str = "", extra: str = ECHO, models: tuple[Any, ...] = (),
                    channels: tuple[Any, ...] = ()) -> Served:
        text = "http:\n  port: 0\n" + "".join(f"  {line}\n" for line in http_section.strip().splitlines())
        write_config(tmp_path / "config", text + "websocket_api:\n" + extra)
        gateway = await make_gateway(tmp_path / "config", builtins=True, start=False)
        for model in models:
            gateway.register_model(model)
        for make_channel in channels:
            gateway.register_channel(make_channel(gateway))
        await gateway.start()
        served = Served(gateway)
        async with asyncio.timeout(5):
            while served.server.port is None:
                await asyncio.sleep(0.01)
        return served

    return start


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A headless Chromium (skipped with the reason when it cannot run here)."""
    made = await asyncio.to_thread(Browser)
    yield made
    await asyncio.to_thread(made.close)
