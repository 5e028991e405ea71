"""Run modes per automation and chat: single, restart, queued, parallel (with max)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class ModeGate:
    """Decides, per key (a chat), whether a new run starts, waits, replaces or is skipped."""

    def __init__(self, mode: str, max_runs: int) -> None:
        self.mode = mode
        self.max = max_runs
        self._active: dict[str, list[asyncio.Task[Any]]] = {}
        self._queued: dict[str, int] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def running(self, key: str) -> int:
        """How many runs are active for key."""
        return len(self._active.get(key, ()))

    async def run(self, key: str, body: Callable[[], Awaitable[Any]]) -> tuple[str, Any]:
        """Run body under the mode; returns ("ran", result) or ("skipped", reason)."""
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
        if self.mode == "queued":
            if self.running(key) + self._queued.get(key, 0) >= self.max:
                return "skipped", f"{self.max} runs already queued (mode: queued)"
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._queued[key] = self._queued.get(key, 0) + 1
            try:
                await lock.acquire()
            finally:
                self._queued[key] -= 1
            try:
                return "ran", await self._track(key, body)
            finally:
                lock.release()
                if not lock.locked() and not self._queued.get(key):
                    self._locks.pop(key, None)
                    self._queued.pop(key, None)
        return "ran", await self._track(key, body)

    async def _track(self, key: str, body: Callable[[], Awaitable[Any]]) -> Any:
        task = asyncio.current_task()
        assert task is not None
        self._active.setdefault(key, []).append(task)
        try:
            return await body()
        finally:
            remaining = [t for t in self._active.get(key, []) if t is not task]
            if remaining:
                self._active[key] = remaining
            else:
                self._active.pop(key, None)
