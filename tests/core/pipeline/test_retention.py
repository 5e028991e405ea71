"""One owner prunes every table on a schedule: history, expired state, dead letters, traces, tasks, replies, messages."""

from __future__ import annotations

import asyncio
import json
import time

from core.pipeline import retention
from tests.core.pipeline.conftest import roost
from tests.helpers.store_full import allow_state, refuse_state

DAY = 86400.0


async def test_every_table_is_pruned_by_its_age_and_roost_queue_stats_says_what_went(
    make_config, make_gateway
) -> None:
    config_dir = make_config("""
store: {writer: thread, history_days: 1, history_turns: 3, dead_letter_days: 2, keep_days: 1}
""")
    gateway = await make_gateway(config_dir)
    store = gateway.store
    await _first_pass(store)  # the pass at start is over: the one below is the test's own
    for n in range(5):
        await store.history.append("test:A", "user", f"turn {n}")
    await store.history.append("test:B", "user", "an old turn")
    await store.db.write(lambda c: c.execute("UPDATE history SET created_at = ? WHERE chat_key = 'test:B'",
                                             (time.time() - 3 * DAY,)))
    pii = gateway.storage("pii")
    await pii.set("vault:test:A", {"[PHONE_1]": "+4917012345"}, expires_at=time.time() - 1)
    await pii.set("vault:test:B", {"[PHONE_1]": "+4917099999"}, expires_at=time.time() + DAY)
    old_letter = await store.outbox.bury(await store.outbox.add("x", "c", "old", "old"), "refused")
    await store.outbox.bury(await store.outbox.add("x", "c", "young", "young"), "refused")
    await store.db.write(lambda c: c.execute("UPDATE dead_letters SET created_at = ? WHERE id = ?",
                                             (time.time() - 3 * DAY, old_letter)))

    removed = await gateway.pipeline.retention.prune()

    assert removed["history"] == 3  # B's turn by age, A's two oldest beyond history_turns
    assert [text for _role, text in await store.history.recent("test:A", 10)] == ["turn 2", "turn 3", "turn 4"]
    assert removed["expired_state"] == 1 and await pii.get("vault:test:B") == {"[PHONE_1]": "+4917099999"}
    assert removed["dead_letters"] == 1 and (await store.dead.stats())["total"] == 1
    await gateway.stop()

    stats = roost("queue", "stats", "--json", "--config", str(config_dir))
    assert stats.returncode == 0, stats.stderr
    last = json.loads(stats.stdout)["last_pruning"]
    assert last["removed"] == removed and time.time() - last["at"] < 60
    text = roost("queue", "stats", "--config", str(config_dir)).stdout
    assert "last pruning:" in text and "3 history" in text and "1 expired_state" in text


async def _first_pass(store) -> dict:
    for _ in range(250):
        record = await store.state.get("roost", "retention")
        if record is not None:
            return record
        await asyncio.sleep(0.02)
    raise AssertionError("retention did not run at start")


async def test_retention_runs_when_roost_starts(make_config, make_gateway) -> None:
    gateway = await make_gateway(make_config("store: {prune_interval: 3600}\n"))
    assert (await _first_pass(gateway.store))["removed"]["tasks"] == 0


async def test_between_full_passes_the_traces_alone_are_trimmed_often(make_config, make_gateway, monkeypatch) -> None:
    # Under load the trace writer stores up to 100 of each automation every 2 s: an hour of them waited for the pass.
    monkeypatch.setattr(retention, "TRACE_SECONDS", 0.05)
    gateway = await make_gateway(make_config("store: {prune_interval: 3600, traces_per_automation: 2}\n"))
    store = gateway.store
    first = await _first_pass(store)
    for n in range(6):
        await store.traces.add("busy", f"r{n}", time.time() + n, None, "finished", {})
    async with asyncio.timeout(5):
        while len(await store.traces.recent(10, automation_id="busy")) > 2:
            await asyncio.sleep(0.02)
    assert [t.run_id for t in await store.traces.recent(10, automation_id="busy")] == ["r5", "r4"]
    assert await store.state.get("roost", "retention") == first, "no full pass: that one waits for prune_interval"



async def test_a_pass_on_a_full_disk_is_one_line_and_the_next_one_runs(make_config, make_gateway, caplog) -> None:
    gateway = await make_gateway(make_config("store: {prune_interval: 1}\n"))
    store = gateway.store
    await _first_pass(store)
    await store.db.write(refuse_state)  # each pass ends at the write that records it
    async with asyncio.timeout(10):
        while not any("Pruning the store failed" in r.getMessage() for r in caplog.records):
            await asyncio.sleep(0.02)
    await store.db.write(allow_state)
    passed = time.time()
    async with asyncio.timeout(10):
        while (await store.state.get("roost", "retention"))["at"] < passed:
            await asyncio.sleep(0.02)
    failed = [r for r in caplog.records if "Pruning the store failed" in r.getMessage()]
    assert "database or disk is full" in failed[0].getMessage()
    assert all(r.exc_info is None for r in failed), "the store says why; no traceback"
