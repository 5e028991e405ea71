"""Finished run traces, written to the store in the background (newest first kept)."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

from core.automation.trace import Trace
from core.store.traces import Traces

FLUSH_SECONDS = 0.25


class TraceWriter:
    """Gathers finished traces for a moment and writes the newest ``per_automation`` of each.

    Older ones would fall to retention anyway, so they are let go at once instead of written.
    """

    def __init__(self, traces: Traces, per_automation: int) -> None:
        self.traces = traces
        self.per_automation = per_automation
        self._kept: dict[str, collections.deque[Trace]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._writes: set[asyncio.Future[Any]] = set()

    def keep(self, trace: Trace) -> None:
        """Write a finished trace soon."""
        kept = self._kept.get(trace.automation_id)
        if kept is None:
            kept = self._kept[trace.automation_id] = collections.deque(maxlen=self.per_automation)
        kept.append(trace)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        """Submit the gathered traces now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        kept, self._kept = self._kept, {}
        for traces in kept.values():
            for trace in traces:
                write = asyncio.ensure_future(self.traces.add(
                    trace.automation_id, trace.run_id, trace.started, trace.finished, trace.status,
                    trace.as_dict()))
                self._writes.add(write)
                write.add_done_callback(self._writes.discard)

    @property
    def pending(self) -> bool:
        """True while traces wait to be written or are being written."""
        return bool(self._kept or self._writes)

    async def close(self) -> None:
        """Write what is gathered and wait for every write."""
        self.flush()
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
