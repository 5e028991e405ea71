"""Run modes per automation and chat: single, restart, queued, parallel (with max)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

RESTARTED = "restarted"
CANCELLED = "cancelled"


class ModeGate:
    """Decides, per key (a chat), whether a new run starts, waits, replaces or is skipped.

    Each run's body is a task of its own, so a restart cancels only the replaced body: the
    replaced run ends normally with the outcome "restarted" (and is not run again by a
    scheduler that retries interrupted tasks).
    """

    def __init__(self, mode: str, max_runs: int) -> None:
        self.mode = mode
        self.max = max_runs
        self._active: dict[str, list[asyncio.Task[Any]]] = {}
        self._admitted: dict[str, set[str]] = {}  # queued mode: runs of this process not yet ended
        self._earlier: dict[str, int] = {}  # queued mode: runs queued before this process started
        self._inline: dict[str, set[asyncio.Task[Any]]] = {}  # queued mode: tasks running a body now
        self._cancelled: set[asyncio.Task[Any]] = set()  # bodies cancel() stopped: they end "cancelled"

    def running(self, key: str) -> int:
        """How many runs are active for key."""
        return len(self._active.get(key, ()))

    def admit(self, key: str, run_id: str) -> str | None:
        """Count a queued-mode run from the moment it is triggered; a reason when it must be skipped.

        Runs wait in the durable queue before they reach run(); counting them here (with the
        ones queued before a restart, see count_earlier) is what keeps `max` meaning "runs
        active or waiting" for mode: queued. Other modes decide in run().
        """
        if self.mode != "queued":
            return None
        admitted = self._admitted.setdefault(key, set())
        if run_id not in admitted and len(admitted) + self._earlier.get(key, 0) >= self.max:
            return f"{self.max} runs already queued (mode: queued)"
        admitted.add(run_id)
        return None

    def count_earlier(self, key: str, count: int) -> None:
        """Runs of key that were queued before this process started (they count against max)."""
        if self.mode == "queued" and count > 0:
            self._earlier[key] = self._earlier.get(key, 0) + count

    def release(self, key: str, run_id: str) -> None:
        """A counted run has ended for good, or will not run after all."""
        admitted = self._admitted.get(key)
        if admitted is not None and run_id in admitted:
            admitted.discard(run_id)
            if not admitted:
                del self._admitted[key]
        elif self._earlier.get(key):
            self._earlier[key] -= 1
            if not self._earlier[key]:
                del self._earlier[key]

    async def run(self, key: str, body: Callable[[], Awaitable[Any]]) -> tuple[str, Any]:
        """Run body under the mode: ("ran", result), ("skipped", reason) or ("restarted", reason).

        A queued run runs at once, in this task: the scheduler already runs them one at a time
        per chat, and nothing replaces a queued run (a task of its own per run cost the e2e
        benchmark about 4 % more CPU in the gateway).
        """
        if self.mode == "queued":
            return await self._inline_run(key, body)
        if self.mode == "single" and self.running(key):
            return "skipped", "already running (mode: single)"
        if self.mode == "parallel" and self.running(key) >= self.max:
            return "skipped", f"{self.max} runs already active (mode: parallel)"
        if self.mode == "restart":
            for task in list(self._active.get(key, ())):
                task.cancel()
            while self._active.get(key):
                await asyncio.gather(*self._active[key], return_exceptions=True)
                self._active[key] = [t for t in self._active.get(key, []) if not t.done()]
        return await self._track(key, body)

    def cancel(self, key: str) -> int:
        """Stop the runs active for key now (someone asked to): they end "cancelled" and are not run again."""
        tasks = [*self._active.get(key, ()), *self._inline.get(key, ())]
        for task in tasks:
            self._cancelled.add(task)
            task.cancel()
        return len(tasks)

    async def _inline_run(self, key: str, body: Callable[[], Awaitable[Any]]) -> tuple[str, Any]:
        current = asyncio.current_task()
        assert current is not None
        running = self._inline.setdefault(key, set())
        running.add(current)
        try:
            return "ran", await body()
        except asyncio.CancelledError:
            if current in self._cancelled and current.uncancel() == 0:  # only cancel() stopped it
                return CANCELLED, "cancelled on request"
            raise
        finally:
            running.discard(current)
            if not running:
                self._inline.pop(key, None)
            self._cancelled.discard(current)

    async def _track(self, key: str, body: Callable[[], Awaitable[Any]]) -> tuple[str, Any]:
        current = asyncio.current_task()
        inner = asyncio.ensure_future(body())
        self._active.setdefault(key, []).append(inner)
        try:
            return "ran", await inner
        except asyncio.CancelledError:
            if inner.cancelled() and current is not None and not current.cancelling():
                if inner in self._cancelled:
                    return CANCELLED, "cancelled on request"
                return RESTARTED, "replaced by a newer run (mode: restart)"
            raise
        finally:
            self._cancelled.discard(inner)
            remaining = [t for t in self._active.get(key, []) if t is not inner]
            if remaining:
                self._active[key] = remaining
            else:
                self._active.pop(key, None)
