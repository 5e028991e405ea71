"""Finished run traces, written to the store in the background (newest first kept)."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

from core.automation.trace import Trace
from core.store.traces import Traces

FLUSH_SECONDS = 0.25
BUSY_FLUSH_SECONDS = 2.0
"""The wait after a flush that let traces go (more than per_automation of one automation finished in its
window): under such a load what is written is replaced within seconds anyway. Serializing (and scrubbing)
100 traces holds the event loop ~5.5 ms before they are sealed; four flushes a second made the slow tail of
chat replies at 1,200 messages/s offered (p99 12.7-13.6 ms, 9.8-10.8 with this wait; 12,000 messages)."""


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
        self._let_go = False  # a trace was let go since the last flush
        self._wait = FLUSH_SECONDS

    def keep(self, trace: Trace) -> None:
        """Write a finished trace soon."""
        kept = self._kept.get(trace.automation_id)
        if kept is None:
            kept = self._kept[trace.automation_id] = collections.deque(maxlen=self.per_automation)
        elif len(kept) == self.per_automation:
            self._let_go = True
        kept.append(trace)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._wait, self.flush)

    def flush(self) -> None:
        """Submit the gathered traces now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        kept, self._kept = self._kept, {}
        self._wait, self._let_go = BUSY_FLUSH_SECONDS if self._let_go else FLUSH_SECONDS, False
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
