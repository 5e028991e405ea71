"""Pacer: turns per key, taken before the wait and counted from the last arrival; keys let go once passed."""

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


async def test_a_send_that_took_long_to_arrive_does_not_bring_the_next_turn_closer() -> None:
    pacer = Pacer()
    await pacer.slot("a", 0.2)  # the turn after this one: 0.2 s from the slot
    time.sleep(0.15)  # the message takes 0.15 s to arrive
    pacer.went("a", 0.2)
    assert pacer.left("a") > 0.15  # 0.2 s from its arrival, not 0.05 s from now
    pacer.hold("b", time.monotonic() + 5)  # Telegram said "retry after 5 s"
    pacer.went("b", 0.2)
    assert pacer.left("b") > 4.5  # never shortened
