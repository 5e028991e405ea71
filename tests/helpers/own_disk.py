"""A disk of a test's own, to fill or remount: a tmpfs mounted in a user and mount namespace (``unshare -rm``), which
any user may make, and which goes with the namespace."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.configdir import ROOST, write_config

CONFIG = """
roost: {log_level: info}
http: {port: 0}
automations: []
"""


def require_own_disk() -> None:
    """Skip the test where no user may make a mount namespace."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"], check=False).returncode:
        pytest.skip("this system lets no user make a mount namespace (unshare -rm), so no disk of its own can be made")


def kept_store(folder: Path) -> Path:
    """A configuration directory whose store holds an access token named "kept" (`roost token list` shows whether
    the store opens whole)."""
    source = write_config(folder, CONFIG)
    source.chmod(0o700)
    made = subprocess.run([str(ROOST), "token", "create", "kept", "--config", str(source)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert made.returncode == 0, made.stderr
    return source


def on_own_disk(script: str, **env: str) -> str:
    """Run a shell script in a namespace of its own (it mounts its disk), with env and ROOST (the roost command) set;
    what it printed."""
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ROOST": str(ROOST), **env}, check=False)
    return done.stdout + done.stderr
