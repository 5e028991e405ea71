"""What a running automation can see and do."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from core.automation.trace import Trace
from core.message import Message

if TYPE_CHECKING:
    from core.gateway import Gateway


class Output(Protocol):
    """Where a run's replies go (the durable pipeline's per-run reply batch)."""

    async def send(self, platform: str, chat_id: str, text: str, *, idempotency_key: str,
                   priority: int = 0, reply_to: str | None = None) -> str:
        """Queue text for a chat; return its reference."""
        ...

    async def stream(self, platform: str, chat_id: str, chunks: AsyncGenerator[str, None], *,
                     idempotency_key: str, priority: int = 0, reply_to: str | None = None,
                     as_written: bool = True) -> str:
        """Send an answer as it is written (whole, once complete, where it cannot be streamed or not as_written)."""
        ...

    async def already_sent(self, idempotency_key: str) -> bool:
        """True when a reply with this key was sent before (a retried run)."""
        ...


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
    output: Output | None = None
    """Where replies go; None in a dry run."""

    @property
    def out(self) -> Output:
        """The run's output (a dry run has none and sends nothing)."""
        if self.output is None:
            raise RuntimeError("this run has no output (a dry run sends nothing)")
        return self.output

    def child(self, variables: dict[str, Any]) -> RunContext:
        """A context for a parallel branch: same run, its own variable scope."""
        return RunContext(
            gateway=self.gateway, automation_id=self.automation_id, run_id=self.run_id,
            variables=variables, trace=self.trace, message=self.message,
            priority=self.priority, dry_run=self.dry_run, output=self.output,
        )

    def idempotency_key(self, path: str) -> str:
        """A key naming one side effect of this run, stable across retries of the run."""
        return f"{self.run_id}:{path}"
