"""Blueprints: reusable automations with declared inputs, substituted where `!input` stands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import voluptuous as vol

from core.errors import ConfigError, ConfigErrors
from core.validation import did_you_mean, validate
from core.yaml_loader import InputRef, NodeDict, NodeList, load_yaml, locate

_MISSING = object()

INPUT_SCHEMA = vol.Schema(
    vol.Any(
        None,
        {
            vol.Optional("name"): str,
            vol.Optional("description"): str,
            vol.Optional("default"): object,
            vol.Optional("selector"): object,
        },
    )
)
HEADER_SCHEMA = vol.Schema(
    {
        vol.Required("name"): str,
        vol.Optional("description"): str,
        vol.Optional("domain"): vol.In(["automation"]),
        vol.Optional("author"): str,
        vol.Optional("source_url"): str,
        vol.Optional("input", default={}): vol.Any(None, {str: INPUT_SCHEMA}),
    }
)


@dataclass(frozen=True, slots=True)
class Blueprint:
    """A loaded blueprint: its header, its inputs and its body (with !input references)."""

    path: Path
    name: str
    description: str
    inputs: dict[str, dict[str, Any]]
    body: dict[str, Any]

    def required_inputs(self) -> list[str]:
        """Inputs that have no default."""
        return [k for k, spec in self.inputs.items() if "default" not in spec]

    def substitute(self, given: dict[str, Any], *, used_at: tuple[str | None, int | None]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The body with inputs filled in, and the resolved inputs; errors name file and line."""
        errors: list[ConfigError] = []
        unknown = sorted(set(given) - set(self.inputs))
        for name in unknown:
            errors.append(ConfigError(
                f"input '{name}'{did_you_mean(str(name), self.inputs)} is not declared by blueprint {self.path.name}"
                f" (it declares: {', '.join(sorted(self.inputs)) or 'nothing'})",
                file=used_at[0], line=used_at[1], path=("use_blueprint", "input", name),
            ))
        resolved: dict[str, Any] = {}
        for name, spec in self.inputs.items():
            if name in given:
                resolved[name] = given[name]
            elif "default" in spec:
                resolved[name] = spec["default"]
            else:
                errors.append(ConfigError(
                    f"blueprint {self.path} needs input '{name}', which was not given",
                    file=used_at[0], line=used_at[1], path=("use_blueprint", "input"),
                ))
        if errors:
            raise ConfigErrors(errors)
        return _fill(self.body, resolved, self.inputs), resolved


def _fill(node: Any, values: dict[str, Any], declared: dict[str, Any]) -> Any:
    if isinstance(node, InputRef):
        if node.name not in declared:
            raise ConfigError(
                f"!input '{node.name}' is not declared in the blueprint's input section",
                file=node.file, line=node.line,
            )
        return values[node.name]
    if isinstance(node, NodeDict):
        out = NodeDict({k: _fill(v, values, declared) for k, v in node.items()})
        out.file, out.line, out.key_lines = node.file, node.line, node.key_lines
        return out
    if isinstance(node, NodeList):
        out_list = NodeList(_fill(v, values, declared) for v in node)
        out_list.file, out_list.line, out_list.item_lines = node.file, node.line, node.item_lines
        return out_list
    if isinstance(node, dict):
        return {k: _fill(v, values, declared) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, values, declared) for v in node]
    return node


def _check_refs(node: Any, declared: dict[str, Any]) -> list[ConfigError]:
    if isinstance(node, InputRef):
        if node.name not in declared:
            return [ConfigError(
                f"!input '{node.name}' is not declared in the blueprint's input section",
                file=node.file, line=node.line,
            )]
        return []
    items = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    return [e for child in items for e in _check_refs(child, declared)]


def load_blueprint(path: Path) -> Blueprint:
    """Load and check a blueprint file: a valid header and only declared !input references."""
    data = load_yaml(path)
    if not isinstance(data, dict) or "blueprint" not in data:
        file, line = locate(data, ())
        raise ConfigError("a blueprint file needs a 'blueprint:' header", file=file or str(path), line=line)
    header = validate(HEADER_SCHEMA, data["blueprint"], path=("blueprint",), file=str(path))
    inputs = {k: dict(v or {}) for k, v in (header.get("input") or {}).items()}
    body = NodeDict({k: v for k, v in data.items() if k != "blueprint"})
    if isinstance(data, NodeDict):
        body.file, body.line = data.file, data.line
        body.key_lines = {k: v for k, v in data.key_lines.items() if k != "blueprint"}
    errors = _check_refs(body, inputs)
    if errors:
        raise ConfigErrors(errors)
    return Blueprint(path, header["name"], header.get("description", ""), inputs, body)


def find_blueprint(name: str, search: list[Path]) -> Path | None:
    """Find a blueprint by relative path in the search folders (config dir first)."""
    candidate = Path(name)
    if candidate.is_absolute():
        return candidate if candidate.is_file() else None
    for folder in search:
        path = folder / candidate
        if path.is_file():
            return path
    return None


def blueprint_names(search: list[Path]) -> set[str]:
    """The paths, relative to their search folder, of the blueprint files there (what `path:` may name)."""
    return {str(p.relative_to(folder)) for folder in search if folder.is_dir() for p in folder.rglob("*.y*ml")}
