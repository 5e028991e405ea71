"""Configuration of the knowledge integration: the `knowledge:` section of configuration.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import voluptuous as vol

__all__ = [
    "CONFIG_SCHEMA",
    "DEFAULT_DIRECTORY",
    "DEFAULT_MAX_FILE_MIB",
    "DOMAIN",
    "KNOWLEDGE_SCHEMA",
    "resolve_directory",
]

DOMAIN = "knowledge"
DEFAULT_DIRECTORY = "knowledge"
DEFAULT_MAX_FILE_MIB = 20
"""The largest document read by default: a PDF with pictures is often over 5 MiB."""


def _none_as_empty(value: Any) -> Any:
    """A bare `knowledge:` line (YAML null) means all defaults."""
    return {} if value is None else value


KNOWLEDGE_SCHEMA = vol.All(
    _none_as_empty,
    vol.Schema(
        {
            vol.Optional("directory", default=DEFAULT_DIRECTORY): vol.All(
                str, vol.Length(min=1, msg="directory must be a non-empty path")
            ),
            vol.Optional("top_k", default=3): vol.All(
                int, vol.Range(min=1, max=50, msg="top_k must be between 1 and 50")
            ),
            vol.Optional("max_chars", default=2000): vol.All(
                int, vol.Range(min=100, msg="max_chars must be at least 100")
            ),
            vol.Optional("max_file_mib", default=DEFAULT_MAX_FILE_MIB): vol.All(
                vol.Coerce(float), vol.Range(min=0.001, msg="max_file_mib must be more than 0")
            ),
            vol.Optional("watch", default=False): bool,
            vol.Optional("watch_interval", default=5.0): vol.All(
                vol.Coerce(float),
                vol.Range(min=0.1, msg="watch_interval must be at least 0.1 seconds"),
            ),
        }
    ),
)
"""Schema of the section body: directory (relative to the config dir), top_k, max_chars, max_file_mib (the largest
document read), watch."""

CONFIG_SCHEMA = vol.Schema({vol.Optional(DOMAIN, default={}): KNOWLEDGE_SCHEMA}, extra=vol.ALLOW_EXTRA)
"""Schema of the whole configuration as far as this integration is concerned."""


def resolve_directory(config_dir: str | Path, section: dict[str, Any]) -> Path:
    """The knowledge directory of a validated section; relative paths start at the config dir."""
    directory = Path(section.get("directory", DEFAULT_DIRECTORY)).expanduser()
    return directory if directory.is_absolute() else Path(config_dir) / directory
