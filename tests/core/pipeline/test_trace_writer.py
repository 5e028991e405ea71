"""The trace writer: the newest traces of each automation written a moment after they finish."""

from __future__ import annotations

import asyncio
from typing import Any

from core.automation.trace import Trace
from core.pipeline.traces import BUSY_FLUSH_SECONDS, FLUSH_SECONDS, SLICE, SLICE_GAP, TraceWriter


class _Store:
    """Records what the writer adds (the store's Traces.add)."""

    def __init__(self) -> None:
        self.added: list[str] = []

    async def add(self, automation_id: str, run_id: str, *args: Any) -> int:
        self.added.append(run_id)
        return len(self.added)


def _finished(run_id: str) -> Trace:
    trace = Trace("reply", run_id, {"text": run_id})
    trace.finish("finished")
    return trace


async def test_the_newest_are_written_and_a_busy_window_makes_the_next_wait_longer() -> None:
    store = _Store()
    writer = TraceWriter(store, per_automation=2)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    writer.keep(_finished("r1"))
    assert writer._timer is not None and abs(writer._timer.when() - loop.time() - FLUSH_SECONDS) < 0.05
    for run in ("r2", "r3"):
        writer.keep(_finished(run))
    await writer.close()
    assert store.added == ["r2", "r3"], "r1 was let go: retention keeps the newest two"

    writer.keep(_finished("r4"))  # the window before let a trace go: under such a load, wait longer
    assert writer._timer is not None and abs(writer._timer.when() - loop.time() - BUSY_FLUSH_SECONDS) < 0.05
    await writer.close()
    writer.keep(_finished("r5"))  # that window let none go: back to the short wait
    assert writer._timer is not None and abs(writer._timer.when() - loop.time() - FLUSH_SECONDS) < 0.05
    await writer.close()
    assert store.added == ["r2", "r3", "r4", "r5"]


async def test_a_flush_sends_its_traces_a_slice_at_a_time_and_close_sends_the_rest_at_once() -> None:
    """A flush holds the event loop for one slice, not for every trace: the next slice comes SLICE_GAP later."""
    store = _Store()
    writer = TraceWriter(store, per_automation=100)  # type: ignore[arg-type]
    runs = [f"r{n}" for n in range(2 * SLICE + 3)]
    for run in runs:
        writer.keep(_finished(run))
    writer.flush()
    await asyncio.sleep(0)  # the slice's writes run in this turn, before any timer is looked at
    assert store.added == runs[:SLICE]
    assert writer.pending
    await asyncio.sleep(SLICE_GAP * 1.5)
    assert store.added == runs[: 2 * SLICE]
    await writer.close()  # shutting down: what is left goes now
    assert store.added == runs
    assert not writer.pending
