"""Run traces: the trigger, each condition's result, each action with its result, error and time."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Scrub = Callable[[str], str]


def _identity(text: str) -> str:
    return text


_TRACED = ("trigger", "idx", "platform", "chat_id", "sender", "text", "command", "event_type", "message_id")
_NAMES = frozenset({"trigger", "idx", "platform", "event_type"})
"""Trigger variables that name parts of Roost itself (trigger kinds, integration domains, event types), never
anyone's data: not scrubbed. Each scrub is a pass of every sanitizer: a reply's trace took 76 us to serialize
with them scrubbed, 55 without (pii on), and the trace writer serializes up to 100 at a time on the event loop."""


def trace_trigger(trigger: dict[str, Any]) -> dict[str, Any]:
    """The trigger variables a trace records (not the whole message, nor the raw payload)."""
    return {k: trigger[k] for k in _TRACED if k in trigger}


@dataclass(slots=True)
class StepRecord:
    """One action step of a run."""

    path: str
    action: str
    started: float
    duration: float = 0.0
    result: Any = None
    error: str | None = None


@dataclass(slots=True)
class Trace:
    """Everything that happened in one automation run."""

    automation_id: str
    run_id: str
    trigger: dict[str, Any]
    started: float = field(default_factory=time.time)
    finished: float | None = None
    status: str = "running"
    conditions: list[tuple[str, bool]] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    error: str | None = None
    error_code: str | None = None
    """The failure's kind, when the error named one (RoostError.code)."""
    priority: int = 0
    notes: list[str] = field(default_factory=list)
    scrub: Scrub = _identity

    def condition(self, description: str, passed: bool) -> None:
        """Record a condition and whether it passed."""
        self.conditions.append((description, passed))

    def note(self, text: str) -> None:
        """Record something a reader of the trace should know (e.g. text matched on a prefix)."""
        self.notes.append(text)

    def step(self, path: str, action: str) -> StepRecord:
        """Start recording an action step."""
        record = StepRecord(path=path, action=action, started=time.time())
        self.steps.append(record)
        return record

    def finish(self, status: str, error: str | None = None, code: str | None = None) -> None:
        """Close the trace with a status: finished, stopped, failed, cancelled, skipped; the error and its kind."""
        self.finished = time.time()
        self.status = status
        self.error = self.scrub(error) if error else None
        self.error_code = code

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able view, with message text scrubbed."""
        return {
            "automation_id": self.automation_id,
            "run_id": self.run_id,
            "status": self.status,
            "priority": self.priority,
            "started": self.started,
            "finished": self.finished,
            "trigger": {k: self.scrub(v) if isinstance(v, str) and k not in _NAMES else v
                        for k, v in self.trigger.items()},
            "conditions": [{"condition": c, "passed": p} for c, p in self.conditions],
            "steps": [
                {
                    "path": s.path, "action": s.action, "duration": round(s.duration, 6),
                    "result": _summarise(s.result, self.scrub), "error": self.scrub(s.error) if s.error else None,
                }
                for s in self.steps
            ],
            "error": self.error,
            "error_code": self.error_code,
            "notes": list(self.notes),
        }


def _summarise(value: Any, scrub: Scrub) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else repr(value)
    text = scrub(text)
    return text if len(text) <= 500 else text[:497] + "..."
