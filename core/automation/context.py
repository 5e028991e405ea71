"""What a running automation can see and do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.automation.trace import Trace
from core.message import Message

if TYPE_CHECKING:
    from core.gateway import Gateway


class StopRun(Exception):
    """Raised by the stop action to end a run early (not an error unless error: true)."""

    def __init__(self, reason: str, *, error: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


@dataclass(slots=True)
class RunContext:
    """One run of an automation: its variables, trace, triggering message and the gateway."""

    gateway: Gateway
    automation_id: str
    run_id: str
    variables: dict[str, Any]
    trace: Trace
    message: Message | None = None
    priority: int = 0
    dry_run: bool = False

    def child(self, variables: dict[str, Any]) -> RunContext:
        """A context for a parallel branch: same run, its own variable scope."""
        return RunContext(
            gateway=self.gateway, automation_id=self.automation_id, run_id=self.run_id,
            variables=variables, trace=self.trace, message=self.message,
            priority=self.priority, dry_run=self.dry_run,
        )

    def idempotency_key(self, path: str) -> str:
        """A key naming one side effect of this run, stable across retries of the run."""
        return f"{self.run_id}:{path}"
