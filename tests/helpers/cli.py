"""The `roost` command line as a person would type it: in the test's own process, or a `roost run` beside it."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
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


@contextlib.contextmanager
def holding_the_lock(directory: Path) -> Iterator[subprocess.Popen[str]]:
    """A process that holds directory's instance lock as a running Roost does, and handles no signal (as a Roost
    from before `roost reload` did not); killed after."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, time
        fd = os.open({str(directory / "roost.lock")!r}, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)  # as Roost does: a longer pid written there before would leave its last digits
        os.write(fd, str(os.getpid()).encode())
        print("held", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()
