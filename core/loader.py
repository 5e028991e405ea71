"""Find integrations in their three places, order them by dependency, import them on demand."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.manifest import MANIFEST_FILE, Manifest, Source, read_manifest

_LOGGER = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "roost.integrations"
DROP_IN_PACKAGE = "roost_dropin"
BUILTIN_PACKAGE = "integrations"


@dataclass(slots=True)
class Discovery:
    """Every integration found, by domain, plus the problems met while looking."""

    integrations: dict[str, Manifest] = field(default_factory=dict)
    errors: list[ConfigError] = field(default_factory=list)
    overridden: dict[str, list[Manifest]] = field(default_factory=dict)


def builtin_dir() -> Path:
    """The folder of built-in integrations shipped with Roost."""
    spec = importlib.util.find_spec(BUILTIN_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the built-in integrations package is missing")
    return Path(next(iter(spec.submodule_search_locations)))


def discover(config_dir: Path | None, *, builtins: Path | None = None) -> Discovery:
    """Find integrations: built-in, installed packages, then the config dir (each wins over the last)."""
    found = Discovery()
    for manifest in _scan_folder(builtins or builtin_dir(), BUILTIN_PACKAGE, "builtin", found):
        _add(found, manifest)
    for manifest in _scan_entry_points(found):
        _add(found, manifest)
    if config_dir is not None and (config_dir / "integrations").is_dir():
        for manifest in _scan_folder(config_dir / "integrations", DROP_IN_PACKAGE, "config", found):
            _add(found, manifest)
    return found


def _add(found: Discovery, manifest: Manifest) -> None:
    previous = found.integrations.get(manifest.domain)
    if previous is not None:
        _LOGGER.warning(
            "Integration '%s' from %s (%s) overrides the %s one (%s)",
            manifest.domain, manifest.source, manifest.path, previous.source, previous.path,
        )
        found.overridden.setdefault(manifest.domain, []).append(previous)
    found.integrations[manifest.domain] = manifest


def _scan_folder(folder: Path, package: str, source: Source, found: Discovery) -> Iterable[Manifest]:
    if not folder.is_dir():
        return
    for child in sorted(folder.iterdir()):
        if not child.is_dir() or child.name.startswith(("_", ".")):
            continue
        if not (child / MANIFEST_FILE).is_file():
            if (child / "__init__.py").is_file():
                found.errors.append(ConfigError("integration has no manifest.json", file=str(child)))
            continue
        try:
            yield read_manifest(child, module=f"{package}.{child.name}", source=source)
        except ConfigError as err:
            found.errors.append(err)


def _scan_entry_points(found: Discovery) -> Iterable[Manifest]:
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        where = f"entry point '{entry.name} = {entry.value}'"
        module = entry.module  # "package" or "package:object": the package holds the manifest
        directory = _package_dir(module)
        if directory is None:
            found.errors.append(ConfigError(f"{where}: package '{module}' not found", file=where))
            continue
        try:
            yield read_manifest(directory, module=module, source="package", domain=entry.name)
        except ConfigError as err:
            found.errors.append(err)


def _package_dir(module: str) -> Path | None:
    """Locate a package's folder without running its code."""
    parts = module.split(".")
    spec = importlib.util.find_spec(parts[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    for part in parts[1:]:
        folder = folder / part
    return folder if folder.is_dir() else None


def resolve_order(
    wanted: Iterable[str], available: dict[str, Manifest]
) -> tuple[list[Manifest], dict[str, str]]:
    """Order wanted domains and their dependencies so each comes after what it needs.

    Returns the order and, for each domain that cannot load, why (missing dependency, cycle).
    """
    problems: dict[str, str] = {}
    needed: dict[str, Manifest] = {}
    stack = list(wanted)
    while stack:
        domain = stack.pop()
        if domain in needed or domain in problems:
            continue
        manifest = available.get(domain)
        if manifest is None:
            problems[domain] = f"integration '{domain}' was not found"
            continue
        needed[domain] = manifest
        stack.extend(manifest.dependencies)

    order: list[Manifest] = []
    state: dict[str, str] = {}

    def visit(domain: str, trail: tuple[str, ...]) -> bool:
        if domain in problems:
            return False
        if state.get(domain) == "done":
            return True
        if state.get(domain) == "visiting":
            cycle = " -> ".join(trail[trail.index(domain):] + (domain,))
            for member in trail[trail.index(domain):]:
                problems[member] = f"dependency cycle: {cycle}"
            return False
        state[domain] = "visiting"
        manifest = needed[domain]
        ok = True
        for dep in manifest.dependencies:
            if dep not in needed:
                problems[domain] = f"depends on '{dep}', which is not available"
                ok = False
            elif not visit(dep, trail + (domain,)):
                problems.setdefault(domain, f"depends on '{dep}', which cannot be loaded")
                ok = False
        for dep in manifest.after_dependencies:
            if dep in needed and state.get(dep) != "visiting":
                visit(dep, trail + (domain,))
        state[domain] = "done"
        if ok and domain not in problems:
            order.append(manifest)
        return ok and domain not in problems

    for domain in sorted(needed):
        visit(domain, ())
    return [m for m in order if m.domain not in problems], problems


def import_integration(manifest: Manifest) -> types.ModuleType:
    """Import an integration's code (only done for configured ones)."""
    if manifest.source == "config":
        return _import_drop_in(manifest)
    return importlib.import_module(manifest.module)


def _import_drop_in(manifest: Manifest) -> types.ModuleType:
    if DROP_IN_PACKAGE not in sys.modules:
        package = types.ModuleType(DROP_IN_PACKAGE)
        package.__path__ = []  # a namespace for drop-in integrations
        sys.modules[DROP_IN_PACKAGE] = package
    parent = sys.modules[DROP_IN_PACKAGE]
    folder = str(manifest.path.parent)
    if folder not in parent.__path__:
        parent.__path__.append(folder)
    name = manifest.module
    existing = sys.modules.get(name)
    if existing is not None and Path(getattr(existing, "__file__", "")).parent == manifest.path:
        return existing
    init = manifest.path / "__init__.py"
    if not init.is_file():
        raise ConfigError("integration folder has no __init__.py", file=str(manifest.path))
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(manifest.path)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def config_schema(module: Any) -> Any:
    """The integration's CONFIG_SCHEMA, or None when it takes no configuration."""
    return getattr(module, "CONFIG_SCHEMA", None)
