"""The engine's loading: located errors for unknown types, duplicates, and broken automations skipped."""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from core.automation.engine import AutomationEngine
from core.bus import EventBus
from core.errors import ConfigError
from core.yaml_loader import load_yaml


def _engine(compiler) -> AutomationEngine:
    gateway = SimpleNamespace(bus=EventBus(), scrub=lambda text: text)
    engine = AutomationEngine(gateway)  # type: ignore[arg-type]
    engine.compiler = compiler
    return engine


def _load(tmp_path: Path, compiler, text: str) -> tuple[AutomationEngine, list[ConfigError], Path]:
    path = tmp_path / "configuration.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    engine = _engine(compiler)
    errors = engine.load(load_yaml(path)["automations"], [tmp_path / "blueprints"])
    return engine, errors, path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


GOOD = """\
automations:
  - id: first
    triggers: [{trigger: message, command: one}]
    actions: [{reply: one}]
"""


def test_unknown_trigger_type_is_located(tmp_path: Path, compiler) -> None:
    engine, errors, path = _load(tmp_path, compiler, GOOD + """\
  - id: broken
    triggers:
      - trigger: telepathy
    actions: [{reply: x}]
""")
    (error,) = errors
    assert "unknown trigger type 'telepathy'" in error.message and "message" in error.message
    assert error.file == str(path) and error.line == _line_of(path, "telepathy")
    assert list(engine.automations) == ["first"]


def test_unknown_condition_type_is_located(tmp_path: Path, compiler) -> None:
    engine, errors, path = _load(tmp_path, compiler, GOOD + """\
  - id: broken
    triggers: [{trigger: message, command: two}]
    conditions:
      - condition: moon_phase
        phase: full
    actions: [{reply: x}]
""")
    (error,) = errors
    assert "unknown condition type 'moon_phase'" in error.message
    assert error.file == str(path) and error.line == _line_of(path, "moon_phase")
    assert list(engine.automations) == ["first"]


def test_unknown_action_type_is_located(tmp_path: Path, compiler) -> None:
    engine, errors, path = _load(tmp_path, compiler, GOOD + """\
  - id: broken
    triggers: [{trigger: message, command: two}]
    actions:
      - reply: fine
      - if: "{{ true }}"
        then:
          - fly: away
""")
    (error,) = errors
    assert "no known action type" in error.message and "fly" in error.message
    assert error.file == str(path) and error.line == _line_of(path, "fly: away")


def test_misspelt_actions_triggers_conditions_and_home_assistants_action_key_say_what_to_write(
        tmp_path: Path, compiler) -> None:
    _engine, errors, path = _load(tmp_path, compiler, GOOD + """\
  - id: misspelt
    triggers: [{trigger: message, command: two}]
    actions: [{replay: hi}]
  - id: from_home_assistant
    triggers: [{trigger: message, command: three}]
    actions:
      - action: notify.phone
        data: {message: hi}
  - id: misspelt_trigger
    triggers: [{trigger: mesage}]
    actions: [{reply: hi}]
  - id: misspelt_condition
    triggers: [{trigger: message, command: four}]
    conditions: [{condition: tempalte, value_template: "{{ true }}"}]
    actions: [{reply: hi}]
""")
    misspelt, from_home_assistant, trigger, condition = errors
    assert "(did you mean 'reply'?)" in misspelt.message
    assert "unknown trigger type 'mesage' (did you mean 'message'?)" in trigger.message
    assert "unknown condition type 'tempalte' (did you mean 'template'?)" in condition.message
    assert "'call: DOMAIN.SERVICE' in Roost" in from_home_assistant.message
    assert from_home_assistant.line == _line_of(path, "action: notify.phone")


def test_wrong_value_in_a_condition_is_located(tmp_path: Path, compiler) -> None:
    _engine_, errors, path = _load(tmp_path, compiler, GOOD + """\
  - id: broken
    triggers: [{trigger: message, command: two}]
    conditions:
      - condition: time
        after: "quarter past"
    actions: [{reply: x}]
""")
    (error,) = errors
    assert "time of day" in error.message
    assert error.line == _line_of(path, "quarter past")


def test_duplicate_automation_id(tmp_path: Path, compiler) -> None:
    engine, errors, path = _load(tmp_path, compiler, GOOD + """\
  - id: first
    triggers: [{trigger: message, command: other}]
    actions: [{reply: other}]
""")
    (error,) = errors
    assert "'first' is used twice" in error.message
    assert error.file == str(path) and error.line == 5
    assert len(engine.message_index) == 0  # nothing attached yet
    engine.attach(kinds=("message",))
    assert len(engine.message_index) == 1


def test_broken_automations_are_skipped_and_the_others_load(tmp_path: Path, compiler) -> None:
    engine, errors, _path = _load(tmp_path, compiler, GOOD + """\
  - id: no_actions
    triggers: [{trigger: message, command: x}]
  - "not a mapping"
  - id: bad mode
    triggers: [{trigger: message, command: y}]
    actions: [{reply: y}]
    mode: sometimes
  - id: last
    triggers: [{trigger: message, command: last}]
    actions: [{reply: last}]
""")
    assert list(engine.automations) == ["first", "last"]
    messages = " | ".join(str(e) for e in errors)
    assert "actions" in messages and "must be a mapping" in messages
    assert "mode" in messages and "id" in messages
    assert all(e.line is not None for e in errors)


def test_every_error_of_one_automation_is_reported(tmp_path: Path, compiler) -> None:
    _engine_, errors, path = _load(tmp_path, compiler, """\
automations:
  - id: many
    triggers:
      - trigger: nope
      - trigger: message
        wrong: key
    conditions:
      - condition: nada
    actions: [{reply: x}]
""")
    lines = sorted(e.line for e in errors)
    assert lines == [_line_of(path, "trigger: nope"), _line_of(path, "wrong: key"), _line_of(path, "nada")]


def test_types_registered_by_an_integration(tmp_path: Path, compiler) -> None:
    import voluptuous as vol

    from core.automation.registry import ActionType, ConditionType

    def build_even(config: dict[str, Any], _c: Any):
        return lambda variables, _gw: len(variables["trigger"]["text"]) % 2 == 0

    compiler.add_types("conditions", {"even": ConditionType(
        "even", vol.Schema({"condition": str}), build_even)}, source="test")
    compiler.add_types("actions", {"shout": ActionType(
        "shout", vol.Schema({"shout": str}), lambda config, _c, path: ("shout-step", config["shout"], path))},
        source="test")
    with pytest.raises(ConfigError) as excinfo:
        compiler.add_types("actions", {"shout": compiler.actions["shout"]}, source="other")
    assert "already registered" in str(excinfo.value)
    engine, errors, _path = _load(tmp_path, compiler, """\
automations:
  - id: custom
    triggers: [{trigger: message, command: x}]
    conditions: [{condition: even}]
    actions: [{shout: hey}]
""")
    assert errors == []
    automation = engine.automations["custom"]
    assert automation.script.steps == [("shout-step", "hey", "actions.0")]
    (_description, even) = automation.conditions[0]
    assert even({"trigger": {"text": "ab"}}, None) and not even({"trigger": {"text": "abc"}}, None)


def test_disabled_automation_is_not_attached(tmp_path: Path, compiler) -> None:
    engine, errors, _path = _load(tmp_path, compiler, GOOD + """\
  - id: quiet
    enabled: false
    triggers: [{trigger: message, command: quiet}]
    actions: [{reply: quiet}]
""")
    assert errors == [] and set(engine.automations) == {"first", "quiet"}
    engine.attach(kinds=("message",))
    assert len(engine.message_index) == 1
