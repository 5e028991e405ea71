"""`roost blueprint test` and `roost blueprint list`: dry runs, and the blueprints there are."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import run_cli
from tests.helpers.configdir import write_config

BLUEPRINT_TEST_CONFIG = """\
    automations:
      - id: check_logs
        priority: 7
        triggers:
          - trigger: message
            platform: telegram
            pattern: '^/check_(?P<what>\\w+)'
        conditions:
          - {condition: sender, sender: [owner]}
        actions:
          - event: checked
          - call: system_check.analyze_logs
            data: {window: "{{ trigger.args_text }}"}
          - reply: "checking {{ trigger.match.what }}"
      - id: everything
        triggers:
          - {trigger: message}
        actions:
          - reply: seen
      - id: whatsapp_only
        triggers:
          - {trigger: message, platform: whatsapp}
        actions:
          - reply: never
    """


def test_blueprint_test_reports_matches_without_side_effects(tmp_path: Path, capsys) -> None:
    write_config(tmp_path, BLUEPRINT_TEST_CONFIG)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, out, err = run_cli(capsys, "blueprint", "test", "--config", str(tmp_path), "--platform", "telegram",
                          "--text", "/check_logs 30m", "--sender", "owner", "--chat", "9", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["message"]["command"] == "check_logs" and report["message"]["args"] == ["30m"]
    matches = {m["automation"]: m for m in report["matches"]}
    assert set(matches) == {"check_logs", "everything"}
    check = matches["check_logs"]
    assert check["would_run"] is True and check["priority"] == 7
    assert check["match"] == {"what": "logs"}
    assert [c["passed"] for c in check["conditions"]] == [True]
    assert check["actions"] == ["actions.0: event", "actions.1: call system_check.analyze_logs",
                                "actions.2: reply"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # no database, no keys, nothing

    code, out, _err = run_cli(capsys, "blueprint", "test", "--config", str(tmp_path), "--platform", "telegram",
                           "--text", "/check_disk", "--sender", "stranger", "--json")
    check = {m["automation"]: m for m in json.loads(out)["matches"]}["check_logs"]
    assert check["would_run"] is False and check["actions"] == []
    assert [c["passed"] for c in check["conditions"]] == [False]


def test_blueprint_test_text_output(tmp_path: Path, capsys) -> None:
    write_config(tmp_path, BLUEPRINT_TEST_CONFIG)
    code, out, _err = run_cli(capsys, "blueprint", "test", "--config", str(tmp_path), "--platform", "discord",
                           "--text", "hello")
    assert code == 0
    assert "everything" in out and "would run" in out and "check_logs" not in out


def test_blueprint_test_names_the_platforms_where_an_unmatched_message_would_match(tmp_path: Path, capsys) -> None:
    write_config(tmp_path, """\
        automations:
          - id: ask
            triggers: [{trigger: message, platform: [console, whatsapp]}]
            actions: [{reply: answer}]
          - id: ping
            triggers: [{trigger: message, platform: whatsapp, pattern: '^/ping$'}]
            actions: [{reply: pong}]
        """)
    code, out, _err = run_cli(capsys, "blueprint", "test", "--config", str(tmp_path), "--platform", "telegram",
                           "--text", "/ping")
    assert code == 0
    assert out.splitlines() == [
        "No automation matches this message.",
        "On other platforms it would match ask on console, whatsapp; ping on whatsapp: an automation's"
        " `platform:` (or its blueprint's `platforms` input) says where it listens.",
    ]


def test_blueprint_list_names_each_blueprint_its_inputs_and_users(tmp_path: Path, capsys) -> None:
    write_config(tmp_path, """\
        automations:
          - id: hello
            use_blueprint: {path: ping.yaml}
          - id: again
            use_blueprint: {path: ping.yaml, input: {word: yo}}
        """, {
        "blueprints/ping.yaml": """\
            blueprint:
              name: My ping
              description: >-
                Answers a word.
              input:
                word: {name: The word}
                answer: {default: pong}
            triggers: [{trigger: message, command: !input word}]
            actions: [{reply: !input answer}]
            """,
        "blueprints/x/broken.yaml": "blueprint: {name: Broken}\nactions: [{reply: !input nothing}]\n",
    })
    own = tmp_path / "blueprints" / "ping.yaml"
    code, out, _err = run_cli(capsys, "blueprint", "list", "--json", "--config", str(tmp_path))
    rows = {row["path"]: row for row in json.loads(out)}
    assert code == 1  # one does not load
    assert rows["ping.yaml"]["file"] == str(own) and rows["ping.yaml"]["name"] == "My ping"  # the configuration's first
    assert rows["ping.yaml"]["used_by"] == ["hello", "again"]
    assert rows["ping.yaml"]["inputs"] == {"word": {"name": "The word"}, "answer": {"default": "pong"}}
    assert rows["echo.yaml"]["used_by"] == [] and rows["echo.yaml"]["name"] == "Echo"  # Roost's own
    assert "!input 'nothing' is not declared" in rows["x/broken.yaml"]["errors"][0]
    code, out, _err = run_cli(capsys, "blueprint", "list", "--config", str(tmp_path))
    assert f"ping.yaml  My ping  (used by hello, again; {own})\n    Answers a word.\n" in out
    assert "    input word: The word (required)\n    input answer: (default 'pong')\n" in out
    assert "x/broken.yaml  (does not load)  (unused; " in out
