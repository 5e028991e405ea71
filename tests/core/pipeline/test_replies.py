"""Replies held for their task's completion: never late, never lost, and workers stay within limits."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

from core.message import Message
from tests.core.pipeline.conftest import LoadSetup, wait_for
from tests.helpers import write_integration

AUTOMATIONS = """
  - id: slow
    mode: queued
    triggers:
      - trigger: message
        command: slow
    actions:
      - reply: "first {{ trigger.text }}"
      - delay: 0.6
      - reply: "second {{ trigger.text }}"
  - id: broken
    triggers:
      - trigger: message
        command: broken
    actions:
      - reply: "before the failure"
      - call: nosuch.action
"""


async def test_a_reply_is_not_held_while_its_run_goes_on(load_setup: LoadSetup, make_gateway: Any) -> None:
    load_setup.write(automations=AUTOMATIONS)
    gateway = await make_gateway(load_setup.config_dir)
    platform = load_setup.platform
    started = time.monotonic()
    assert await gateway.ingest(Message.create("load", "c1", "u", "/slow x"))
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() >= 1, 10, "the first reply")
    assert time.monotonic() - started < 0.5  # well before the run ends (0.6 s later)
    assert [row[3] for row in platform.sink()] == ["first /slow x"]
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 2, 10, "the second reply")
    await gateway.wait_idle()
    assert [row[3] for row in platform.sink()] == ["first /slow x", "second /slow x"]
    assert (await gateway.store.tasks.counts())["done"] == 1


async def test_a_run_that_fails_after_replying_keeps_its_reply(load_setup: LoadSetup, make_gateway: Any) -> None:
    load_setup.write(automations=AUTOMATIONS)
    gateway = await make_gateway(load_setup.config_dir)
    platform = load_setup.platform
    assert await gateway.ingest(Message.create("load", "c1", "u", "/broken"))
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 2, 10, "the reply and the notice")
    await gateway.wait_idle()
    letters = await gateway.store.dead.list()
    assert [(d.source, d.attempts) for d in letters] == [("task", 1)]
    assert "nosuch.action" in letters[0].reason
    texts = [row[3] for row in platform.sink()]
    assert texts[0] == "before the failure" and texts[1].startswith("Sorry, that did not work.")
    assert await gateway.store.db.fetchone("SELECT COUNT(*) FROM outbox") == (2,)


PROBE = '''
from __future__ import annotations

import asyncio

from core.hookspecs import hookimpl


@hookimpl
def roost_setup(gateway, config):
    seen = gateway.data.setdefault("probe", {"now": 0, "most": 0})

    async def hold(ctx, data):
        seen["now"] += 1
        seen["most"] = max(seen["most"], seen["now"])
        try:
            await asyncio.sleep(0.1)
        finally:
            seen["now"] -= 1

    gateway.register_action("probe.hold", hold)
'''


async def test_leasing_ahead_keeps_the_worker_limit_and_gives_back_on_stop(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    write_integration(load_setup.config_dir / "integrations", "probe", PROBE, kind="action")
    load_setup.write(extra="""
        probe:
        scheduler:
          workers: 2
    """, automations="""
      - id: wait
        mode: queued
        triggers:
          - trigger: message
        actions:
          - call: probe.hold
          - reply: "done {{ trigger.text }}"
    """)
    gateway = await make_gateway(load_setup.config_dir)
    assert gateway.pipeline.scheduler.lease_ahead_floor == 0  # one priority: leasing ahead is on
    for n in range(8):
        assert await gateway.ingest(Message.create("load", f"c{n}", "u", f"m{n}"))
    await asyncio.to_thread(wait_for, lambda: load_setup.platform.sink_count() >= 2, 10, "first replies")
    await gateway.stop()
    assert gateway.data["probe"]["most"] == 2  # two workers busy, never more
    with sqlite3.connect(load_setup.config_dir / "roost.db") as conn:
        states = dict(conn.execute("SELECT state, COUNT(*) FROM tasks GROUP BY state").fetchall())
    assert states.get("leased", 0) == 0  # what was leased ahead went back to the queue
    assert states.get("queued", 0) > 0

    gateway = await make_gateway(load_setup.config_dir)
    await asyncio.to_thread(wait_for, lambda: load_setup.platform.sink_count() == 8, 20, "all 8 replies")
    await gateway.wait_idle()
    texts = sorted(row[3] for row in load_setup.platform.sink())
    assert texts == sorted(f"done m{n}" for n in range(8))  # each once
    assert gateway.data["probe"]["most"] <= 2
