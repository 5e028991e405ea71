"""The `roost` command line: check, integrations, trace, init and how arguments are read."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.cli import main
from tests.helpers.cli import run_cli

REPO = Path(__file__).resolve().parents[2]
ROOST = Path(sys.executable).parent / "roost"
LOCATED = re.compile(r"^(?P<file>/[^:]+):(?P<line>\d+): .+")


def _write(directory: Path, text: str, name: str = "configuration.yaml") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of config.example."""
    target = tmp_path / "example"
    shutil.copytree(REPO / "config.example", target)
    return target


def test_check_accepts_the_example(example: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "check", "--config", str(example))
    assert code == 0, err
    assert out.startswith("Configuration OK")
    assert str(example / "configuration.yaml") in out


def test_the_console_script_resumes_the_collector_it_paused_to_load(example: Path, capsys, monkeypatch) -> None:
    from core import launch

    monkeypatch.setattr(sys, "argv", ["roost", "check", "--config", str(example)])
    assert launch.main() == 0
    assert gc.isenabled()
    assert capsys.readouterr().out.startswith("Configuration OK")


def test_check_in_a_subprocess(example: Path) -> None:
    result = subprocess.run([str(ROOST), "check", "--config", str(example)], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "ROOST_CONFIG": "/nonexistent"})
    assert result.returncode == 0, result.stderr
    broken = _write(example, "roost:\n  log_level: 3\n")
    result = subprocess.run([str(ROOST), "check", "--config", str(example)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{broken}:2: ")


def test_check_reports_every_problem_with_file_and_line(tmp_path: Path, capsys) -> None:
    config = _write(tmp_path, """\
        roost:
          bot_names: [roost]
        no_such_integration:
          key: value
        automations:
          - id: a
            triggers:
              - trigger: warp
            actions:
              - reply: x
          - id: b
            use_blueprint:
              path: mine.yaml
        """)
    blueprint = _write(tmp_path, """\
        blueprint:
          name: Mine
          input:
            word: {default: hi}
        triggers:
          - trigger: message
            command: !input word
        actions:
          - reply: !input undeclared_thing
        """, "blueprints/mine.yaml")
    code, out, err = run_cli(capsys, "check", "--config", str(tmp_path))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines and all(LOCATED.match(line) for line in lines), lines
    found = {(m["file"], int(m["line"])) for m in map(LOCATED.match, lines) if m}
    assert (str(config), _line_of(config, "no_such_integration")) in found
    assert (str(config), _line_of(config, "warp")) in found
    assert (str(blueprint), _line_of(blueprint, "undeclared_thing")) in found
    assert "no_such_integration" in err and "warp" in err and "undeclared_thing" in err


def test_check_says_each_problem_once_from_the_top_with_a_hint(tmp_path: Path, capsys) -> None:
    config = _write(tmp_path, """\
        http: {port: eighty}
        automations:
          - id: a
            triggers: [{trigger: message}]
            actions:
              - reply: "{{ trigger.text "
          - id: b
            triggers: [{trigger: time_pattern, minutes: "/5"}]
            actions: [{delay: soon}]
          - id: c
            triggers: [{trigger: webhook, webhook_id: door}]
            actions: [{reply: hi}]
        """)
    code, _out, err = run_cli(capsys, "check", "--config", str(tmp_path))
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 5, lines  # nothing more: not the http integration failing as well
    assert f"{config}:1: http.port: expected int (got 'eighty')" in lines
    assert any(line.startswith(f"{config}:6: automations.0.actions.0: template syntax error") for line in lines)
    assert f"{config}:9: automations.1.actions.0.delay: expected a duration like 5, '5s', '2m' or '00:01:30', " \
           "got 'soon'" in lines  # said once, not again as "(got 'soon')"
    assert "type 'time_pattern' (Home Assistant's time_pattern is 'trigger: schedule' with 'cron:' or 'every:'" in err
    assert "type 'webhook' (it comes with the 'http' integration, which did not load: invalid configuration)" in err
    (tmp_path / "configuration.yaml").write_text(config.read_text().replace("http: {port: eighty}\n", ""))
    _code, _out, err = run_cli(capsys, "check", "--config", str(tmp_path))
    assert "type 'webhook' (it comes with the 'http' integration: add 'http:' to the configuration)" in err


def test_check_names_a_text_given_where_a_list_of_mappings_belongs(tmp_path: Path, capsys) -> None:
    config = _write(tmp_path, """\
        automations:
          - id: a
            triggers: message
            actions: reply hi
          - id: b
            triggers: [{trigger: message}]
            actions: []
        """)
    code, _out, err = run_cli(capsys, "check", "--config", str(tmp_path))
    assert code == 1 and err.splitlines() == [
        f"{config}:3: automations.0.triggers.0: expected a mapping such as '- trigger: message' (got 'message')",
        f"{config}:4: automations.0.actions.0: expected a mapping such as '- reply: TEXT' (got 'reply hi')",
        f"{config}:7: automations.1.actions: at least one is needed, such as '- reply: TEXT'",
    ]  # not "expected dict (got 'r')", the first letter of the text


def test_check_says_a_trigger_needs_its_type_and_reads_home_assistants_older_platform_key(tmp_path: Path,
                                                                                        capsys) -> None:
    config = _write(tmp_path, """\
        automations:
          - id: a
            triggers: [{platform: message}, {command: hi}]
            actions: [{reply: hi}]
        """)
    code, _out, err = run_cli(capsys, "check", "--config", str(tmp_path))
    known = "known: event, message, schedule, startup"
    assert code == 1 and err.splitlines() == [
        f"{config}:3: automations.0.triggers.0.trigger: a trigger needs 'trigger: TYPE'; {known}"
        " (Home Assistant's older 'platform: message' is 'trigger: message')",
        f"{config}:3: automations.0.triggers.1.trigger: a trigger needs 'trigger: TYPE'; {known}",
    ]  # not "unknown trigger type 'None'"


def test_check_malformed_yaml(tmp_path: Path, capsys) -> None:
    config = _write(tmp_path, "roost:\n  name: [unclosed\nconsole:\n")
    code, _out, err = run_cli(capsys, "check", "--config", str(tmp_path))
    assert code == 1
    assert err.startswith(f"{config}:")
    assert "invalid YAML" in err


def test_check_without_configuration(tmp_path: Path, capsys) -> None:
    code, _out, err = run_cli(capsys, "check", "--config", str(tmp_path / "missing"))
    assert code == 1
    assert "roost init" in err


def _drop_in(config_dir: Path, domain: str, init: str, version: str = "1.2.3") -> None:
    folder = config_dir / "integrations" / domain
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({
        "domain": domain, "name": f"The {domain} one", "version": version, "kind": "other",
        "dependencies": [], "after_dependencies": [], "requirements": [], "codeowners": [],
        "documentation": "none",
    }), encoding="utf-8")
    (folder / "__init__.py").write_text(textwrap.dedent(init), encoding="utf-8")


@pytest.mark.allow_logged_errors  # the broken drop-in's import failure is logged with its traceback
def test_integrations_json_lists_sources_and_statuses(tmp_path: Path, capsys) -> None:
    _write(tmp_path, """\
        console:
        hello:
        broken:
        """)
    _drop_in(tmp_path, "hello", """\
        from core.hookspecs import hookimpl

        @hookimpl
        def roost_setup(gateway, config):
            return None
        """)
    _drop_in(tmp_path, "broken", "raise ImportError('a library is missing')\n")
    code, out, err = run_cli(capsys, "integrations", "--config", str(tmp_path), "--json")
    assert code == 0, err
    rows = {row["domain"]: row for row in json.loads(out)}
    assert rows["console"]["source"] == "builtin" and rows["console"]["status"] == "loads"
    assert rows["hello"]["source"] == "config" and rows["hello"]["status"] == "loads"
    assert rows["hello"]["version"] == "1.2.3" and rows["hello"]["name"] == "The hello one"
    assert rows["broken"]["source"] == "config"
    assert rows["broken"]["status"].startswith("failed") and "a library is missing" in rows["broken"]["status"]
    unconfigured = [r for d, r in rows.items() if d not in ("console", "hello", "broken")]
    assert unconfigured and all(r["status"] == "not configured" for r in unconfigured)
    assert all({"domain", "name", "version", "kind", "source", "status"} <= set(r) for r in rows.values())

    code, out, _err = run_cli(capsys, "integrations", "--config", str(tmp_path))
    assert code == 0
    assert re.search(r"^hello\s+1\.2\.3\s+config\s", out, re.MULTILINE)


def test_init_creates_a_configuration_and_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    target = tmp_path / "new"
    code, out, err = run_cli(capsys, "init", str(target))
    assert code == 0, err
    assert (target / "configuration.yaml").read_text() == (REPO / "config.example/configuration.yaml").read_text()
    assert (target / "secrets.yaml").is_file() and (target / "blueprints").is_dir()
    assert str(target) in out
    code, _out, _err = run_cli(capsys, "check", "--config", str(target))
    assert code == 0

    (target / "configuration.yaml").write_text("console:\n", encoding="utf-8")
    code, _out, err = run_cli(capsys, "init", str(target))
    assert code == 1
    assert "already exists" in err
    assert (target / "configuration.yaml").read_text() == "console:\n"


@pytest.mark.parametrize("argv", [
    ("init", "--config", "{dir}"),
    ("--config", "{dir}", "init"),
    ("init",),  # $ROOST_CONFIG
])
def test_init_finds_its_directory_as_every_command_does(tmp_path: Path, capsys, monkeypatch, argv) -> None:
    target = tmp_path / "chosen"
    monkeypatch.setenv("ROOST_CONFIG", str(target))
    code, out, err = run_cli(capsys, *(a.format(dir=target) for a in argv))
    assert code == 0, err
    assert (target / "configuration.yaml").is_file() and str(target) in out


def test_init_refuses_two_different_directories(tmp_path: Path, capsys) -> None:
    code, _out, err = run_cli(capsys, "init", str(tmp_path / "a"), "--config", str(tmp_path / "b"))
    assert code == 2 and "give one" in err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    code, _out, err = run_cli(capsys, "init", str(tmp_path / "a"), "--config", str(tmp_path / "a"))
    assert code == 0, err


def test_trace_shows_runs_of_a_chat_session(tmp_path: Path, capsys) -> None:
    _write(tmp_path, """\
        automations:
          - id: ping
            triggers:
              - {trigger: message, pattern: '^ping$'}
            actions:
              - reply: pong
        """)
    code, out, _err = run_cli(capsys, "trace", "--config", str(tmp_path), "--json")
    assert code == 0 and json.loads(out) == []
    result = subprocess.run([str(ROOST), "chat", "--config", str(tmp_path)], input="ping\nping\n",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "pong\npong\n", result.stderr
    code, out, _err = run_cli(capsys, "trace", "--config", str(tmp_path), "--json")
    traces = json.loads(out)
    assert [t["automation_id"] for t in traces] == ["ping", "ping"]
    assert all(t["status"] == "finished" for t in traces)
    assert traces[0]["steps"][0]["action"] == "reply"
    code, out, _err = run_cli(capsys, "trace", "--config", str(tmp_path))
    assert code == 0 and out.count("ping  finished") == 2
    first = traces[1]["run_id"]
    code, out, _err = run_cli(capsys, "trace", first[:8].upper(), "--config", str(tmp_path), "--json")
    assert code == 0 and [t["run_id"] for t in json.loads(out)] == [first], "one run, found by its first digits"
    code, out, _err = run_cli(capsys, "trace", "0" * 32, "--config", str(tmp_path))
    assert code == 1 and "No run 00000000000000000000000000000000… among the traces kept" in out
    with pytest.raises(SystemExit) as refused:
        main(["trace", "run-1", "--config", str(tmp_path)])
    assert refused.value.code == 2 and "'run-1' is not a run id" in capsys.readouterr().err


@pytest.fixture
def initialized(tmp_path: Path) -> Path:
    """A configuration `roost init` made (no data of a development run)."""
    assert main(["init", str(tmp_path / "made")]) == 0
    return tmp_path / "made"


@pytest.mark.parametrize("argv", [
    ("--config", "{dir}", "check"),
    ("check", "--config", "{dir}"),
    ("-c", "{dir}", "queue", "stats", "--json"),
    ("queue", "stats", "--json", "--config", "{dir}"),
    ("--config", "/elsewhere", "token", "list", "--config", "{dir}"),  # the later one wins
])
def test_config_before_or_after_the_subcommand(initialized: Path, capsys, monkeypatch, argv: tuple[str, ...]) -> None:
    monkeypatch.setenv("ROOST_CONFIG", "/nonexistent")
    code, _out, err = run_cli(capsys, *(arg.format(dir=initialized) for arg in argv))
    assert code == 0, err


@pytest.mark.parametrize(("argv", "usage", "extra"), [
    (("backup", "/tmp/somewhere"), "usage: roost backup [-h] [--config DIR] [--output DIR]", "/tmp/somewhere"),
    (("queue", "show", "1", "2"), "usage: roost queue show", "2"),
    (("token", "list", "--all"), "usage: roost token list", "--all"),
])
def test_an_unknown_argument_is_refused_by_the_command_it_was_given_to(capsys, argv, usage, extra) -> None:
    code, _out, err = run_cli(capsys, *argv)
    command = usage.removeprefix("usage: ").split(" [")[0]
    assert code == 2 and err.startswith(usage), err
    assert f"{command}: error: unrecognized arguments: {extra}" in err


@pytest.mark.parametrize("argv", [("check",), ("queue", "stats"), ("token", "list")])
def test_roost_config_from_the_environment(initialized: Path, capsys, monkeypatch, argv: tuple[str, ...]) -> None:
    monkeypatch.setenv("ROOST_CONFIG", str(initialized / "missing"))
    code, _out, err = run_cli(capsys, *argv)
    assert code == 1 and str(initialized / "missing") in err
    monkeypatch.setenv("ROOST_CONFIG", str(initialized))
    code, _out, err = run_cli(capsys, *argv)
    assert code == 0, err


@pytest.mark.parametrize("argv", [["run"], ["--config", "x", "check"], ["-c", "x", "chat", "--log-level", "debug"]])
def test_a_core_command_leaves_the_integrations_commands_unimported(argv: list[str]) -> None:
    from core.cli import build_parser

    choices = build_parser(argv)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert "run" in choices and "chat" in choices
    assert "token" not in choices and "pii" not in choices


@pytest.mark.parametrize("argv", [["token", "list"], ["-c", "x", "pii", "hello"], ["--help"], []])
def test_an_integration_command_or_help_brings_them_all(argv: list[str]) -> None:
    from core.cli import build_parser

    choices = build_parser(argv)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"token", "pii", "model", "run"} <= set(choices)


@pytest.mark.parametrize("command", ["queue", "pair", "keys", "blueprint", "service", "token", "model", "knowledge"])
def test_a_command_of_actions_given_only_the_configuration_says_its_action_is_missing(
        initialized: Path, capsys, command: str) -> None:
    code, _out, err = run_cli(capsys, command, "--config", str(initialized))
    assert code == 2 and f"roost {command}: error: the following arguments are required: {{" in err, err
    named = err.rsplit("{", 1)[1].split("}")[0].split(",")
    assert len(named) >= 2 and all(f"\n    {action} " in run_cli(capsys, command, "-h")[1] for action in named), \
        "the error names the command's actions, as its help lists them"
    code, _out, err = run_cli(capsys, "queue", "--config", str(initialized), "stats")  # the action after it
    assert code == 0, err


def test_roost_alone_prints_what_it_can_do(capsys) -> None:
    code, out, err = run_cli(capsys)
    assert code == 2 and out == ""
    assert "start the gateway with a configuration" in err and "\n    token " in err, err
