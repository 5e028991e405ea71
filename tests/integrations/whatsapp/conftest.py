"""Fixtures: the fake Graph API on 127.0.0.1 and a started gateway whose whatsapp channel talks to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.whatsapp_server import PHONE_NUMBER_ID, FakeWhatsApp
from tests.helpers.configdir import write_config

ECHO = """
automations:
  - id: echo
    mode: queued
    triggers: [{trigger: message, platform: whatsapp}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
"""
VERIFY_TOKEN = "verify-me-please"


@pytest.fixture
async def whatsapp() -> AsyncIterator[FakeWhatsApp]:
    """The fake Graph API, started."""
    async with FakeWhatsApp() as fake:
        yield fake


def whatsapp_section(fake: FakeWhatsApp, extra: str = "dm_policy: open") -> str:
    """The whatsapp: section of a configuration pointing at the fake."""
    lines = [f"access_token: {fake.access_token}", f"app_secret: {fake.app_secret}",
             f"phone_number_id: '{PHONE_NUMBER_ID}'", f"verify_token: {VERIFY_TOKEN}", f"base_url: {fake.base_url}",
             *extra.strip().splitlines()]
    return "whatsapp:\n" + "".join(f"  {line}\n" for line in lines)


@pytest.fixture
def serve_whatsapp(whatsapp: FakeWhatsApp, make_gateway: Callable[..., Awaitable[Any]], tmp_path: Path
                   ) -> Callable[..., Awaitable[Any]]:
    """serve_whatsapp(section="dm_policy: open", extra=ECHO, models=()) -> the started gateway; the fake calls its
    webhook."""

    async def start(section: str = "dm_policy: open", extra: str = ECHO, models: tuple[Any, ...] = ()) -> Any:
        write_config(tmp_path / "config", whatsapp_section(whatsapp, section) + "http:\n  port: 0\n" + extra)
        gateway = await make_gateway(tmp_path / "config", builtins=True, start=False)
        for model in models:
            gateway.register_model(model)
        await gateway.start()
        server = gateway.data["http"].server
        async with asyncio.timeout(5):
            while server.port is None:
                await asyncio.sleep(0.01)
        port = server.port
        whatsapp.webhook_url = f"http://127.0.0.1:{port}/api/whatsapp/webhook"
        return gateway

    return start
