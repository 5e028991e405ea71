"""Automation runs as durable task payloads: what is needed to run them again after a crash."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from core.automation.trace import Trace
from core.message import Message

if TYPE_CHECKING:
    from core.automation.engine import AutomationEngine, RunRequest

RUN_TASK = "automation_run"


def encode_run(request: RunRequest) -> bytes:
    """The payload of an automation-run task."""
    message = request.message
    return orjson.dumps({
        "automation_id": request.automation.id,
        "run_id": request.run_id,
        "trigger": request.trigger,
        "conditions": request.trace.conditions,
        "message": None if message is None else {**message.as_dict(), "raw": jsonable(message.raw)},
    }, default=str)


def decode_run(payload: bytes, engine: AutomationEngine) -> RunRequest | None:
    """Rebuild a run request; None when its automation no longer exists."""
    from core.automation.engine import RunRequest

    data = orjson.loads(payload)
    automation = engine.automations.get(data["automation_id"])
    if automation is None:
        return None
    message = None
    if data.get("message"):
        m = data["message"]
        message = Message(
            platform=m["platform"], chat_id=m["chat_id"], sender=m["sender"], text=m["text"],
            id=m["id"], time=m["time"], reply_to=m.get("reply_to"), mentions_bot=m.get("mentions_bot", False),
            command=m.get("command"), args=tuple(m.get("args") or ()), raw=m.get("raw"),
        )
    trace = Trace(automation.id, data["run_id"], {k: v for k, v in data["trigger"].items()
                                                  if isinstance(v, str | int | float | bool)},
                  priority=automation.priority, scrub=engine.gateway.scrub)
    for description, passed in data.get("conditions", []):
        trace.condition(description, passed)
    return RunRequest(automation, data["trigger"], trace, message, data["run_id"])


def jsonable(value: Any) -> Any:
    """The value when it can be stored as JSON, else None."""
    try:
        orjson.dumps(value)
    except TypeError:
        return None
    return value
