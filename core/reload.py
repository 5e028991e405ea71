"""Reloading the configuration's automations while Roost runs: `roost reload`, SIGUSR1, `systemctl reload`.

configuration.yaml is read again and its automations (with the blueprints they use) compiled; only
when every one compiles do they take the place of the running ones, so a mistake leaves Roost as it
was. Log levels (`roost: log_level`, `log_levels`) change at once too; what else changed in the file
waits for the next start, as the log and the outcome say. The outcome is kept in the store, where
`roost reload` (another process) reads it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from core import systemd
from core.automation.automation import Automation
from core.automation.engine import AutomationChanges
from core.config import Config, load_config
from core.errors import ConfigError, ConfigErrors
from core.logs import set_levels

if TYPE_CHECKING:
    from core.gateway import Gateway

_LOGGER = logging.getLogger(__name__)

RELOAD_SIGNAL = signal.SIGUSR1
"""What `roost reload` and `systemctl reload roost` send (SIGHUP stops Roost: the terminal it ran in closed)."""
STATE_DOMAIN, STATE_KEY = "core", "reload"
"""Where the latest reload's outcome is kept (the store's state)."""


@dataclass(slots=True)
class ReloadOutcome:
    """What a reload did: the automations' changes, or the errors that kept the running ones."""

    finished: float
    changes: AutomationChanges | None = None
    errors: list[str] = field(default_factory=list)
    restart_for: list[str] = field(default_factory=list)
    """Top-level sections that differ from the ones Roost started with: they take effect at the next start."""
    log_levels: list[str] = field(default_factory=list)
    """The log levels changed at once: `log_level debug`, `core.pipeline debug`, `telegram as the rest`."""

    def lines(self) -> list[tuple[int, str]]:
        """The outcome for a person, each line with its log level: the errors, or what changed; what waits."""
        lines = [(logging.ERROR, error) for error in self.errors]
        if self.changes is None:
            lines.append((logging.WARNING, f"Automations not reloaded: {len(self.errors)} error(s);"
                                           " the running ones stay as they were"))
        else:
            changes = self.changes
            said = [f"{name} {', '.join(ids)}" for name, ids in
                    (("added", changes.added), ("changed", changes.changed), ("removed", changes.removed)) if ids]
            lines.append((logging.INFO, f"Automations reloaded: {'; '.join(said) or 'none changed'}"
                                        f" ({changes.unchanged} unchanged)"))
        if self.log_levels:
            lines.append((logging.INFO, f"Log levels now: {'; '.join(self.log_levels)}"))
        if self.restart_for:
            lines.append((logging.WARNING, f"Changes to {', '.join(self.restart_for)} take effect at the next"
                                           " start: a reload reads automations and blueprints only (`roost check`"
                                           " validates the rest)"))
        return lines

    @classmethod
    def from_state(cls, value: dict[str, Any]) -> ReloadOutcome:
        """The outcome as the store keeps it."""
        changes = value.get("changes")
        return cls(value["finished"], None if changes is None else AutomationChanges(**changes),
                   list(value.get("errors", [])), list(value.get("restart_for", [])), list(value.get("log_levels", [])))


class Reloads:
    """Reload requests (signals) taken one at a time: one that comes during a reload makes one more after it."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._running: asyncio.Task[None] | None = None
        self._again = False

    def request(self) -> None:
        """Reload soon (now, or after the reload under way); not while Roost stops."""
        if self._gateway.state != "running":
            _LOGGER.info("Not reloading the automations: Roost is %s", self._gateway.state)
            return
        if self._running is not None and not self._running.done():
            self._again = True
            return
        self._running = self._gateway.create_background_task(self._reload(), "reload automations")

    async def _reload(self) -> None:
        while True:
            self._again = False
            systemd.notify("RELOADING=1", f"MONOTONIC_USEC={time.monotonic_ns() // 1000}")
            try:
                await reload_automations(self._gateway)
            finally:
                systemd.notify("READY=1")
            if not self._again:
                return


async def reload_automations(gateway: Gateway) -> ReloadOutcome:
    """Read the configuration again and run its automations in place of the running ones (unless one is broken)."""
    try:
        config, automations, errors = await asyncio.to_thread(_compile, gateway)
    except ConfigErrors as err:  # the file itself: a section of the wrong shape
        config, automations, errors = None, [], list(err.errors)
    except ConfigError as err:  # YAML that does not parse
        config, automations, errors = None, [], [err]
    except OSError as err:
        config, automations, errors = None, [], [ConfigError(f"cannot read it: {err.strerror or err}",
                                                             file=str(gateway.config.file))]
    outcome = ReloadOutcome(time.time(), errors=[str(error) for error in errors])
    if config is not None and not errors:
        outcome.changes = gateway.engine.replace_configured(automations)
        gateway.config.raw["automations"] = config.raw.get("automations")
        gateway.pipeline.automations_changed()
    if config is not None:
        outcome.log_levels = _apply_log_levels(gateway, config)
        started, raw = _without_log_levels(gateway.config.raw), _without_log_levels(config.raw)
        outcome.restart_for = [key for key in {**started, **raw} if key != "automations"  # empty both times: no
                               and (started.get(key) or raw.get(key)) and started.get(key) != raw.get(key)]  # change
    for level, line in outcome.lines():
        _LOGGER.log(level, "Reload: %s" if level == logging.ERROR else "%s", line)
    await gateway.storage(STATE_DOMAIN).set(STATE_KEY, asdict(outcome))
    return outcome


def _compile(gateway: Gateway) -> tuple[Config, list[Automation], list[ConfigError]]:
    """configuration.yaml as written now, its automations compiled, and their errors (in a worker thread)."""
    config = load_config(gateway.config_dir)
    automations, errors = gateway.engine.compile_configured(config.automations, config.blueprint_search())
    return config, automations, errors


def _apply_log_levels(gateway: Gateway, config: Config) -> list[str]:
    """Set the log levels the file now gives where they differ from the running ones; what was set."""
    running, wanted = gateway.config.core, config.core
    said = []
    if wanted["log_level"] != running["log_level"]:
        logging.getLogger().setLevel(wanted["log_level"].upper())
        said.append(f"log_level {wanted['log_level']}")
    parts = {name: level for name, level in wanted["log_levels"].items() if running["log_levels"].get(name) != level}
    parts.update({name: "notset" for name in running["log_levels"] if name not in wanted["log_levels"]})
    set_levels(parts, {domain: found.module for domain, found in gateway.discovery.integrations.items()})
    said += [f"{name} {'as the rest' if level == 'notset' else level}" for name, level in parts.items()]
    running["log_level"], running["log_levels"] = wanted["log_level"], dict(wanted["log_levels"])
    return said


def _without_log_levels(raw: dict[str, Any]) -> dict[str, Any]:
    """The sections of a configuration as written, the `roost:` one without its log levels (a reload sets them)."""
    roost = raw.get("roost")
    if not isinstance(roost, dict):
        return raw
    return {**raw, "roost": {k: v for k, v in roost.items() if k not in ("log_level", "log_levels")}}
