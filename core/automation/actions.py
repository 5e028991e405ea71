"""The built-in action types that act: reply, send, event, delay, variables, call."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any

import voluptuous as vol

from core.automation.context import RunContext
from core.automation.registry import ActionType, Compiler
from core.automation.script import BaseStep
from core.automation.templates import Template, compile_value, render_value
from core.errors import PermanentError
from core.validation import did_you_mean

COMMON = {
    vol.Optional("alias"): str,
    vol.Optional("response_variable"): str,
    vol.Optional("continue_on_error"): bool,
    vol.Optional("enabled"): bool,
}
_DURATION = re.compile(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$")
_UNIT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


class ActionError(PermanentError):
    """An action could not do what it was asked (unknown channel, unknown call, ...)."""


def duration(value: Any) -> float:
    """Seconds from 5, "5s", "2m", "01:30", "00:00:05" or {minutes: 1, seconds: 5}."""
    if isinstance(value, bool):
        raise vol.Invalid("expected a duration")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        try:
            return timedelta(**{k: float(v) for k, v in value.items()}).total_seconds()
        except TypeError:
            raise vol.Invalid("expected days, hours, minutes, seconds or milliseconds") from None
    text = str(value)
    match = _UNIT.match(text)
    if match:
        return float(match.group(1)) * _UNITS[match.group(2)]
    match = _DURATION.match(text)
    if match:
        hours, minutes, seconds = match.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    raise vol.Invalid(f"expected a duration like 5, '5s', '2m' or '00:01:30', got {text!r}")


def template_or_duration(value: Any) -> Any:
    """A duration, or a template that renders to one."""
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        return Template(value)
    return duration(value)


class ReplyStep(BaseStep):
    """Answer in the chat the triggering message came from."""

    name = "reply"

    def __init__(self, config: dict[str, Any], _compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        reply = config["reply"]
        self.text = Template(reply if isinstance(reply, str) else reply["text"])

    async def run(self, ctx: RunContext) -> Any:
        """Render the text and send it back to the message's chat."""
        text = self.text.render(ctx.variables).strip()
        message = ctx.message
        if message is None:
            raise ActionError("reply needs a triggering message; use 'send' with a platform and chat")
        if ctx.dry_run:
            return text
        await ctx.out.send(
            message.platform, message.chat_id, text, reply_to=message.id,
            idempotency_key=ctx.idempotency_key(self.path), priority=ctx.priority,
        )
        return text


class SendStep(BaseStep):
    """Send text to any chat on any configured channel."""

    name = "send"

    def __init__(self, config: dict[str, Any], _compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        self.spec = compile_value(dict(config["send"]))

    async def run(self, ctx: RunContext) -> Any:
        """Render platform, chat and text, then send."""
        spec = render_value(self.spec, ctx.variables)
        text = str(spec["text"])
        if ctx.dry_run:
            return text
        await ctx.out.send(
            str(spec["platform"]), str(spec["chat_id"]), text,
            idempotency_key=ctx.idempotency_key(self.path), priority=ctx.priority,
        )
        return text


class EventStep(BaseStep):
    """Fire an event on the bus."""

    name = "event"

    def __init__(self, config: dict[str, Any], _compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        self.event_type = Template(config["event"])
        self.data = compile_value(dict(config.get("event_data", {})))

    async def run(self, ctx: RunContext) -> Any:
        """Fire the event with rendered data."""
        event_type = self.event_type.render(ctx.variables)
        data = render_value(self.data, ctx.variables)
        if not ctx.dry_run:
            ctx.gateway.bus.fire(event_type, data)
        return event_type


class DelayStep(BaseStep):
    """Wait for a while."""

    name = "delay"

    def __init__(self, config: dict[str, Any], _compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        self.delay = config["delay"]

    async def run(self, ctx: RunContext) -> Any:
        """Sleep for the (rendered) duration."""
        seconds = self.delay
        if isinstance(seconds, Template):
            seconds = duration(seconds.render_native(ctx.variables))
        if not ctx.dry_run:
            await asyncio.sleep(seconds)
        return seconds


class VariablesStep(BaseStep):
    """Set variables for the following steps."""

    name = "variables"

    def __init__(self, config: dict[str, Any], _compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        self.values = compile_value(dict(config["variables"]))

    async def run(self, ctx: RunContext) -> Any:
        """Render each value in order (later ones can use earlier ones)."""
        for name, value in self.values.items():
            ctx.variables[name] = render_value(value, ctx.variables)
        return sorted(self.values)


class CallStep(BaseStep):
    """Call an action an integration registered, e.g. system_check.analyze_logs."""

    name = "call"

    def __init__(self, config: dict[str, Any], _compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        self.target = config["call"]
        self.data = compile_value(dict(config.get("data", {})))
        self.name = f"call {self.target}"

    async def run(self, ctx: RunContext) -> Any:
        """Render the data and await the registered handler."""
        handler = ctx.gateway.actions.get(self.target)
        if handler is None:
            raise ActionError(f"no action '{self.target}' is registered{did_you_mean(self.target, ctx.gateway.actions)};"
                              " is its integration configured and set up?")
        data = render_value(self.data, ctx.variables)
        if ctx.dry_run:
            return data
        return await handler(ctx, data)


def _action(name: str, step: type, fields: dict[Any, Any] | None = None, **named: Any) -> ActionType:
    return ActionType(name, vol.Schema({**COMMON, **(fields or {}), **named}), step)


def builtin_action_types() -> dict[str, ActionType]:
    """The action types that act on the world; flow control lives in core.automation.flow."""
    text_or_spec = vol.Any(str, {vol.Required("text"): str})
    return {
        "reply": _action("reply", ReplyStep, reply=text_or_spec),
        "send": _action(
            "send", SendStep,
            send={vol.Required("platform"): str, vol.Required("chat_id"): vol.Coerce(str), vol.Required("text"): str},
        ),
        "event": _action(
            "event", EventStep, {vol.Required("event"): str, vol.Optional("event_data"): dict}
        ),
        "delay": _action("delay", DelayStep, delay=template_or_duration),
        "variables": _action("variables", VariablesStep, variables=dict),
        "call": _action(
            "call", CallStep,
            {vol.Required("call"): vol.Match(r"^[a-z0-9_]+\.[a-z0-9_]+$", msg="expected domain.action"),
             vol.Optional("data"): dict},
        ),
    }
