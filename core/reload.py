"""Reloading the configuration's automations while Roost runs: `roost reload`, SIGUSR1, `systemctl reload`.

configuration.yaml is read again and its automations (with the blueprints they use) compiled; only
when every one compiles do they take the place of the running ones, so a mistake leaves Roost as it
was. What else changed in the file waits for the next start, as the log and the outcome say. The
outcome is kept in the store, where `roost reload` (another process) reads it.
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
from core.config import load_config
from core.errors import ConfigError, ConfigErrors

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
                   list(value.get("errors", [])), list(value.get("restart_for", [])))


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
        raw, automations, errors = await asyncio.to_thread(_compile, gateway)
    except ConfigErrors as err:  # the file itself: a section of the wrong shape
        raw, automations, errors = None, [], list(err.errors)
    except ConfigError as err:  # YAML that does not parse
        raw, automations, errors = None, [], [err]
    except OSError as err:
        raw, automations, errors = None, [], [ConfigError(f"cannot read it: {err.strerror or err}",
                                                          file=str(gateway.config.file))]
    outcome = ReloadOutcome(time.time(), errors=[str(error) for error in errors])
    if raw is not None and not errors:
        outcome.changes = gateway.engine.replace_configured(automations)
        gateway.config.raw["automations"] = raw.get("automations")
        gateway.pipeline.automations_changed()
    if raw is not None:
        started = gateway.config.raw  # a section that is empty both times is no change (`roost chat` adds console:)
        outcome.restart_for = [key for key in {**started, **raw} if key != "automations"
                               and (started.get(key) or raw.get(key)) and started.get(key) != raw.get(key)]
    for level, line in outcome.lines():
        _LOGGER.log(level, "Reload: %s" if level == logging.ERROR else "%s", line)
    await gateway.storage(STATE_DOMAIN).set(STATE_KEY, asdict(outcome))
    return outcome


def _compile(gateway: Gateway) -> tuple[dict[str, Any], list[Automation], list[ConfigError]]:
    """configuration.yaml as written now, its automations compiled, and their errors (in a worker thread)."""
    config = load_config(gateway.config_dir)
    automations, errors = gateway.engine.compile_configured(config.automations, config.blueprint_search())
    return config.raw, automations, errors
