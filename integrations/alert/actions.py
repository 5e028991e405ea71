"""The actions blueprints call: alert.broadcast, alert.list, alert.ack, and alert.answer behind "/ack"."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import orjson
import voluptuous as vol

from core.errors import PermanentError
from integrations.alert.config import Target, repeat_minutes, targets
from integrations.alert.messages import listing, summary
from integrations.alert.service import AlertService


def _unset_is_none(value: Any) -> Any:
    """Blueprint inputs left empty arrive as None or "": both mean "use the configuration"."""
    return None if value in (None, "") or value == [] else value


BROADCAST_DATA = vol.Schema({
    vol.Required("text"): vol.All(vol.Coerce(str), vol.Length(min=1, msg="the alert text is empty")),
    vol.Optional("targets"): vol.All(_unset_is_none, vol.Any(None, targets)),
    vol.Optional("repeat_minutes"): vol.All(_unset_is_none, vol.Any(None, repeat_minutes)),
    vol.Optional("max_repeats"): vol.All(_unset_is_none, vol.Any(None, vol.All(vol.Coerce(int), vol.Range(min=0)))),
})
LIST_DATA = vol.Schema({
    vol.Optional("limit", default=10): vol.All(vol.Coerce(int), vol.Range(min=1)),
    vol.Optional("state", default="all"): vol.In(["all", "open", "acknowledged"]),
})
ACK_DATA = vol.Schema({
    vol.Required("id"): vol.All(vol.Coerce(str), vol.Length(min=1)),
    vol.Optional("by"): vol.Any(None, vol.Coerce(str)),
})


def _checked(schema: vol.Schema, data: Any, action: str) -> dict[str, Any]:
    try:
        return schema(dict(data or {}))
    except vol.Invalid as err:
        raise PermanentError(f"{action}: {err}") from None


def _origin(ctx: Any, data: dict[str, Any]) -> str | None:
    """Names one request: the run it came from and what it asked (None outside a run)."""
    run_id = getattr(ctx, "run_id", None)
    if run_id is None:
        return None
    asked = orjson.dumps(  # keys from YAML are str subclasses, which orjson refuses as keys
        {str(k): ([str(t) for t in v] if k == "targets" and v else v) for k, v in data.items()},
        option=orjson.OPT_SORT_KEYS,
    )
    return f"{run_id}:{hashlib.sha256(asked).hexdigest()[:16]}"


class AlertActions:
    """The handlers registered on the gateway (async handler(ctx, data) -> result)."""

    def __init__(self, service: AlertService) -> None:
        self.service = service

    async def broadcast(self, ctx: Any, data: dict[str, Any]) -> dict[str, Any]:
        """alert.broadcast: data text, optional targets, repeat_minutes, max_repeats."""
        checked = _checked(BROADCAST_DATA, data, "alert.broadcast")
        message = getattr(ctx, "message", None)
        alert, failed = await self.service.broadcast(
            checked["text"], targets=checked.get("targets"), repeat_minutes=checked.get("repeat_minutes"),
            max_repeats=checked.get("max_repeats"), origin=_origin(ctx, checked),
            raised_by=f"{message.platform}:{message.sender}" if message is not None else None,
            raised_in=message.chat_key if message is not None else None,
        )
        return {
            "id": alert.id,
            "sent": len(alert.targets) - len(failed),
            "targets": [str(t) for t in alert.targets],
            "failed": failed,
            "repeat_minutes": alert.repeat_seconds / 60.0,
            "max_repeats": alert.max_repeats,
            "summary": summary(alert, failed, self.service.ack_command),
        }

    async def list(self, _ctx: Any, data: dict[str, Any]) -> str:
        """alert.list: data limit (10), state (all | open | acknowledged); a readable list."""
        checked = _checked(LIST_DATA, data, "alert.list")
        alerts = self.service.book.recent(self.service.config["keep"])
        if checked["state"] == "open":
            alerts = [a for a in alerts if not a.acknowledged]
        elif checked["state"] == "acknowledged":
            alerts = [a for a in alerts if a.acknowledged]
        return listing(alerts[: checked["limit"]], time.time())

    async def ack(self, ctx: Any, data: dict[str, Any]) -> str:
        """alert.ack: data id, optional by (default: the sender of the triggering message)."""
        checked = _checked(ACK_DATA, data, "alert.ack")
        message = getattr(ctx, "message", None)
        by = checked.get("by") or (f"{message.platform}:{message.sender}" if message is not None else "unknown")
        chat = Target(message.platform, message.chat_id) if message is not None else None
        alert, done = await self.service.acknowledge(checked["id"], by, from_chat=chat)
        if not done:
            return f"Alert {alert.id} was already acknowledged by {alert.acked_by}."
        return f"Alert {alert.id} acknowledged."

    async def answer(self, ctx: Any, _data: dict[str, Any]) -> str:
        """alert.answer: handle the triggering "/ack [ID]" message; the reply for its chat."""
        message = getattr(ctx, "message", None)
        if message is None:
            raise PermanentError("alert.answer needs a triggering message (an /ack answer)")
        return await self.service.answer(
            message.args, Target(message.platform, message.chat_id), f"{message.platform}:{message.sender}",
        )


def ack_automation(config: dict[str, Any]) -> dict[str, Any]:
    """The automation behind "/ack": a durable run like any other, so an answer stored just
    before a crash is still handled after the restart."""
    return {
        "id": "alert_ack",
        "alias": "Alert acknowledgements",
        "mode": "queued",
        "max": 1000,
        "priority": config["priority"],
        "triggers": [{"trigger": "message", "command": config["ack_command"]}],
        "actions": [
            {"call": "alert.answer", "response_variable": "answer"},
            {"reply": "{{ answer }}"},
        ],
    }
