"""Choosing the event loop: uvloop when installed, asyncio's own on request or as a fallback."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from core import eventloop
from core.config import load_config
from core.errors import ConfigErrors

ROOT = Path(__file__).resolve().parents[2]
# Runs a snippet in a fresh interpreter where `import uvloop` fails, as on a machine without it.
WITHOUT_UVLOOP = "import sys; sys.modules['uvloop'] = None\n"


async def _loop_name_and(value: int) -> tuple[str, int]:
    await asyncio.sleep(0)
    return eventloop.running_loop_name(), value


def test_auto_runs_on_uvloop_when_it_is_installed() -> None:
    assert eventloop.uvloop_available()
    assert eventloop.chosen_loop("auto") == "uvloop"
    assert eventloop.run(_loop_name_and(7), "auto") == ("uvloop", 7)


def test_asyncio_setting_runs_on_asyncio_own_loop() -> None:
    assert eventloop.chosen_loop("asyncio") == "asyncio"
    assert eventloop.run(_loop_name_and(3), "asyncio") == ("asyncio", 3)


def test_unknown_setting_is_refused_by_name() -> None:
    with pytest.raises(eventloop.EventLoopError, match="'tokio'.*auto, uvloop, asyncio"):
        eventloop.chosen_loop("tokio")


def _without_uvloop(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_UVLOOP + code, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def test_without_uvloop_auto_falls_back_and_uvloop_is_a_clear_error() -> None:
    done = _without_uvloop(
        "from core import eventloop\n"
        "print(eventloop.chosen_loop('auto'))\n"
        "try:\n"
        "    eventloop.chosen_loop('uvloop')\n"
        "except eventloop.EventLoopError as exc:\n"
        "    print(exc)\n"
    )
    assert done.returncode == 0, done.stderr
    fallback, error = done.stdout.splitlines()
    assert fallback == "asyncio"
    assert "uvloop is not installed" in error


def test_roost_run_with_uvloop_missing_exits_with_the_setting_named(make_config) -> None:
    config_dir = make_config("roost:\n  event_loop: uvloop\n")
    done = _without_uvloop(
        "from core.cli import main\nsys.exit(main(['run', '--config', sys.argv[1]]))\n", str(config_dir)
    )
    assert done.returncode == 1
    assert "configuration.yaml: roost.event_loop:" in done.stderr
    assert "uvloop is not installed" in done.stderr


def test_event_loop_setting_is_validated(make_config) -> None:
    assert load_config(make_config("roost:\n  event_loop: AsyncIO\n")).core["event_loop"] == "asyncio"
    with pytest.raises(ConfigErrors) as info:
        load_config(make_config("roost:\n  event_loop: tokio\n"))
    assert "roost.event_loop" in str(info.value.errors[0])
