"""Runs as durable task payloads, and messages as inbox rows: what is needed to run them again.

A run's message is always in the inbox (the task names its row) and never in the payload. A
message trigger's run is a short array (``COMPACT_RUN``): the trigger variables are rebuilt
from the message. Any other run is an object with the automation, run id, trigger variables
and conditions (and ``message_stored`` when it answers a message).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import orjson

from core.automation.engine import RunRequest
from core.automation.matcher import message_variables
from core.automation.trace import Trace, trace_trigger
from core.message import Message

if TYPE_CHECKING:
    from core.automation.engine import AutomationEngine
    from core.store.inbox import InboxEntry

RUN_TASK = "automation_run"
"""The task kind of an automation run."""
COMPACT_RUN = "m"
"""First item of [kind, automation id, run id, trigger index, match, groups, conditions]."""


def encode_run(request: RunRequest) -> bytes:
    """The payload of a run's task (small: it is written and rewritten with the task row)."""
    message = request.message
    trigger = request.trigger
    conditions = request.trace.conditions
    if message is not None and _is_plain_message_trigger(trigger, message):
        return orjson.dumps([COMPACT_RUN, request.automation.id, request.run_id, trigger["idx"],
                             trigger["match"], trigger["groups"], conditions], default=str)
    data: dict[str, Any] = {"automation_id": request.automation.id, "run_id": request.run_id,
                            "trigger": trigger, "conditions": conditions}
    if message is not None:
        data["message_stored"] = True
    return orjson.dumps(data, default=str)


def _is_plain_message_trigger(trigger: dict[str, Any], message: Message) -> bool:
    """True when the trigger variables are exactly what a message trigger makes of the message."""
    if trigger.get("trigger") != "message":
        return False
    rebuilt = message_variables(message, trigger.get("idx"), trigger.get("match"), trigger.get("groups"))
    return rebuilt == trigger and list(rebuilt) == list(trigger)


def decode_run(payload: bytes, engine: AutomationEngine, message: Message | None = None) -> RunRequest | None:
    """Rebuild a run request; None when its automation no longer exists.

    message: the stored message of the task's inbox row, for a payload that leaves it out.
    """
    data = orjson.loads(payload)
    if isinstance(data, list):
        kind, automation_id, run_id, index, match, groups, conditions = data
        if kind != COMPACT_RUN:
            raise ValueError(f"unknown run payload kind {kind!r}")
        if message is None:
            raise _needs_message()
        trigger = message_variables(message, index, match, groups)
    else:
        automation_id, run_id, trigger = data["automation_id"], data["run_id"], data["trigger"]
        conditions = data.get("conditions", [])
        if not data.get("message_stored"):
            message = None
        elif message is None:
            raise _needs_message()
    automation = engine.automations.get(automation_id)
    if automation is None:
        return None
    trace = Trace(automation.id, run_id, trace_trigger(trigger), priority=automation.priority,
                  scrub=engine.scrub)
    for description, passed in conditions:
        trace.condition(description, passed)
    return RunRequest(automation, trigger, trace, message, run_id)


def _needs_message() -> ValueError:
    return ValueError("this run's payload leaves its message to the inbox; pass the stored message")


def message_extra(message: Message) -> bytes:
    """What the inbox keeps beside a message's text (its raw column): the fields to rebuild it."""
    return orjson.dumps(_extra_fields(message))


def _extra_fields(message: Message) -> dict[str, Any]:
    fields: dict[str, Any] = {"reply_to": message.reply_to, "mentions_bot": message.mentions_bot,
                              "command": message.command, "args": list(message.args)}
    if message.group:
        fields["group"] = True
    raw = message.raw
    if isinstance(raw, bytes | bytearray):
        fields["raw_b64"] = base64.b64encode(raw).decode("ascii")  # kept as the platform sent it
    else:
        fields["raw"] = jsonable(raw)
    return fields


def _raw(fields: dict[str, Any]) -> Any:
    if "raw_b64" in fields:
        return base64.b64decode(fields["raw_b64"])
    return fields.get("raw")


def stored_message(entry: InboxEntry) -> Message:
    """The message an inbox row holds, as it was ingested (see ``message_extra``)."""
    extra = orjson.loads(entry.raw) if entry.raw else {}
    return Message(
        platform=entry.platform, chat_id=entry.chat_id, sender=entry.sender, text=entry.text,
        id=entry.platform_msg_id, time=entry.received_at, reply_to=extra.get("reply_to"),
        mentions_bot=extra.get("mentions_bot", False), group=extra.get("group", False), command=extra.get("command"),
        args=tuple(extra.get("args") or ()), raw=_raw(extra),
    )


def jsonable(value: Any) -> Any:
    """The value when it can be stored as JSON, else None."""
    if value is None:
        return None
    try:
        orjson.dumps(value)
    except TypeError:
        return None
    return value
