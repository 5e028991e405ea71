"""The registries of trigger, condition and action types, and the compiler that uses them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import voluptuous as vol

from core.config import REGEX_MAX_TEXT
from core.errors import ConfigError, ConfigErrors
from core.validation import did_you_mean, humanize
from core.yaml_loader import locate


@dataclass(frozen=True, slots=True)
class ConditionType:
    """A condition type: its schema and a factory building a check(variables, gateway) -> bool."""

    name: str
    schema: vol.Schema
    build: Callable[[dict[str, Any], Compiler], Callable[[Mapping[str, Any], Any], bool]]


@dataclass(frozen=True, slots=True)
class ActionType:
    """An action type: the key that selects it, its schema and a factory building a Step."""

    name: str
    schema: vol.Schema
    build: Callable[[dict[str, Any], Compiler, str], Any]


@dataclass(frozen=True, slots=True)
class TriggerType:
    """A trigger type: its schema and attach(config, automation, engine) -> detach callable."""

    name: str
    schema: vol.Schema
    attach: Callable[[dict[str, Any], Any, Any], Callable[[], None] | None]


HOME_ASSISTANT_NAMES = {
    "triggers": {
        "time_pattern": " (Home Assistant's time_pattern is 'trigger: schedule' with 'cron:' or 'every:' in Roost)",
        "time": " (Home Assistant's time trigger is 'trigger: schedule' with 'at:' in Roost)",
        "homeassistant": " (Home Assistant's start event is 'trigger: startup' in Roost)",
    },
}
"""Hints for the names of Home Assistant's types that Roost writes otherwise."""


class Compiler:
    """Turns validated YAML into conditions and steps, with errors located in the file."""

    def __init__(self) -> None:
        self.triggers: dict[str, TriggerType] = {}
        self.conditions: dict[str, ConditionType] = {}
        self.actions: dict[str, ActionType] = {}
        self.regex_max_text = REGEX_MAX_TEXT
        """How much of a text regular expressions see (the first characters); bounds their time."""
        self.elsewhere: Callable[[str, str], str] = lambda _registry, _name: ""
        """A hint naming what would bring a type these registries lack (the plugin loader knows)."""

    def add_types(self, registry: str, types: Mapping[str, Any], *, source: str) -> None:
        """Register types by name; a name registered twice is an error."""
        target: dict[str, Any] = getattr(self, registry)
        for name, item in types.items():
            if name in target:
                raise ConfigError(f"{registry[:-1]} type '{name}' from {source} is already registered")
            target[name] = item

    def unknown(self, registry: str, name: Any) -> str:
        """What to say of a type a registry ("triggers", "conditions", "actions") lacks, with a hint."""
        known = getattr(self, registry)
        if name is None:
            return f"a {registry[:-1]} needs '{registry[:-1]}: TYPE'; known: {', '.join(sorted(known))}"
        hint = (self.elsewhere(registry, str(name)) or HOME_ASSISTANT_NAMES.get(registry, {}).get(str(name))
                or did_you_mean(str(name), known))
        return f"unknown {registry[:-1]} type '{name}'{hint}; known: {', '.join(sorted(known))}"

    def validate(self, schema: vol.Schema, config: Any, path: tuple[Any, ...]) -> Any:
        """Validate one piece of an automation, locating errors at its file and line."""
        try:
            return schema(config)
        except vol.MultipleInvalid as err:
            raise ConfigErrors([humanize(e, config, path=path, schema=schema) for e in err.errors]) from None
        except vol.Invalid as err:
            raise ConfigErrors([humanize(err, config, path=path, schema=schema)]) from None

    def error(self, config: Any, path: tuple[Any, ...], message: str) -> ConfigError:
        """A ConfigError at the location of config."""
        file, line = locate(config, ())
        return ConfigError(message, file=file, line=line, path=path)

    def condition(self, config: Any, path: tuple[Any, ...]) -> Callable[[Mapping[str, Any], Any], bool]:
        """Compile one condition (a dict with `condition:`, or a template string)."""
        if isinstance(config, str):
            config = {"condition": "template", "value_template": config}
        if not isinstance(config, dict) or "condition" not in config:
            raise self.error(config, path, "a condition needs a 'condition:' key or a template string")
        kind = config["condition"]
        ctype = self.conditions.get(kind)
        if ctype is None:
            raise self.error(config, path + ("condition",), self.unknown("conditions", kind))
        return ctype.build(self.validate(ctype.schema, config, path), self)

    def conditions_all(self, configs: Any, path: tuple[Any, ...]) -> list[tuple[str, Callable[..., bool]]]:
        """Compile a list of conditions, each with a short description for traces."""
        if configs is None:
            return []
        if not isinstance(configs, list):
            configs = [configs]
        return [(describe(c), self.condition(c, path + (i,))) for i, c in enumerate(configs)]

    def sequence(self, configs: Any, path: tuple[Any, ...]) -> Any:
        """Compile a list of actions into a Sequence step."""
        from core.automation.script import Sequence

        if configs is None:
            configs = []
        if not isinstance(configs, list):
            configs = [configs]
        return Sequence([self.action(c, path + (i,)) for i, c in enumerate(configs)])

    def action(self, config: Any, path: tuple[Any, ...]) -> Any:
        """Compile one action; its type is the first key that names a registered action type."""
        if not isinstance(config, dict):
            raise self.error(config, path, "an action must be a mapping such as '- reply: text'")
        for key in config:
            atype = self.actions.get(key)
            if atype is not None:
                try:
                    validated = self.validate(atype.schema, config, path)
                    return atype.build(validated, self, ".".join(str(p) for p in path))
                except ConfigError as err:  # a template's syntax error knows its line, not the action's path
                    err.path = err.path or path
                    raise
        keys = [str(key) for key in config]
        if "action" in config or "service" in config:
            hint = (" (Home Assistant's 'action: DOMAIN.SERVICE' is 'call: DOMAIN.SERVICE' in Roost, with the same"
                    " 'data:'; a reply is '- reply: TEXT')")
        else:
            hint = next(filter(None, (self.elsewhere("actions", key) or did_you_mean(key, self.actions)
                                      for key in keys)), "")
        raise self.error(config, path, f"no known action type among keys {', '.join(keys)}{hint}; "
                                       f"known: {', '.join(sorted(self.actions))}")


def describe(config: Any) -> str:
    """A short human description of a condition config."""
    if isinstance(config, str):
        return config
    if isinstance(config, dict):
        kind = config.get("condition", "?")
        rest = ", ".join(f"{k}={v}" for k, v in config.items() if k not in ("condition", "conditions"))
        return f"{kind}({rest})" if rest else str(kind)
    return repr(config)
