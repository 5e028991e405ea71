"""Automation runs as durable tasks: retried with backoff, buried after max_attempts, by priority."""

from __future__ import annotations

import asyncio
from typing import Any

from core.message import Message
from tests.core.pipeline.conftest import LoadSetup, wait_for
from tests.helpers import write_integration

FLAKY = '''
from __future__ import annotations

import time

from core.errors import TransientError
from core.hookspecs import hookimpl


@hookimpl
def roost_setup(gateway, config):
    calls = gateway.data.setdefault("flaky", [])

    async def fail(ctx, data):
        calls.append((ctx.run_id, time.monotonic()))
        raise TransientError("the service is busy", retry_after=data.get("retry_after"))

    gateway.register_action("flaky.fail", fail)
'''


async def test_transient_action_failures_back_off_then_become_a_dead_letter(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    write_integration(load_setup.config_dir / "integrations", "flaky", FLAKY, kind="action")
    load_setup.write(extra="""
        flaky:
        scheduler:
          max_attempts: 3
          backoff_base: 0.2
          backoff_max: 5
    """, automations="""
      - id: flaky
        triggers:
          - trigger: message
            command: flaky
        actions:
          - call: flaky.fail
      - id: patient
        triggers:
          - trigger: message
            command: patient
        actions:
          - call: flaky.fail
            data:
              retry_after: 0.5
      - id: broken
        triggers:
          - trigger: message
            command: broken
        actions:
          - call: nobody.here
    """)
    gateway = await make_gateway(load_setup.config_dir)
    calls: list[tuple[str, float]] = gateway.data["flaky"]
    for n, text in enumerate(["/flaky", "/patient", "/broken"]):
        assert await gateway.ingest(Message.create("load", f"c{n}", "u", text))

    async def three_letters() -> None:
        while (await gateway.store.dead.stats())["task"] < 3:
            await asyncio.sleep(0.05)

    await asyncio.wait_for(three_letters(), 20)
    runs: dict[str, list[float]] = {}
    for run_id, at in calls:
        runs.setdefault(run_id, []).append(at)
    assert sorted(len(times) for times in runs.values()) == [3, 3]  # max_attempts, then no more
    gaps = sorted(([b - a for a, b in zip(t, t[1:], strict=False)] for t in runs.values()),
                  key=lambda g: g[0])
    backoff, patient = gaps
    assert 0.1 <= backoff[0] and 0.2 <= backoff[1]  # base 0.2 s, doubling, full jitter of half
    assert all(gap >= 0.5 for gap in patient)  # retry_after wins over a shorter backoff

    letters = {letter.kind: letter for letter in await gateway.store.dead.list()}
    assert len(letters) == 1  # all three are automation runs
    reasons = sorted(letter.reason for letter in await gateway.store.dead.list())
    assert sum("gave up after 3 attempts: the service is busy" in r for r in reasons) == 2
    broken = [r for r in reasons if "nobody.here" in r]
    assert len(broken) == 1 and broken[0].startswith("permanent error")
    attempts = sorted(letter.attempts for letter in await gateway.store.dead.list())
    assert attempts == [1, 3, 3]  # the broken one is never retried
    # Each run that failed for good tells its chat once (roost.failure_reply): the broken one at
    # once, the retried ones only when they gave up; no notice for a failure that is retried.
    notices = [row[3] for row in load_setup.platform.sink()]
    assert len(notices) == 3 and all(n.startswith("Sorry, that did not work.") for n in notices)


async def test_higher_priority_runs_before_queued_lower_ones(load_setup: LoadSetup, make_gateway: Any) -> None:
    load_setup.write(extra="""
        scheduler:
          workers: 1
    """, automations="""
      - id: block
        triggers:
          - trigger: message
            command: block
        actions:
          - delay: 0.4
          - reply: "re: {{ trigger.text }}"
      - id: low
        priority: 0
        triggers:
          - trigger: message
            command: low
        actions:
          - reply: "re: {{ trigger.text }}"
      - id: high
        priority: 10
        triggers:
          - trigger: message
            command: high
        actions:
          - reply: "re: {{ trigger.text }}"
    """)
    gateway = await make_gateway(load_setup.config_dir)
    store = gateway.store
    assert await gateway.ingest(Message.create("load", "b", "u", "/block"))

    async def leased() -> None:
        while (await store.tasks.counts())["leased"] < 1:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(leased(), 5)
    for n in range(5):
        assert await gateway.ingest(Message.create("load", f"l{n}", "u", f"/low {n}"))
    assert await gateway.ingest(Message.create("load", "h", "u", "/high"))
    assert (await store.tasks.counts())["queued"] == 6
    platform = load_setup.platform
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 7, 20, "7 replies")
    await gateway.wait_idle()
    # The order the runs wrote their replies (outbox ids are handed out in order).
    text_of = {row[1]: row[3] for row in platform.sink()}
    written = await store.db.fetchall("SELECT idempotency_key FROM outbox ORDER BY id")
    assert [text_of[key] for (key,) in written] == [
        "re: /block", "re: /high", *(f"re: /low {n}" for n in range(5))]


async def test_chats_take_turns_so_a_flood_from_one_chat_holds_up_another_by_one_run(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    load_setup.write(extra="""
        scheduler:
          workers: 1
    """, automations="""
      - id: ask
        triggers:
          - trigger: message
        actions:
          - delay: 0.1
          - reply: "re: {{ trigger.text }}"
    """)
    gateway = await make_gateway(load_setup.config_dir)
    for n in range(4):
        assert await gateway.ingest(Message.create("load", "flood", "u", f"flood {n}"))
    assert await gateway.ingest(Message.create("load", "quiet", "v", "quiet"))
    platform = load_setup.platform
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 5, 20, "5 replies")
    text_of = {row[1]: row[3] for row in platform.sink()}
    written = await gateway.store.db.fetchall("SELECT idempotency_key FROM outbox ORDER BY id")
    # The quiet chat waits for the flood's first run only, not for all four.
    assert [text_of[key] for (key,) in written] == [
        "re: flood 0", "re: quiet", "re: flood 1", "re: flood 2", "re: flood 3"]
