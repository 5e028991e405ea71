"""Fixtures for the durable path: config dirs with the load channel drop-in, its platform, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.crypto import NullCipher
from core.store import Store
from tests.fakes.loadchannel.platform import Platform

REPO = Path(__file__).resolve().parents[3]
LOADCHANNEL = REPO / "tests" / "fakes" / "loadchannel"

# mode queued counts runs waiting in the durable queue against max: a load test needs room.
ECHO = """
  - id: echo
    mode: queued
    max: 100000
    triggers:
      - trigger: message
    actions:
      - reply: "re: {{ trigger.text }}"
"""


def install_loadchannel(config_dir: Path) -> Path:
    """Copy the load channel into config_dir/integrations/loadchannel (a drop-in)."""
    target = config_dir / "integrations" / "loadchannel"
    shutil.copytree(LOADCHANNEL, target, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    return target


@dataclass
class LoadSetup:
    """A configuration directory wired to a load platform file."""

    config_dir: Path
    platform_db: Path
    _platform: Platform | None = field(default=None, repr=False)

    @property
    def platform(self) -> Platform:
        """The test's own connection to the platform file."""
        if self._platform is None:
            self._platform = Platform(self.platform_db)
        return self._platform

    def write(self, *, automations: str = ECHO, loadchannel: str = "", extra: str = "",
              log_level: str = "warning") -> Path:
        """Write configuration.yaml: the load channel, automations, and extra top-level YAML."""
        text = textwrap.dedent(f"""\
            roost:
              log_level: {log_level}
              stop_timeout: 5
            loadchannel:
              platform_db: {self.platform_db}
              poll_interval: 0.01
            """)
        if loadchannel.strip():
            text += textwrap.indent(textwrap.dedent(loadchannel).strip() + "\n", "  ")
        if extra.strip():
            text += textwrap.dedent(extra).strip() + "\n"
        if automations.strip():
            text += "automations:\n" + textwrap.dedent(automations).strip("\n") + "\n"
        (self.config_dir / "configuration.yaml").write_text(text, encoding="utf-8")
        return self.config_dir

    def close(self) -> None:
        """Close the test's platform connection."""
        if self._platform is not None:
            self._platform.close()
            self._platform = None


@pytest.fixture
def load_setup(tmp_path: Path) -> Iterator[LoadSetup]:
    """A config dir with the load channel drop-in and an echo automation (rewrite with .write)."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    install_loadchannel(config_dir)
    setup = LoadSetup(config_dir, tmp_path / "platform.db")
    setup.write()
    try:
        yield setup
    finally:
        setup.close()


def roost_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a roost subprocess (this one's, with overrides; None removes)."""
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def roost_command(*args: str) -> list[str]:
    """The command line of `roost ARGS` with this interpreter."""
    return [sys.executable, "-c", "import sys; from core.cli import main; sys.exit(main())", *args]


def roost(*args: str, env: dict[str, str] | None = None, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run one roost command to completion (in the repository, so the checkout is imported)."""
    return subprocess.run(
        roost_command(*args), cwd=REPO, env=env or roost_env(), capture_output=True, text=True,
        timeout=timeout, check=False,
    )


class RunningRoost:
    """A `roost run` subprocess with its output in files."""

    def __init__(self, config_dir: Path, log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        self._out = log.open("ab")
        self.proc = subprocess.Popen(
            roost_command("run", "--config", str(config_dir)), cwd=REPO, env=env or roost_env(),
            stdout=self._out, stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        """Everything it printed so far (all runs logging to the same file)."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float) -> int:
        """Wait for the exit code."""
        try:
            return self.proc.wait(timeout)
        finally:
            self._out.flush()

    def kill(self) -> None:
        """SIGKILL, and reap."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)
        self._out.close()

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, and wait for a clean exit."""
        self.proc.terminate()
        try:
            return self.proc.wait(timeout)
        finally:
            self._out.close()


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.02) -> Any:
    """Poll predicate until it returns something truthy; fail with what after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A store on a real file, unencrypted, with a thread writer: for the pipeline's parts on their own."""
    opened = await Store.open(tmp_path / "roost.db", NullCipher())
    try:
        yield opened
    finally:
        await opened.close()
