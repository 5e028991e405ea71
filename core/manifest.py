"""Integration manifests: read and validated before any integration code is imported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import orjson

from core.errors import ConfigError

MANIFEST_FILE = "manifest.json"
KINDS = frozenset({"channel", "model", "sanitizer", "action", "knowledge", "other"})
Source = Literal["builtin", "package", "config"]
"""Where an integration was found: shipped with Roost, an installed package, or the config directory."""
_DOMAIN = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d+(\.\d+){0,3}([.-]?[A-Za-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an integration says about itself, plus where it was found."""

    domain: str
    name: str
    kind: str
    path: Path
    module: str
    source: Source
    version: str | None = None
    dependencies: tuple[str, ...] = ()
    after_dependencies: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    documentation: str | None = None
    codeowners: tuple[str, ...] = field(default=())

    @property
    def manifest_file(self) -> Path:
        """The manifest.json this was read from."""
        return self.path / MANIFEST_FILE


def read_manifest(directory: Path, *, module: str, source: Source, domain: str | None = None) -> Manifest:
    """Read and validate directory/manifest.json; domain defaults to the folder name."""
    file = directory / MANIFEST_FILE
    where = str(file)
    try:
        raw = orjson.loads(file.read_bytes())
    except FileNotFoundError:
        raise ConfigError("integration has no manifest.json", file=where) from None
    except orjson.JSONDecodeError as err:
        raise ConfigError(f"manifest is not valid JSON: {err}", file=where) from None
    except OSError as err:
        raise ConfigError(f"cannot read the manifest: {err.strerror or err}", file=where) from None
    if not isinstance(raw, dict):
        raise ConfigError("manifest must be a JSON object", file=where)
    expected = domain or directory.name
    got = raw.get("domain")
    if not isinstance(got, str) or not _DOMAIN.match(got):
        raise ConfigError(
            "'domain' must be lowercase letters, digits and underscores", file=where, path=("domain",)
        )
    if got != expected:
        raise ConfigError(
            f"'domain' is '{got}' but the integration is named '{expected}'; they must be equal",
            file=where, path=("domain",),
        )
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError("'name' is required (a human-readable name)", file=where, path=("name",))
    kind = raw.get("kind", "other")
    if kind not in KINDS:
        raise ConfigError(
            f"'kind' is '{kind}'; expected one of {', '.join(sorted(KINDS))}", file=where, path=("kind",)
        )
    version = raw.get("version")
    if version is not None and (not isinstance(version, str) or not _VERSION.match(version)):
        raise ConfigError(f"'version' '{version}' is not a valid version like 1.0.0", file=where, path=("version",))
    if version is None and source != "builtin":
        raise ConfigError(
            "'version' is required for integrations that are not built in", file=where, path=("version",)
        )
    lists = {key: _string_list(raw, key, where) for key in
             ("dependencies", "after_dependencies", "requirements", "codeowners")}
    if got in lists["dependencies"] or got in lists["after_dependencies"]:
        raise ConfigError("an integration cannot depend on itself", file=where, path=("dependencies",))
    documentation = raw.get("documentation")
    return Manifest(
        domain=got, name=name, kind=kind, path=directory, module=module, source=source,
        version=version, documentation=documentation if isinstance(documentation, str) else None,
        dependencies=lists["dependencies"], after_dependencies=lists["after_dependencies"],
        requirements=lists["requirements"], codeowners=lists["codeowners"],
    )


def _string_list(raw: dict, key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of strings", file=where, path=(key,))
    return tuple(value)
