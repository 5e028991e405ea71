"""Finished run traces, written to the store in the background (newest first kept)."""

from __future__ import annotations

import asyncio
import collections
import logging
from typing import Any

from core.automation.trace import Trace
from core.store.traces import Traces

_LOGGER = logging.getLogger(__name__)

FLUSH_SECONDS = 0.25
BUSY_FLUSH_SECONDS = 2.0
"""The wait after a flush that let traces go (more than per_automation of one automation finished in its
window): under such a load what is written is replaced within seconds anyway. Serializing (and scrubbing)
100 traces holds the event loop ~5.5 ms before they are sealed; four flushes a second made the slow tail of
chat replies at 1,200 messages/s offered (p99 12.7-13.6 ms, 9.8-10.8 with this wait; 12,000 messages)."""
SLICE = 8
"""Traces serialized and sealed at a time. All at once, a flush of ~80 traces at 300 messages/s held the event
loop 8.9 ms (median of 31 flushes: a trace costs ~110 us there, its text scrubbed by the pii engine), four
times a second, and nearly every answer slower than 2 ms had waited for one. Slices one right after another
did not help (a message's ~10 loop turns each waited for one); SLICE_GAP apart, the loop's longest stall went
13.7 -> 3.3-4.5 ms and the p99 at 300 messages/s 15.5-17.3 -> 6.8-10.6 ms (roost run, ABBA, 4 runs each)."""
SLICE_GAP = 0.01
"""Seconds between slices, for the messages in flight to move on (80 traces are sent in ~0.1 s)."""


class TraceWriter:
    """Gathers finished traces for a moment and writes the newest ``per_automation`` of each.

    Older ones would fall to retention anyway, so they are let go at once instead of written.
    """

    def __init__(self, traces: Traces, per_automation: int) -> None:
        self.traces = traces
        self.per_automation = per_automation
        self._kept: dict[str, collections.deque[Trace]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._unsent: collections.deque[Trace] = collections.deque()  # flushed, not yet sent (see SLICE)
        self._sending: asyncio.TimerHandle | None = None
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
        """Send the gathered traces to be written, SLICE at a time, SLICE_GAP apart."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        kept, self._kept = self._kept, {}
        self._wait, self._let_go = BUSY_FLUSH_SECONDS if self._let_go else FLUSH_SECONDS, False
        for traces in kept.values():
            self._unsent.extend(traces)
        if self._unsent and self._sending is None:
            self._send_slice()

    def _send_slice(self) -> None:
        self._sending = None
        for _ in range(min(SLICE, len(self._unsent))):
            self._send(self._unsent.popleft())
        if self._unsent:
            self._sending = asyncio.get_running_loop().call_later(SLICE_GAP, self._send_slice)

    def _send(self, trace: Trace) -> None:
        write = asyncio.ensure_future(self.traces.add(
            trace.automation_id, trace.run_id, trace.started, trace.finished, trace.status, trace.as_dict()))
        self._writes.add(write)
        write.add_done_callback(self._written)

    def _written(self, write: asyncio.Future[None]) -> None:
        self._writes.discard(write)
        if not write.cancelled() and write.exception() is not None:  # the store logged why (a full disk, ...)
            _LOGGER.debug("A trace was not stored: %s", write.exception())

    @property
    def pending(self) -> bool:
        """True while traces wait to be written or are being written."""
        return bool(self._kept or self._unsent or self._writes)

    async def close(self) -> None:
        """Write what is gathered, all of it now, and wait for every write."""
        self.flush()
        if self._sending is not None:
            self._sending.cancel()
            self._sending = None
        while self._unsent:
            self._send(self._unsent.popleft())
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
