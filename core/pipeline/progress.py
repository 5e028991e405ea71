"""A signal for whoever waits for the pipeline to move: a task ended, a reply went out or was recorded."""

from __future__ import annotations

import asyncio
import contextlib


class Progress:
    """Wakes every waiter at the next step; nothing is kept (a waiter looks at the store again)."""

    __slots__ = ("_step",)

    def __init__(self) -> None:
        self._step: asyncio.Event | None = None

    def notify(self) -> None:
        """Something moved: wake the waiters (free when nobody waits)."""
        step, self._step = self._step, None
        if step is not None:
            step.set()

    def next_step(self) -> asyncio.Event:
        """What the next step sets: take it before looking at the store, so that a step taken while
        looking is not missed (the store read may come from just before it)."""
        if self._step is None:
            self._step = asyncio.Event()
        return self._step

    @staticmethod
    async def wait(step: asyncio.Event, timeout: float) -> None:
        """Return when step is set, or after timeout seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await step.wait()
