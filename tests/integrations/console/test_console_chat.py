"""`roost chat` end to end in a real subprocess, with lines piped in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOST = Path(sys.executable).parent / "roost"
REPO = Path(__file__).resolve().parents[3]

CONFIG = """
automations:
  - id: ping
    use_blueprint:
      path: ping.yaml
  - id: slow
    triggers:
      - {trigger: message, command: slow}
    actions:
      - delay: 0.3
      - reply: "slept {{ trigger.args_text }}"
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ROOST_CONFIG", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _chat(config: Path, lines: str, timeout: float = 20.0) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [str(ROOST), "chat", "--config", str(config)], input=lines, capture_output=True,
        text=True, timeout=timeout, env=_env(), cwd=config,
    )
    return result, time.monotonic() - started


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "config"
    directory.mkdir()
    (directory / "configuration.yaml").write_text(textwrap.dedent(CONFIG), encoding="utf-8")
    return directory


def test_roost_script_is_installed() -> None:
    assert ROOST.is_file(), f"{ROOST} is missing: install the project into the virtualenv"


def test_piped_chat_prints_replies_in_order_and_exits(config_dir: Path) -> None:
    result, took = _chat(config_dir, "ping\n/ping hi\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "pong\npong hi\n"
    assert took < 10


def test_piped_bytes_that_are_not_utf_8_do_not_end_the_input(config_dir: Path) -> None:
    env = {**_env(), "PYTHONIOENCODING": "utf-8:strict"}  # as under a UTF-8 locale (en_GB.UTF-8): strict decoding
    result = subprocess.run([str(ROOST), "chat", "--config", str(config_dir)], input=b"/ping caf\xe9\nping\n",
                            capture_output=True, timeout=20, env=env, cwd=config_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "pong caf\ufffd\npong\n"


def test_piped_chat_waits_for_slow_replies(config_dir: Path) -> None:
    result, took = _chat(config_dir, "/slow 1\nping\n/slow 2\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "slept 1\npong\nslept 2\n"
    assert took >= 0.6


def test_chat_with_the_example_configuration(tmp_path: Path) -> None:
    target = tmp_path / "example"
    shutil.copytree(REPO / "config.example", target)
    result, _took = _chat(target, "/ping there\n/help\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "pong there"
    assert any("/ping" in line for line in lines[1:])


def test_empty_input_exits_cleanly(config_dir: Path) -> None:
    result, _took = _chat(config_dir, "")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_broken_configuration_exits_1_with_location(config_dir: Path) -> None:
    (config_dir / "configuration.yaml").write_text("roost:\n  log_level: loud\n", encoding="utf-8")
    result, _took = _chat(config_dir, "ping\n")
    assert result.returncode == 1
    assert f"{config_dir / 'configuration.yaml'}:2:" in result.stderr
    assert result.stdout == ""


def test_a_fresh_configuration_without_its_model_says_how_to_get_it(tmp_path: Path) -> None:
    config = tmp_path / "fresh"
    made = subprocess.run([str(ROOST), "init", str(config)], capture_output=True, text=True, timeout=60, env=_env())
    assert made.returncode == 0, made.stderr
    text = (config / "configuration.yaml").read_text(encoding="utf-8").replace("port: 8765", "port: 0")
    (config / "configuration.yaml").write_text(text, encoding="utf-8")
    assert not (config / "models").exists()
    result, _ = _chat(config, "what is the weather like?\n", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "not downloaded" in result.stdout and "roost model fetch" in result.stdout
    assert "Sorry" not in result.stdout
