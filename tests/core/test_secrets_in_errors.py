"""Secrets, credentials and included files are never printed in configuration errors or logs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import voluptuous as vol

from core.cli import main
from core.validation import humanize
from tests.helpers import write_integration
from tests.helpers.configdir import write_config

ROOST = Path(sys.executable).parent / "roost"
SECRET = "sk-live-7f3a9c2e41d8b6"
TAKES_A_URL = """
import logging
import voluptuous as vol
from core.hookspecs import hookimpl

_LOGGER = logging.getLogger(__name__)


def url(value):
    if not str(value).startswith("http"):
        raise vol.Invalid(f"expected a URL, got {value!r}")
    return value


CONFIG_SCHEMA = vol.Schema({vol.Required("base_url"): url, vol.Optional("password"): int,
                            vol.Optional("greeting"): int})


@hookimpl
def roost_setup(gateway, config):
    _LOGGER.warning("connecting to %s", config["base_url"])
"""


def _check(capsys: pytest.CaptureFixture[str], directory: Path) -> str:
    try:
        main(["check", "--config", str(directory)])
    except SystemExit:
        pass
    out, err = capsys.readouterr()
    return out + err


def _with_integration(directory: Path, yaml_text: str, files: dict[str, str] | None = None) -> Path:
    write_config(directory, yaml_text, files)
    write_integration(directory / "integrations", "remote", TAKES_A_URL)
    return directory


def test_a_secret_a_validator_quotes_is_withheld(tmp_path: Path, capsys) -> None:
    directory = _with_integration(tmp_path, "remote:\n  base_url: !secret remote_url\n",
                                  {"secrets.yaml": f"remote_url: {SECRET}\n"})
    printed = _check(capsys, directory)
    assert "remote.base_url: expected a URL" in printed
    assert SECRET not in printed and SECRET[:8] not in printed
    assert f"got {len(SECRET)} characters from secrets.yaml" in printed


def test_an_environment_value_is_withheld(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMOTE_URL", SECRET)
    directory = _with_integration(tmp_path, "remote:\n  base_url: !env_var REMOTE_URL\n")
    printed = _check(capsys, directory)
    assert SECRET not in printed
    assert "from the environment variable REMOTE_URL" in printed


def test_a_field_named_like_a_credential_is_withheld(tmp_path: Path, capsys) -> None:
    directory = _with_integration(tmp_path, "remote:\n  base_url: http://x\n  password: hunter2-is-long\n")
    printed = _check(capsys, directory)
    assert "remote.password: expected int" in printed
    assert "hunter2" not in printed and "'password' holds a credential" in printed


def test_an_ordinary_value_is_still_quoted_and_cut_when_long(tmp_path: Path, capsys) -> None:
    long = "x" * 500
    directory = _with_integration(tmp_path, f"remote:\n  base_url: http://x\n  greeting: {long}\n")
    printed = _check(capsys, directory)
    assert "(got 'xxxxxxxx" in printed and long not in printed and "…)" in printed


def test_an_included_file_is_named_not_printed(tmp_path: Path, capsys) -> None:
    private = tmp_path / "private.txt"
    private.write_text("root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n")
    directory = write_config(tmp_path / "config", f"console: !include {private}\n")
    printed = _check(capsys, directory)
    assert f"(got the content of {private})" in printed
    assert "root:x" not in printed and "alice" not in printed


def test_a_secret_a_log_line_carries_is_redacted(tmp_path: Path) -> None:
    directory = _with_integration(tmp_path, "remote:\n  base_url: !secret remote_url\nconsole:\n",
                                  {"secrets.yaml": f"remote_url: http://{SECRET}.example\n"})
    result = subprocess.run([str(ROOST), "chat", "--config", str(directory)], input="",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "connecting to [secret]" in result.stderr
    assert SECRET not in result.stderr


def test_a_credential_inside_the_validators_example_leaves_the_example_whole(tmp_path: Path, capsys) -> None:
    directory = write_config(tmp_path, 'telegram:\n  bot_token: "12345"\n')
    printed = _check(capsys, directory)
    assert "expected a token like 123456:ABC-def from @BotFather" in printed, printed
    assert "withheld" not in printed and "got 5 characters, not shown" in printed


def test_a_credential_a_validator_writes_bare_is_withheld() -> None:
    def bare(value):
        raise vol.Invalid(f"the token {value} is not known, try again")

    data = {"api_key": "hunter2x"}
    try:
        vol.Schema({"api_key": bare})(data)
    except vol.Invalid as err:
        message = str(humanize(err, data))
    assert "hunter2x" not in message and "the token [withheld] is not known" in message, message
