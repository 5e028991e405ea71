"""`roost reload`: the running Roost reads its automations and blueprints again, and says what changed."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from core.cli.common import add_config_arg, config_dir, open_config_store
from core.cli.processes import handles_signal
from core.reload import RELOAD_SIGNAL, STATE_DOMAIN, STATE_KEY, ReloadOutcome
from core.store.open import InstanceLock

WAIT_SECONDS = 30.0
"""How long `roost reload` waits for the running Roost's outcome (a reload takes well under a second)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add reload."""
    reload = sub.add_parser("reload", help="make the running Roost read its automations and blueprints again"
                                           " (a broken one leaves the running ones as they are)")
    add_config_arg(reload)
    reload.set_defaults(func=cmd_reload)


def cmd_reload(args: argparse.Namespace) -> int:
    """Ask the Roost running on the configuration to reload its automations; print its outcome."""
    directory = config_dir(args)
    holder = InstanceLock(directory).holder()
    if holder is None:
        print(f"roost reload: no Roost is running on {directory}; `roost check --config {directory}` checks the"
              " configuration, and `roost run` starts it", file=sys.stderr)
        return 1
    if not holder.isdigit():
        print(f"roost reload: a Roost holds {directory} but did not write its process id there", file=sys.stderr)
        return 1
    return asyncio.run(_reload(directory, int(holder)))


async def _reload(directory: Path, pid: int) -> int:
    if not handles_signal(pid, RELOAD_SIGNAL):
        print(f"roost reload: Roost (pid {pid}) does not take reload requests: it is still starting, or it was"
              " started by a Roost from before `roost reload`; restart it to load the automations", file=sys.stderr)
        return 1
    store = await open_config_store(directory, exclusive=None)
    try:
        state = store.state.of(STATE_DOMAIN)
        asked = time.time()
        try:
            os.kill(pid, RELOAD_SIGNAL)
        except PermissionError:
            print(f"roost reload: Roost (pid {pid}) runs as another user: run this as that user, or with sudo",
                  file=sys.stderr)
            return 1
        except ProcessLookupError:
            print(f"roost reload: Roost (pid {pid}) has stopped", file=sys.stderr)
            return 1
        while (value := await state.get(STATE_KEY)) is None or value["finished"] < asked:
            if time.time() - asked > WAIT_SECONDS:
                print(f"roost reload: Roost (pid {pid}) said nothing in {WAIT_SECONDS:.0f} s; its log says why"
                      " (is it stopping?)", file=sys.stderr)
                return 1
            await asyncio.sleep(0.05)
    finally:
        await store.close()
    outcome = ReloadOutcome.from_state(value)
    for _level, line in outcome.lines():
        print(line, file=sys.stderr if outcome.errors else sys.stdout)
    return 1 if outcome.errors else 0
