"""The configuration directory: configuration.yaml, validated, with every error located."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import voluptuous as vol

from core.errors import ConfigError, ConfigErrors
from core.validation import validate
from core.yaml_loader import NodeDict, load_yaml, locate

CONFIG_FILE = "configuration.yaml"
DEFAULT_CONFIG_DIR = "~/.roost"
LOG_LEVELS = ("debug", "info", "warning", "error")

REGEX_MAX_TEXT = 4096
"""By default regular expressions see the first 4,096 characters of a text (`roost: regex_max_text`)."""

ROOST_SCHEMA = vol.Schema({
    vol.Optional("name", default="Roost"): str,
    vol.Optional("bot_names", default=["roost"]): vol.All(vol.Any(str, [str]), lambda v: [v] if isinstance(v, str) else list(v)),
    vol.Optional("log_level", default="info"): vol.All(str, vol.Lower, vol.In(LOG_LEVELS)),
    vol.Optional("log_levels", default={}): {str: vol.All(str, vol.Lower, vol.In(LOG_LEVELS))},
    vol.Optional("setup_warn_after", default=10.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("setup_timeout", default=60.0): vol.All(vol.Coerce(float), vol.Range(min=0.1)),
    vol.Optional("stop_timeout", default=10.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("regex_max_text", default=REGEX_MAX_TEXT): vol.All(int, vol.Range(min=1)),
    vol.Optional(
        "failure_reply", default="Sorry, that did not work. (`roost trace {run}` has the details)"
    ): str,
})

# Top-level keys the core owns, with the schema of each; integrations own the rest.
CORE_SECTIONS: dict[str, Any] = {
    "roost": ROOST_SCHEMA,
    "automations": vol.Schema(vol.Any(None, list, msg="expected a list of automations")),
}


@dataclass(slots=True)
class Config:
    """A loaded configuration directory."""

    config_dir: Path
    raw: dict[str, Any]
    core: dict[str, Any] = field(default_factory=lambda: ROOST_SCHEMA({}))
    """The validated `roost:` section (its defaults when there is none)."""

    @property
    def file(self) -> Path:
        """The configuration.yaml path."""
        return self.config_dir / CONFIG_FILE

    @property
    def automations(self) -> list[Any]:
        """The `automations:` list as written."""
        return list(self.raw.get("automations") or [])

    def section(self, key: str) -> Any:
        """A top-level section as written (None becomes an empty mapping)."""
        value = self.raw.get(key)
        return NodeDict() if value is None else value

    def integration_domains(self) -> list[str]:
        """Top-level keys that are not core sections (each should name an integration)."""
        return [k for k in self.raw if k not in CORE_SECTIONS]

    def locate(self, *path: Any) -> tuple[str | None, int | None]:
        """File and line of a key path."""
        return locate(self.raw, path)

    def blueprint_search(self) -> list[Path]:
        """Where use_blueprint paths are looked up: the config dir first, then Roost's own."""
        return [self.config_dir / "blueprints", shipped_blueprints()]


def shipped_blueprints() -> Path:
    """The blueprints shipped with Roost."""
    return Path(__file__).resolve().parent.parent / "blueprints"


def resolve_config_dir(value: str | os.PathLike[str] | None) -> Path:
    """--config, else $ROOST_CONFIG, else ~/.roost."""
    chosen = value or os.environ.get("ROOST_CONFIG") or DEFAULT_CONFIG_DIR
    return Path(chosen).expanduser().resolve()


def load_config(config_dir: Path) -> Config:
    """Load configuration.yaml and validate the core's own sections."""
    file = config_dir / CONFIG_FILE
    if not file.is_file():
        raise ConfigErrors([ConfigError(
            f"no {CONFIG_FILE} here; create one with `roost init {config_dir}`", file=str(file)
        )])
    raw = load_yaml(file, root=config_dir)
    if not isinstance(raw, dict):
        raise ConfigErrors([ConfigError("the configuration must be a mapping of sections", file=str(file), line=1)])
    config = Config(config_dir, raw)
    errors: list[ConfigError] = []
    for key in raw:
        if not isinstance(key, str):
            file_, line = locate(raw, (key,))
            errors.append(ConfigError(f"top-level key {key!r} must be text", file=file_, line=line))
    try:
        config.core = validate(
            ROOST_SCHEMA, raw.get("roost") or {}, path=("roost",), file=str(file),
            line=locate(raw, ("roost",))[1],
        )
    except ConfigErrors as err:
        errors.extend(err.errors)
    try:
        validate(
            CORE_SECTIONS["automations"], raw.get("automations"), path=("automations",),
            file=str(file), line=locate(raw, ("automations",))[1],
        )
    except ConfigErrors as err:
        errors.extend(err.errors)
    if errors:
        raise ConfigErrors(errors)
    return config


def register_core_section(key: str, schema: Any) -> None:
    """Declare a top-level key the core owns (so it is not taken for an integration)."""
    CORE_SECTIONS[key] = schema
