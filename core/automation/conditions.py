"""The built-in condition types: platform, sender, chat, trigger, regex, time, template, and/or/not."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from datetime import time as dtime
from typing import Any

import voluptuous as vol

from core.automation.redos import nested_repetition
from core.automation.registry import Compiler, ConditionType
from core.automation.templates import Template, TemplateError

Check = Callable[[Mapping[str, Any], Any], bool]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def string_list(value: Any) -> list[str]:
    """Accept one value or a list, always give a list of strings."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def regex(value: Any) -> re.Pattern[str]:
    """Validate and compile a regular expression; refuse one that can take exponential time."""
    try:
        pattern = re.compile(str(value))
    except re.error as err:
        raise vol.Invalid(f"invalid regular expression: {err}") from None
    risk = nested_repetition(pattern)
    if risk is not None:
        raise vol.Invalid(
            f"this pattern can take exponential time on some texts ({risk}, e.g. '(\\s+)+'); repeat the inner"
            " part possessively ('\\s++') or in an atomic group ('(?>\\s+)'), or rewrite it"
        )
    return pattern


def time_of_day(value: Any) -> dtime:
    """Parse HH:MM or HH:MM:SS."""
    try:
        return dtime.fromisoformat(str(value))
    except ValueError:
        raise vol.Invalid("expected a time of day like 08:30 or 08:30:00") from None


def _base(fields: dict[Any, Any] | None = None, **named: Any) -> vol.Schema:
    return vol.Schema({vol.Required("condition"): str, vol.Optional("alias"): str, **(fields or {}), **named})


def _trigger_field(variables: Mapping[str, Any], name: str) -> Any:
    trigger = variables.get("trigger") or {}
    return trigger.get(name)


def _membership(field: str) -> ConditionType:
    def build(config: dict[str, Any], _c: Compiler) -> Check:
        allowed = frozenset(config[field])
        return lambda variables, _gw: str(_trigger_field(variables, field)) in allowed

    return ConditionType(field, _base({vol.Required(field): string_list}), build)


def _build_regex(config: dict[str, Any], compiler: Compiler) -> Check:
    pattern: re.Pattern[str] = config["pattern"]
    source = config["field"]
    limit = compiler.regex_max_text
    return lambda variables, _gw: pattern.search(str(_trigger_field(variables, source) or ""), 0, limit) is not None


def _build_time(config: dict[str, Any], _c: Compiler) -> Check:
    after: dtime | None = config.get("after")
    before: dtime | None = config.get("before")
    days = frozenset(WEEKDAYS.index(d) for d in config.get("weekday", []))

    def check(_variables: Mapping[str, Any], _gw: Any) -> bool:
        now = datetime.now()
        if days and now.weekday() not in days:
            return False
        current = now.time()
        if after and before and after > before:  # the window wraps midnight
            return current >= after or current < before
        if after and current < after:
            return False
        return not (before and current >= before)

    return check


def _build_template(config: dict[str, Any], _c: Compiler) -> Check:
    template = Template(config["value_template"])

    def check(variables: Mapping[str, Any], _gw: Any) -> bool:
        try:
            value = template.render_native(variables)
        except TemplateError:
            return False
        if isinstance(value, str):
            return value.strip().lower() in ("true", "yes", "on", "1")
        return bool(value)

    return check


def _logic(name: str) -> ConditionType:
    def build(config: dict[str, Any], compiler: Compiler) -> Check:
        checks = [c for _d, c in compiler.conditions_all(config["conditions"], (name,))]
        if name == "and":
            return lambda v, gw: all(c(v, gw) for c in checks)
        if name == "or":
            return lambda v, gw: any(c(v, gw) for c in checks)
        return lambda v, gw: not any(c(v, gw) for c in checks)

    return ConditionType(name, _base(conditions=vol.All(list, vol.Length(min=1))), build)


def _build_online(config: dict[str, Any], _c: Compiler) -> Check:
    want = config["state"]
    return lambda _v, gw: bool(getattr(gw, "network_online", True)) is want


def builtin_condition_types() -> dict[str, ConditionType]:
    """The condition types the core ships."""
    return {
        "platform": _membership("platform"),
        "sender": _membership("sender"),
        "chat": ConditionType(
            "chat", _base(chat_id=string_list),
            lambda config, _c: (lambda v, _gw: str(_trigger_field(v, "chat_id")) in frozenset(config["chat_id"])),
        ),
        "trigger": ConditionType(  # Home Assistant's: which trigger started the run, by its id
            "trigger", _base({vol.Required("id"): string_list}),
            lambda config, _c: (lambda v, _gw: str(_trigger_field(v, "id")) in frozenset(config["id"])),
        ),
        "regex": ConditionType(
            "regex",
            _base({vol.Required("pattern"): regex, vol.Optional("field", default="text"): str}),
            _build_regex,
        ),
        "time": ConditionType(
            "time",
            _base({
                vol.Optional("after"): time_of_day,
                vol.Optional("before"): time_of_day,
                vol.Optional("weekday"): vol.All(string_list, [vol.In(WEEKDAYS)]),
            }),
            _build_time,
        ),
        "template": ConditionType("template", _base(value_template=str), _build_template),
        "online": ConditionType(
            "online", _base({vol.Optional("state", default=True): bool}), _build_online,
        ),
        "and": _logic("and"),
        "or": _logic("or"),
        "not": _logic("not"),
    }
