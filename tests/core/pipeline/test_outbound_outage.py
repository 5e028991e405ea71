"""A channel that goes offline: nothing is sent meanwhile, everything arrives once it is back."""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from typing import Any

import pytest

from tests.core.pipeline.conftest import LoadSetup, wait_for

REPLIES = 10_000
CHATS = 50


async def _until(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_offline_channel_holds_ten_thousand_replies_then_sends_each_once_in_order(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    load_setup.write(loadchannel="batch: 2000", extra="scheduler:\n  workers: 64")
    platform = load_setup.platform
    platform.post([(f"chat-{n % CHATS}", "u", f"before-{n}") for n in range(100)])
    gateway = await make_gateway(load_setup.config_dir)
    channel = gateway.data["loadchannel"]
    store = gateway.store
    events: list[tuple[str, str]] = []
    gateway.bus.listen("channel_offline", lambda e: events.append(("offline", e.data["platform"])))
    gateway.bus.listen("channel_online", lambda e: events.append(("online", e.data["platform"])))
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 100, 20, "the first 100 replies")

    # The platform goes away (switched from outside, as another process would).
    platform.set_control("offline", True)
    await asyncio.to_thread(wait_for, lambda: not channel.online, 5, "the channel to notice")
    attempts_before = len(platform.attempts())
    began = time.monotonic()
    platform.post([(f"chat-{n % CHATS}", "u", f"during-{n:05d}") for n in range(REPLIES)])

    async def all_replies_queued() -> bool:
        counts = await store.tasks.counts()
        return counts["done"] == 100 + REPLIES and counts["queued"] == counts["leased"] == 0

    await _until(all_replies_queued, 60, f"{REPLIES} replies to be produced while offline")
    produced = time.monotonic() - began
    assert await store.outbox.pending_count("load") == REPLIES
    await asyncio.sleep(0.3)  # a worker that does not hold would be retrying by now
    during = platform.attempts()[attempts_before:]
    assert len(during) <= 1 and all(a[3] == "offline" for a in during), during
    assert platform.sink_count() == 100

    platform.set_control("offline", False)
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() >= 100 + REPLIES, 60,
                            f"{REPLIES} held replies to arrive")
    drained = time.monotonic() - began - produced
    await gateway.wait_idle()
    print(f"\noutage: {REPLIES} replies produced offline in {produced:.1f} s, delivered in {drained:.1f} s")

    assert ("offline", "load") in events and events[-1] == ("online", "load")
    sink = platform.sink()
    assert len(sink) == 100 + REPLIES
    texts = [row[3] for row in sink]
    assert len(set(texts)) == len(texts)  # none twice
    assert sorted(t for t in texts if t.startswith("re: during-")) == [
        f"re: during-{n:05d}" for n in range(REPLIES)]
    attempts = platform.attempts()
    assert sum(1 for a in attempts if a[3] == "duplicate") == 0
    assert len(attempts) == len(sink) + sum(1 for a in attempts if a[3] == "offline")
    order: dict[str, list[int]] = defaultdict(list)
    for _pid, _key, chat, text, _reply_to in sink:
        if text.startswith("re: during-"):
            order[chat].append(int(re.sub(r"\D", "", text)))
    assert len(order) == CHATS
    for chat, numbers in order.items():
        assert numbers == sorted(numbers), f"{chat} out of order"
    assert await store.outbox.pending_count("load") == 0


async def test_held_replies_go_out_at_the_channels_rate(load_setup: LoadSetup, make_gateway: Any) -> None:
    load_setup.write(loadchannel="rate_limit: 20")
    platform = load_setup.platform
    platform.post([("c1", "u", f"m{n}") for n in range(10)])
    gateway = await make_gateway(load_setup.config_dir)
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 10, 20, "10 replies")
    await gateway.wait_idle()
    times = [a[2] for a in platform.attempts()]
    assert len(times) == 10
    assert times[-1] - times[0] >= 9 / 20 * 0.95  # 20 per second at most
    assert [row[3] for row in platform.sink()] == [f"re: m{n}" for n in range(10)]
