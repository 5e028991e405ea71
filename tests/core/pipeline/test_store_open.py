"""The one way to open the store, as the gateway uses it."""

from __future__ import annotations

from typing import Any

import pytest


async def test_without_a_store_process_the_gateway_writes_from_a_thread(
    load_setup: Any, make_gateway: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncio

    from core.message import Message
    from core.store import process
    from core.store.writer import GroupWriter
    from tests.core.pipeline.conftest import wait_for

    monkeypatch.setattr(process.sys, "executable", "/nonexistent/python")
    gateway = await make_gateway(load_setup.config_dir)
    assert isinstance(gateway.store.db._writer, GroupWriter)
    assert "could not be started" in caplog.text and "from a thread" in caplog.text
    assert await gateway.ingest(Message.create("load", "c1", "u", "still durable"))
    await asyncio.to_thread(wait_for, lambda: load_setup.platform.sink_count() == 1, 10, "the reply")
