"""Fixtures: the fake Bot API on 127.0.0.1 and a started gateway whose telegram channel talks to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.telegram_server import FakeTelegram
from tests.helpers.configdir import write_config

ECHO = """
automations:
  - id: echo
    mode: queued
    triggers: [{trigger: message, platform: telegram}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
"""


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API, started."""
    async with FakeTelegram() as fake:
        yield fake


async def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Wait until check() is truthy; its value."""
    async with asyncio.timeout(timeout):
        while not (value := check()):
            await asyncio.sleep(0.02)
    return value


async def notes_left(gateway: Any, domain: str, prefix: str = "parts sent:", timeout: float = 5.0) -> list[str]:
    """The notes (of parts sent, or of the prefix) a channel still keeps, once none is left or after timeout (a
    reply's note goes just after its last part was answered)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (notes := await gateway.storage(domain).keys(prefix)) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
    return notes


@pytest.fixture
def serve_telegram(telegram: FakeTelegram, make_gateway: Callable[..., Awaitable[Any]], tmp_path: Path
                   ) -> Callable[..., Awaitable[Any]]:
    """serve_telegram(section="", extra=ECHO, http=False, models=()) -> the started gateway."""

    async def start(section: str = "dm_policy: open", extra: str = ECHO, http: bool = False,
                    models: tuple[Any, ...] = ()) -> Any:
        given = section.strip().splitlines()
        unpaced = [line for line in ("per_chat_interval: 0", "per_group_interval: 0")
                   if not any(g.startswith(line.split(":")[0] + ":") for g in given)]
        lines = [f"bot_token: \"{telegram.token}\"", f"base_url: {telegram.base_url}", "poll_timeout: 1",
                 *unpaced, *given]
        text = "telegram:\n" + "".join(f"  {line}\n" for line in lines)
        if http:
            text += "http:\n  port: 0\n"
        write_config(tmp_path / "config", text + extra)
        gateway = await make_gateway(tmp_path / "config", builtins=True, start=False)
        for model in models:
            gateway.register_model(model)
        await gateway.start()
        await until(lambda: gateway.data["telegram"].online)
        return gateway

    return start
