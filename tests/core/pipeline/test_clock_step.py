"""A clock set back between two runs (a box without a real-time clock, started offline after a power cut): what was
due when Roost last ran is due at once, not once the clock has caught up."""

from __future__ import annotations

import asyncio
import logging
import re
import time

from core.errors import TransientError
from core.message import Message
from tests.helpers.channels import RECORDING_CHANNEL

MANIFEST = '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'
FILES = {"integrations/rec/__init__.py": RECORDING_CHANNEL, "integrations/rec/manifest.json": MANIFEST}
CONFIG = """
roost: {stop_timeout: 0.2}
rec: {platform: test}
automations:
  - id: echo
    triggers: [{trigger: message, platform: test, pattern: "^hi"}]
    actions: [{reply: "re: {{ trigger.text }}"}]
  - id: slow
    triggers: [{trigger: message, platform: test, pattern: "^slow"}]
    actions: [{delay: 30}, {reply: done}]
"""
AHEAD = 2 * 3600.0


async def test_what_was_due_before_the_clock_went_back_is_done_at_once(make_config, make_gateway, monkeypatch,
                                                                        caplog) -> None:
    config_dir = make_config(CONFIG, files=FILES)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + AHEAD)  # the first run's clock: two hours ahead
    first = await make_gateway(config_dir)
    first.data["rec"].online = False  # its reply waits in the outbox
    assert await first.ingest(Message.create("test", "c1", "u", "hi there"))
    assert await first.ingest(Message.create("test", "c2", "u", "slow one"))
    async with asyncio.timeout(5):
        while (await first.store.tasks.counts())["leased"] != 1 or await first.store.outbox.pending_count("test") != 1:
            await asyncio.sleep(0.02)
    await first.stop()  # the slow run is given back, queued again

    monkeypatch.setattr(time, "time", real)  # the clock is set back by two hours
    caplog.set_level(logging.WARNING, logger="core")
    second = await make_gateway(config_dir)
    assert await second.data["rec"].wait_for(1, timeout=5) == [("c1", "re: hi there")]
    async with asyncio.timeout(5):
        while (await second.store.tasks.counts())["leased"] != 1:
            await asyncio.sleep(0.02)
    said = [r.getMessage() for r in caplog.records if "clock" in r.getMessage()]
    assert len(said) == 1 and re.search(r"clock is (1 h 59|2 h 0) min behind .* \(tasks: 1, replies: 1\)", said[0]), said


async def test_a_clock_set_back_while_roost_runs_does_not_stretch_a_reply_s_wait(make_config, make_gateway, monkeypatch,
                                                                                caplog) -> None:
    config_dir = make_config(CONFIG, files=FILES)
    real, shift = time.time, [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + shift[0])
    gateway = await make_gateway(config_dir)
    channel = gateway.data["rec"]
    send = channel.send

    async def refused_once(message):  # the platform is busy once: the reply is tried again in a few seconds
        channel.send = send
        shift[0] = -AHEAD  # and just then a time server sets the clock two hours back
        raise TransientError("busy", retry_after=3.0)

    channel.send = refused_once
    caplog.set_level(logging.WARNING, logger="core")
    assert await gateway.ingest(Message.create("test", "c1", "u", "hi there"))
    assert await channel.wait_for(1, timeout=10) == [("c1", "re: hi there")], "not two hours and 3 s later"
    said = [r.getMessage() for r in caplog.records if "clock" in r.getMessage()]
    assert len(said) == 1 and re.search(r"clock was set back by (1 h 59|2 h 0) min while Roost ran.*replies: 1", said[0])
