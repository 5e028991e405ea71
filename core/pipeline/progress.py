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

    async def wait(self, timeout: float) -> None:
        """Return at the next step, or after timeout seconds."""
        if self._step is None:
            self._step = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._step.wait(), timeout)
