"""Run requests this process queued, kept for their first attempt so it need not read the store.

A task's first attempt in the process that queued it runs the request it was queued with:
nothing to decrypt, no inbox row to read. The first ``full`` requests are kept whole (about
1.9 KB each with a short message); past that, up to ``lean`` more are kept as their message and
plain payload (about a third of that), rebuilt with ``decode_run`` when they run. Beyond both,
a run is rebuilt from the store (its payload and inbox row), which costs the most: a backlog
larger than the cache is read back from disk rather than held in memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.runs import decode_run

if TYPE_CHECKING:
    from core.automation.engine import AutomationEngine, RunRequest
    from core.message import Message

FULL_RUNS = 10_000
"""Run requests kept whole (the ones queued first while the cache has room)."""
LEAN_RUNS = 40_000
"""Run requests kept as message and payload once FULL_RUNS are held."""


class RunCache:
    """Task id -> the run request it was queued with, until its first attempt takes it."""

    __slots__ = ("full", "lean", "_whole", "_lean")

    def __init__(self, full: int = FULL_RUNS, lean: int = LEAN_RUNS) -> None:
        self.full = full
        self.lean = lean
        self._whole: dict[int, RunRequest] = {}
        self._lean: dict[int, tuple[bytes, Message | None]] = {}

    def keep(self, task_id: int, request: RunRequest, payload: bytes) -> None:
        """Keep a new task's request (payload: its plain stored payload), if there is room."""
        if len(self._whole) < self.full:
            self._whole[task_id] = request
        elif len(self._lean) < self.lean:
            # A copy: bytes made by orjson keep a 4 KB buffer each (measured with orjson 3.13:
            # 4.0 KB of memory per payload held, 0.1 KB per copy).
            self._lean[task_id] = (bytes(memoryview(payload)), request.message)

    def take(self, task_id: int, engine: AutomationEngine) -> RunRequest | None:
        """Remove and return the request kept for this task (None when none is kept)."""
        request = self._whole.pop(task_id, None)
        if request is not None:
            return request
        kept = self._lean.pop(task_id, None)
        if kept is None:
            return None
        return decode_run(kept[0], engine, kept[1])

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._whole or task_id in self._lean

    def __len__(self) -> int:
        return len(self._whole) + len(self._lean)

    def clear(self) -> None:
        """Forget every kept request."""
        self._whole.clear()
        self._lean.clear()
