"""The hooks an integration can implement; each is called with keyword arguments.

pluggy is synchronous: a hook may return an awaitable, and the core awaits it. An integration
that others may extend declares its own hooks in a module it names ``HOOKSPECS`` (as pii does
for ``roost_recognizers``); the integrations that implement them load after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from core.gateway import Gateway

PROJECT = "roost"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def roost_setup(gateway: Gateway, config: Mapping[str, Any]) -> Any:
    """Set the integration up with its validated config section; may return an awaitable.

    Called once per integration, after its dependencies were set up. Register channels,
    models, sanitizers and actions on the gateway here. Raising marks the integration failed.
    """


@hookspec
def roost_stop(gateway: Gateway) -> Any:
    """Stop the integration (close connections, finish work); may return an awaitable.

    Called once per integration that was set up, in reverse setup order.
    """


@hookspec
def roost_check(config: Mapping[str, Any], storage: Any) -> Any:
    """Problems with the config section a schema cannot see, as a list of messages (may be awaitable).

    Called by `roost check` without starting anything: storage is this integration's stored
    state, read-only (get, keys), empty before the first start.
    """


@hookspec
def roost_doctor(config: Mapping[str, Any], storage: Any, config_dir: Path) -> Any:
    """What `roost doctor` finds for this integration, as a list of core.doctor.Finding (may be awaitable).

    Called without starting Roost: a chat platform makes one cheap API call (does it answer, is the
    token valid), a model backend looks at its files. storage as for roost_check.
    """


@hookspec
def roost_chat_attach(sections: Mapping[str, Any], config_dir: Path) -> Any:
    """`roost chat` while a Roost already runs on this configuration: a coroutine that talks to it from the
    terminal and returns the exit code, or None where the integration offers no way to.

    sections: every configured integration's validated section, by domain. The first answer is taken.
    """


@hookspec
def roost_trigger_types() -> Mapping[str, Any]:
    """Return trigger types this integration adds, by name (see core.automation.triggers)."""


@hookspec
def roost_condition_types() -> Mapping[str, Any]:
    """Return condition types this integration adds, by name (see core.automation.conditions)."""


@hookspec
def roost_action_types() -> Mapping[str, Any]:
    """Return blueprint action types this integration adds, by name (see core.automation.actions)."""


@hookspec
def roost_cli_commands(subparsers: Any) -> None:
    """Add `roost` subcommands (argparse subparsers); set `func` on each to run it.

    Implemented in an integration's `commands.py`, which the CLI imports for every
    built-in or installed integration, configured or not, so the commands work before setup.
    """
