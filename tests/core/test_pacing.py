"""Pacer: turns per key, taken before the wait, and keys let go once their time has passed."""

from __future__ import annotations

import asyncio
import time

from core.pacing import Pacer


async def test_turns_of_one_key_are_spaced_and_other_keys_do_not_wait() -> None:
    pacer, done = Pacer(), []

    async def go(key: str) -> None:
        await pacer.slot(key, 0.1)
        done.append((key, time.monotonic()))

    start = time.monotonic()
    await asyncio.gather(go("a"), go("a"), go("a"), go("b"))
    times = [at - start for key, at in done if key == "a"]
    assert times[1] - times[0] >= 0.095 and times[2] - times[1] >= 0.095  # at once, still a turn each
    [b] = [at - start for key, at in done if key == "b"]
    assert b < 0.09


def test_keys_whose_time_has_passed_are_let_go() -> None:
    pacer = Pacer()
    soon = time.monotonic() + 0.05
    for n in range(1_000):
        pacer.hold(f"chat-{n}", soon)
    assert len(pacer) == 1_000 and 0 < pacer.left("chat-1") <= 0.05
    time.sleep(0.06)
    assert pacer.left("chat-1") == 0.0
    pacer.hold("chat-new", time.monotonic() + 1)
    assert len(pacer) == 1
