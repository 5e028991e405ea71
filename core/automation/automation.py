"""An automation's configuration, inline or from a blueprint, compiled into runnable parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import voluptuous as vol

from core.automation.blueprint import blueprint_names, find_blueprint, load_blueprint
from core.automation.registry import Compiler
from core.automation.script import Sequence
from core.automation.templates import compile_value
from core.errors import ConfigError, ConfigErrors
from core.validation import did_you_mean
from core.yaml_loader import locate

MODES = ("single", "restart", "queued", "parallel")
DEFAULT_MODE = "queued"
DEFAULT_MAX = 10
# A queued run waits in the durable queue; dropping a user's message because 10 others of the
# same chat are waiting would lose it, so queued mode allows a deep queue unless told otherwise.
DEFAULT_QUEUED_MAX = 10_000


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _mappings(example: str) -> vol.All:
    """A list of mappings (one alone is taken as a list of one), at least one, each like example."""
    item = vol.All(dict, msg=f"expected a mapping such as '{example}'")
    return vol.All(_list, vol.Length(min=1, msg=f"at least one is needed, such as '{example}'"), [item])


BODY_SCHEMA = {
    vol.Required("triggers"): _mappings("- trigger: message"),
    vol.Optional("conditions", default=list): vol.All(_list, [vol.Any(dict, str)]),
    vol.Required("actions"): _mappings("- reply: TEXT"),
    vol.Optional("mode", default=DEFAULT_MODE): vol.In(MODES, msg=f"expected one of {', '.join(MODES)}"),
    vol.Optional("max"): vol.All(int, vol.Range(min=1)),
    vol.Optional("priority", default=0): vol.All(int, vol.Range(min=-1000, max=1000)),
    vol.Optional("variables", default=dict): dict,
    vol.Optional("description"): str,
    vol.Optional("lane", default="automation"): str,
}
HEAD = {vol.Required("id"): vol.All(vol.Coerce(str), vol.Match(r"^[\w.-]+$", msg="use letters, digits, _ . -")),
        vol.Optional("alias"): str, vol.Optional("enabled", default=True): bool}
INLINE_SCHEMA = vol.Schema({**HEAD, **BODY_SCHEMA})
USE_SCHEMA = vol.Schema({
    **HEAD,
    vol.Required("use_blueprint"): {vol.Required("path"): str, vol.Optional("input", default=dict): vol.Any(None, dict)},
    vol.Optional("priority"): vol.All(int, vol.Range(min=-1000, max=1000)),
    vol.Optional("mode"): vol.In(MODES),
    vol.Optional("max"): vol.All(int, vol.Range(min=1)),
    vol.Optional("lane"): str,
})


@dataclass(eq=False, slots=True)
class Automation:
    """A compiled automation, ready to attach its triggers and run its actions."""

    id: str
    alias: str
    triggers: list[dict[str, Any]]
    conditions: list[tuple[str, Any]]
    script: Sequence
    mode: str = DEFAULT_MODE
    max: int = DEFAULT_MAX
    priority: int = 0
    variables: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    blueprint: str | None = None
    file: str | None = None
    """The file it is written in; None for one an integration brings (register_automation)."""
    line: int | None = None
    enabled: bool = True
    lane: str = "automation"
    definition: str = ""
    """What it was compiled from, a blueprint's inputs put in: at a reload, the same means unchanged."""

    def trigger_id(self, index: int) -> str:
        """What trigger.id says for the trigger at index: its `id:`, else its index (as Home Assistant has it)."""
        config = self.triggers[index] if 0 <= index < len(self.triggers) else {}
        return str(config.get("id", index))


def compile_automation(
    config: Any, compiler: Compiler, search: list[Path], *, path: tuple[Any, ...] = ()
) -> Automation:
    """Validate and compile one entry of `automations:` (inline or use_blueprint)."""
    if not isinstance(config, dict):
        file, line = locate(config, ())
        raise ConfigError("an automation must be a mapping", file=file, line=line, path=path)
    file, line = locate(config, ())
    blueprint_name: str | None = None
    inputs: dict[str, Any] = {}
    if "use_blueprint" in config:
        head = compiler.validate(USE_SCHEMA, config, path)
        blueprint_name = head["use_blueprint"]["path"]
        found = find_blueprint(blueprint_name, search)
        if found is None:
            where = ", ".join(str(p) for p in search)
            raise ConfigError(
                f"blueprint '{blueprint_name}' not found (looked in {where})"
                f"{did_you_mean(blueprint_name, blueprint_names(search), cutoff=0.75)}",
                file=file, line=locate(config, ("use_blueprint", "path"))[1] or line, path=path + ("use_blueprint", "path"),
            )
        blueprint = load_blueprint(found)
        body, inputs = blueprint.substitute(
            dict(head["use_blueprint"]["input"] or {}), used_at=(file, line)
        )
        for key in ("priority", "mode", "max", "lane"):
            if key in head:
                body[key] = head[key]
        source = body
        merged = compiler.validate(vol.Schema(BODY_SCHEMA), body, ())
        head_values = {k: head[k] for k in ("id", "alias", "enabled") if k in head}
        head_values.setdefault("alias", blueprint.name)
    else:
        merged = compiler.validate(INLINE_SCHEMA, config, path)
        source = config
        head_values = {k: merged[k] for k in ("id", "alias", "enabled") if k in merged}

    errors: list[ConfigError] = []
    triggers: list[dict[str, Any]] = []
    for i, trigger in enumerate(merged["triggers"]):
        trigger_path = path + ("triggers", i)
        kind = trigger.get("trigger")
        ttype = compiler.triggers.get(kind) if isinstance(kind, str) else None
        if ttype is None:
            t_file, t_line = locate(source, ("triggers", i))
            said = compiler.unknown("triggers", kind)
            if kind is None and trigger.get("platform") in compiler.triggers:
                said += f" (Home Assistant's older 'platform: {trigger['platform']}' is 'trigger: {trigger['platform']}')"
            errors.append(ConfigError(said, file=t_file, line=t_line, path=trigger_path + ("trigger",)))
            continue
        try:
            validated = dict(compiler.validate(ttype.schema, trigger, trigger_path))
        except ConfigErrors as err:
            errors.extend(err.errors)
            continue
        validated["_index"] = i
        triggers.append(validated)
    try:
        conditions = compiler.conditions_all(merged["conditions"], path + ("conditions",))
        script = compiler.sequence(merged["actions"], ("actions",))  # the steps' paths, as traces name them
    except (ConfigErrors, ConfigError) as err:
        found = err.errors if isinstance(err, ConfigErrors) else [err]
        if blueprint_name is None:  # said from the configuration's top, as the triggers' errors are
            for error in found:
                if error.path[:1] == ("actions",):
                    error.path = path + error.path
        raise ConfigErrors(errors + found) from None
    if errors:
        raise ConfigErrors(errors)
    return Automation(
        id=head_values["id"], alias=head_values.get("alias") or head_values["id"],
        triggers=triggers, conditions=conditions, script=script, mode=merged["mode"],
        max=merged.get("max") or (DEFAULT_QUEUED_MAX if merged["mode"] == "queued" else DEFAULT_MAX),
        priority=merged["priority"], variables=compile_value(dict(merged["variables"])),
        inputs=inputs, blueprint=blueprint_name, file=file, line=line,
        enabled=head_values.get("enabled", True), lane=merged["lane"], definition=repr((head_values, inputs, merged)),
    )
