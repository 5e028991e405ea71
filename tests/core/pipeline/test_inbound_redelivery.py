"""A platform that delivers the same message again does not trigger automations twice."""

from __future__ import annotations

import asyncio
from typing import Any

from core.cli.common import open_config_store
from core.message import Message
from tests.core.pipeline.conftest import LoadSetup, wait_for


async def test_same_platform_message_twice_triggers_once(load_setup: LoadSetup, make_gateway: Any) -> None:
    load_setup.write(automations="""
      - id: echo
        triggers:
          - trigger: message
            platform: load
        actions:
          - reply: "re: {{ trigger.text }}"
    """)
    gateway = await make_gateway(load_setup.config_dir)
    triggered: list[str] = []
    gateway.bus.listen("automation_triggered", lambda event: triggered.append(event.data["run_id"]))

    first = Message.create("load", "c1", "alice", "hello", id="42")
    assert await gateway.ingest(first) is True
    assert await gateway.ingest(Message.create("load", "c1", "alice", "hello", id="42")) is False
    # the same id on another platform is another message (stored; the automation ignores it)
    assert await gateway.ingest(Message.create("other", "c1", "alice", "hello", id="42")) is True
    # concurrent redeliveries (a webhook retried while the first call is still running)
    results = await asyncio.gather(*(
        gateway.ingest(Message.create("load", "c2", "bob", "again", id="43")) for _ in range(5)
    ))
    assert sorted(results) == [False, False, False, False, True]
    await gateway.wait_idle()

    assert len(triggered) == 2
    sink = load_setup.platform.sink()
    assert sorted(row[3] for row in sink) == ["re: again", "re: hello"]
    counts = await gateway.store.tasks.counts()
    assert counts["done"] == 2 and counts["queued"] == 0
    stored = await gateway.store.db.fetchall("SELECT platform, platform_msg_id FROM inbox ORDER BY id")
    assert stored == [("load", "42"), ("other", "42"), ("load", "43")]


async def test_channel_rereading_after_lost_offset_sends_nothing_twice(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    load_setup.platform.post([(f"c{i % 3}", "u", f"m{i}") for i in range(30)])
    gateway = await make_gateway(load_setup.config_dir)
    await asyncio.to_thread(wait_for, lambda: load_setup.platform.sink_count() == 30, 20, "30 replies")
    await gateway.wait_idle()
    await gateway.stop()

    # The platform forgets what was acknowledged (as Telegram does when an offset was never saved).
    store = await open_config_store(load_setup.config_dir)
    try:
        assert await store.state.get("loadchannel", "cursor") == 30
        await store.state.set("loadchannel", "cursor", 0)
    finally:
        await store.close()

    again = await make_gateway(load_setup.config_dir)
    channel = again.data["loadchannel"]
    await asyncio.to_thread(wait_for, lambda: channel.offset == 30, 20, "the channel to re-read all rows")
    await again.wait_idle()
    assert (channel.accepted, channel.redelivered) == (0, 30)  # every row recognised as stored
    assert load_setup.platform.sink_count() == 30
    assert len(load_setup.platform.attempts()) == 30
    assert (await again.store.tasks.counts())["done"] == 30
