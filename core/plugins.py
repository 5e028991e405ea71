"""Configured integrations as pluggy plugins: imported, configured, their hooks checked and called."""

from __future__ import annotations

import logging
from typing import Any

import pluggy

from core import hookspecs
from core.automation.registry import Compiler
from core.config import CORE_SECTIONS, Config
from core.errors import ConfigError, ConfigErrors
from core.loader import Discovery, config_schema, import_integration, resolve_order
from core.manifest import Manifest
from core.setup import IntegrationState
from core.validation import did_you_mean, validate

_LOGGER = logging.getLogger(__name__)

INVALID_CONFIGURATION = "invalid configuration"
"""The reason of an integration whose section did not validate (the errors themselves are the config errors)."""


def load_integrations(config: Config, discovery: Discovery, manager: pluggy.PluginManager,
                      states: dict[str, IntegrationState], errors: list[ConfigError]) -> list[Manifest]:
    """Import the configured integrations in dependency order, validate their config, register their hooks.

    Fills states (domain -> its state) and errors; returns the manifests ready to be set up.
    """
    available = discovery.integrations
    wanted = []
    for domain in config.integration_domains():
        if domain in available:
            wanted.append(domain)
        else:
            file, line = config.locate(domain)
            errors.append(ConfigError(
                f"unknown section '{domain}'{did_you_mean(str(domain), [*available, *CORE_SECTIONS])}: no integration"
                f" of that name (available: {', '.join(sorted(available)) or 'none'})", file=file, line=line,
            ))
    order, problems = resolve_order(wanted, available)
    for domain, reason in problems.items():
        manifest = available.get(domain)
        if manifest is not None:
            states[domain] = IntegrationState(manifest, "skipped", reason)
        file, line = config.locate(domain)
        errors.append(ConfigError(f"integration '{domain}': {reason}", file=file, line=line))
    ready = []
    for manifest in order:
        state = IntegrationState(manifest)
        states[manifest.domain] = state
        if any(states.get(dep, state).status in ("failed", "skipped")
               for dep in manifest.dependencies):
            state.status, state.reason = "skipped", "a dependency failed to load"
            continue
        try:
            module = import_integration(manifest)
            specs = getattr(module, "HOOKSPECS", None)
            if specs is not None:  # hooks other integrations may implement (they load after it)
                manager.add_hookspecs(specs)
            schema = config_schema(module)
            section = config.section(manifest.domain)
            state.config = (
                validate(schema, section, path=(manifest.domain,), file=str(config.file),
                         line=config.locate(manifest.domain)[1])
                if schema is not None else section
            )
            manager.register(module, name=manifest.domain)
            _check_hooks(manager, manifest.domain, module)
        except ConfigErrors as err:
            state.status, state.reason = "failed", INVALID_CONFIGURATION
            errors.extend(err.errors)
            continue
        except pluggy.PluginValidationError as err:
            state.status, state.reason = "failed", f"invalid hook: {err}"
            errors.append(ConfigError(
                f"integration '{manifest.domain}': {err}", file=str(manifest.path / "__init__.py"),
            ))
            continue
        except SyntaxError as err:  # a located error, not a traceback
            state.status, state.reason = "failed", f"import failed: SyntaxError: {err.msg}"
            errors.append(ConfigError(f"integration '{manifest.domain}': {err.msg}", file=err.filename,
                                      line=err.lineno))
            continue
        except Exception as err:
            state.status, state.reason = "failed", f"import failed: {type(err).__name__}: {err}"
            _LOGGER.exception("Importing integration %s failed", manifest.domain)
            continue
        ready.append(manifest)
    return ready

def _check_hooks(manager: pluggy.PluginManager, domain: str, module: Any) -> None:
    """Refuse an integration that implements a hook Roost does not have (a misspelling)."""
    unknown = [
        impl for caller in manager.get_hookcallers(module) or []
        if caller.spec is None for impl in caller.get_hookimpls() if impl.plugin is module
    ]
    if not unknown:
        return
    manager.unregister(module, name=domain)
    known = sorted(name for name in dir(hookspecs) if name.startswith("roost_"))
    raise ConfigErrors([
        ConfigError(
            f"integration '{domain}': '{impl.function.__name__}' is not a Roost hook"
            + did_you_mean(impl.function.__name__, known) + f"; known hooks: {', '.join(known)}",
            file=impl.function.__code__.co_filename, line=impl.function.__code__.co_firstlineno,
        )
        for impl in unknown
    ])

def collect_types(manager: pluggy.PluginManager, compiler: Compiler, states: dict[str, IntegrationState],
                  errors: list[ConfigError], discovery: Discovery) -> None:
    """Add the trigger, condition and action types every registered plugin brings to the compiler; an
    unknown type is looked for among the integrations that did not load."""
    compiler.elsewhere = lambda registry, name: _unloaded_offering(discovery, manager, states, registry, name)
    for registry, hook in (
        ("triggers", manager.hook.roost_trigger_types),
        ("conditions", manager.hook.roost_condition_types),
        ("actions", manager.hook.roost_action_types),
    ):
        for impl in hook.get_hookimpls():
            try:
                types = impl.function()
                if types:
                    compiler.add_types(registry, types, source=impl.plugin_name)
            except ConfigError as err:
                errors.append(err)
            except Exception as err:  # a broken integration must not stop the others loading
                state = states.get(impl.plugin_name)
                where = str(state.manifest.path) if state is not None else impl.plugin_name
                errors.append(ConfigError(
                    f"{impl.function.__name__} of '{impl.plugin_name}' raised {type(err).__name__}: {err}",
                    file=where,
                ))


def _unloaded_offering(discovery: Discovery, manager: pluggy.PluginManager, states: dict[str, IntegrationState],
                       registry: str, name: str) -> str:
    """A hint naming the integration that would bring the type, if one found but not loaded does ("" if none).

    Only asked when a configuration names a type nobody registered: importing the others is no cost to a start.
    """
    hook = f"roost_{registry[:-1]}_types"
    for domain, manifest in sorted(discovery.integrations.items()):
        if manager.get_plugin(domain) is not None:
            continue
        try:
            offered = getattr(import_integration(manifest), hook, None)
            if offered is None or name not in (offered() or {}):
                continue
        except Exception:  # an integration that does not import offers nothing
            continue
        state = states.get(domain)
        if state is None:
            return f" (it comes with the '{domain}' integration: add '{domain}:' to the configuration)"
        return f" (it comes with the '{domain}' integration, which did not load: {state.reason or state.status})"
    return ""


def call_hook(manager: pluggy.PluginManager, domain: str, name: str, **kwargs: Any) -> Any:
    """Call one integration's implementation of a hook (None when it has none)."""
    plugin = manager.get_plugin(domain)
    if plugin is None:
        return None
    others = [p for p in manager.get_plugins() if p is not plugin]
    caller = manager.subset_hook_caller(name, remove_plugins=others)
    results = caller(**kwargs)
    return results[0] if results else None
