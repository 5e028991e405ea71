"""`roost run` and `roost chat` refuse a broken configuration, or start the rest with --skip-broken."""

from __future__ import annotations

import gc
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.configdir import PING, ROOST, write_config

# Each one of these started before, leaving its broken part out without a word.
BROKEN = {
    "unknown section": ("no_such_thing: {a: 1}\n", {}),
    "unknown core key": ("roost: {colour: blue}\n", {}),
    "wrong type": ("scheduler: {workers: many}\n", {}),
    "bad regex": ("""\
        automations:
          - id: bad
            triggers: [{trigger: message, pattern: '(unclosed'}]
            actions: [{reply: x}]
        """, {}),
    "bad cron": ("""\
        automations:
          - id: bad
            triggers: [{trigger: time, cron: '61 * * * *'}]
            actions: [{reply: x}]
        """, {}),
    "template syntax error": ("""\
        automations:
          - id: bad
            triggers: [{trigger: message, pattern: '^x$'}]
            actions: [{reply: '{{ unclosed '}]
        """, {}),
    "undeclared input": ("""\
        automations:
          - id: bad
            use_blueprint: {path: mine.yaml}
        """, {"blueprints/mine.yaml": """\
        blueprint: {name: Mine, input: {}}
        triggers: [{trigger: message, pattern: '^x$'}]
        actions: [{reply: !input nowhere}]
        """}),
    "missing blueprint": ("""\
        automations:
          - id: bad
            use_blueprint: {path: not_there.yaml}
        """, {}),
    "duplicate automation id": ("""\
        automations:
          - id: ping
            triggers: [{trigger: message, pattern: '^ping$'}]
            actions: [{reply: pong}]
        """, {}),
    "invalid integration config": ("console: {prompt: [not, a, string]}\n", {}),
}


def _broken_config(directory: Path, case: str) -> Path:
    extra, files = BROKEN[case]
    extra = textwrap.dedent(extra)
    if extra.startswith("automations:"):
        text = PING + extra.removeprefix("automations:\n")
    else:
        text = PING + extra
    return write_config(directory, text, files)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_run_refuses_what_check_reports(tmp_path: Path, capsys, case: str) -> None:
    directory = _broken_config(tmp_path, case)
    check_code, _out, check_errors = run_cli(capsys, "check", "--config", str(directory))
    assert check_code == 1 and check_errors, case
    for command in ("run", "chat"):
        code, _out, errors = run_cli(capsys, command, "--config", str(directory))
        assert code == 1, (case, command)
        assert errors.startswith(check_errors), (case, command)
        assert gc.isenabled(), "the collector paused for the start runs again"
    assert not (directory / "roost.db").exists(), "refused before anything was opened"


@pytest.mark.allow_logged_errors  # the left-out part is logged as an error at start
def test_skip_broken_starts_the_rest_and_says_what_it_left_out(tmp_path: Path) -> None:
    directory = _broken_config(tmp_path, "bad regex")
    result = subprocess.run([str(ROOST), "chat", "--config", str(directory), "--skip-broken"],
                            input="ping\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "pong\n"
    assert "configuration.yaml:" in result.stderr and "pattern" in result.stderr


def test_a_broken_blueprint_no_automation_uses_is_for_check_to_say_and_stops_no_start(tmp_path: Path, capsys) -> None:
    directory = write_config(tmp_path, PING, {"blueprints/draft.yaml": "blueprint: {name: Draft}\n"
                                                                       "actions: [{reply: !input nothing}]\n"})
    code, _out, errors = run_cli(capsys, "check", "--config", str(directory))
    assert code == 1 and "draft.yaml:2: !input 'nothing' is not declared" in errors
    result = subprocess.run([str(ROOST), "chat", "--config", str(directory)], input="ping\n", capture_output=True,
                            text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "pong\n"), result.stderr


def _start_log(directory: Path) -> str:
    """What `roost run` logs up to the first line after its start, stopped then."""
    process = subprocess.Popen([str(ROOST), "run", "--config", str(directory)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if "Roost started" in line:
                process.terminate()
    finally:
        process.kill()
        process.wait(30)
    return "".join(lines)


def test_a_start_with_no_channel_says_that_nothing_can_talk_to_it(tmp_path: Path) -> None:
    lonely = _start_log(write_config(tmp_path / "lonely", PING))
    assert "WARNING core.cli.run_commands: No channel is configured, so nothing can talk to Roost" in lonely
    assert "configuration.yaml (`roost init DIR` writes an example)" in lonely
    heard = _start_log(write_config(tmp_path / "heard", PING + "console: {chat_id: local}\n"))
    assert "Roost started" in heard and "No channel" not in heard
