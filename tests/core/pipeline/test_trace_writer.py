"""The trace writer: the newest traces of each automation written a moment after they finish."""

from __future__ import annotations

import asyncio
from typing import Any

from core.automation.trace import Trace
from core.pipeline.traces import BUSY_FLUSH_SECONDS, FLUSH_SECONDS, TraceWriter


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
