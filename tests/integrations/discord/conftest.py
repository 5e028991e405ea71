"""Fixtures: the fake Discord on 127.0.0.1 and a started gateway whose discord channel talks to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.discord_server import TOKEN, FakeDiscord
from tests.helpers.configdir import write_config

ECHO = """
automations:
  - id: echo
    mode: queued
    triggers: [{trigger: message, platform: discord}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
"""


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    """The fake Discord, started (heartbeats every 0.5 s)."""
    async with FakeDiscord() as fake:
        yield fake


def discord_section(fake: FakeDiscord, extra: str = "dm_policy: open") -> str:
    """The discord: section of a configuration pointing at the fake."""
    lines = [f"bot_token: {TOKEN}", f"api_base: {fake.api}", "edit_interval: 0.2", *extra.strip().splitlines()]
    return "discord:\n" + "".join(f"  {line}\n" for line in lines)


@pytest.fixture
def serve_discord(discord: FakeDiscord, make_gateway: Callable[..., Awaitable[Any]], tmp_path: Path
                  ) -> Callable[..., Awaitable[Any]]:
    """serve_discord(section="dm_policy: open", extra=ECHO, models=()) -> the started, connected gateway."""

    async def start(section: str = "dm_policy: open", extra: str = ECHO, models: tuple[Any, ...] = ()) -> Any:
        write_config(tmp_path / "config", discord_section(discord, section) + extra)
        gateway = await make_gateway(tmp_path / "config", builtins=True, start=False)
        for model in models:
            gateway.register_model(model)
        await gateway.start()
        await discord.wait_connected()
        return gateway

    return start
