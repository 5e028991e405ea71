"""Finished runs as a test sees them: the traces the engine announces on the bus."""

from __future__ import annotations

from typing import Any

from core.automation.trace import Trace


class FinishedRuns:
    """Collects the trace of every run that ends (``automation_finished`` events), oldest first."""

    def __init__(self, gateway: Any) -> None:
        self.traces: list[Trace] = []
        gateway.bus.listen("automation_finished", lambda event: self.traces.append(event.data["trace"]))

    def recent(self, limit: int, automation_id: str | None = None) -> list[Trace]:
        """The newest traces first (of one automation, if named)."""
        found = [t for t in reversed(self.traces) if automation_id in (None, t.automation_id)]
        return found[:limit]
