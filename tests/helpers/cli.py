"""The `roost` command line as a person would type it: in the test's own process, or a `roost run` beside it."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.cli import main
from integrations.console.visitors import SOCKET_NAME
from tests.helpers.configdir import ROOST


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The exit status of `roost ARGV` (argparse's SystemExit too) and what it printed: (status, out, err)."""
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@contextlib.contextmanager
def running_roost(directory: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`roost run` on directory (a configuration with console:), once its console listens; stopped after."""
    server = subprocess.Popen([str(ROOST), "run", "--config", str(directory)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not (directory / SOCKET_NAME).exists():
            assert time.monotonic() < deadline and server.poll() is None, "Roost did not start"
            time.sleep(0.1)
        yield server
    finally:
        server.terminate()
        server.wait(30)
