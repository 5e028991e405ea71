"""The progress signal a caller waiting for its chat's replies sleeps on."""

from __future__ import annotations

import asyncio

from core.pipeline.progress import Progress


async def test_a_step_taken_while_the_waiter_looks_at_the_store_wakes_it_at_once() -> None:
    progress = Progress()
    step = progress.next_step()  # taken before looking
    progress.notify()  # a task ends while the waiter reads the store (its read may predate the end)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await Progress.wait(step, 2.0)
    assert loop.time() - started < 1.0


async def test_without_a_step_the_wait_ends_at_its_timeout_and_a_later_step_has_a_new_event() -> None:
    progress = Progress()
    step = progress.next_step()
    assert progress.next_step() is step  # every waiter of this step shares it
    loop = asyncio.get_running_loop()
    started = loop.time()
    await Progress.wait(step, 0.05)
    assert 0.04 <= loop.time() - started < 1.0 and not step.is_set()
    progress.notify()
    assert step.is_set() and progress.next_step() is not step
