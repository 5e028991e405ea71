"""Blueprints: inputs substituted, defaults, undeclared/missing/unknown inputs, shipped files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from core.automation.automation import compile_automation
from core.automation.blueprint import load_blueprint
from core.config import load_config, shipped_blueprints
from core.errors import ConfigError, ConfigErrors
from core.yaml_loader import load_yaml

GREETER = """\
blueprint:
  name: Greeter
  description: Greets on a command.
  input:
    command:
      name: Command
    greeting:
      name: Greeting
      default: Hello
    platforms:
      default: []
triggers:
  - trigger: message
    platform: !input platforms
    command: !input command
actions:
  - reply: "{{ inputs.greeting }}, {{ trigger.sender }}"
  - variables:
      said: !input greeting
priority: 3
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def _errors(excinfo: pytest.ExceptionInfo[BaseException]) -> list[ConfigError]:
    err = excinfo.value
    return list(err.errors) if isinstance(err, ConfigErrors) else [err]  # type: ignore[list-item]


async def test_inputs_are_substituted_and_defaults_used(start_gateway) -> None:
    h = await start_gateway(
        """
        automations:
          - id: hi
            use_blueprint:
              path: greeter.yaml
              input:
                command: hi
          - id: yo
            use_blueprint:
              path: greeter.yaml
              input: {command: yo, greeting: Yo}
        """,
        blueprints={"greeter.yaml": GREETER},
    )
    hi = h.engine.automations["hi"]
    assert hi.inputs == {"command": "hi", "greeting": "Hello", "platforms": []}
    assert hi.priority == 3
    assert hi.alias == "Greeter"
    assert h.engine.automations["yo"].inputs["greeting"] == "Yo"

    await h.ask("/hi", sender="ann")
    await h.ask("/yo", sender="bob")
    await h.ask("/hello", sender="eve")
    assert h.channels["test"].texts == ["Hello, ann", "Yo, bob"]
    variables_step = [s for s in h.traces("yo")[0].steps if s.action == "variables"]
    assert variables_step and variables_step[0].result == ["said"]


async def test_use_blueprint_can_override_priority_and_mode(start_gateway) -> None:
    h = await start_gateway(
        """
        automations:
          - id: hi
            priority: 42
            mode: single
            use_blueprint: {path: greeter.yaml, input: {command: hi}}
        """,
        blueprints={"greeter.yaml": GREETER},
    )
    automation = h.engine.automations["hi"]
    assert (automation.priority, automation.mode) == (42, "single")


def test_undeclared_input_names_blueprint_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", """\
        blueprint:
          name: Bad
          input:
            known:
              default: x
        triggers:
          - trigger: message
            command: !input known
        actions:
          - reply: !input secret_word
        """)
    with pytest.raises((ConfigError, ConfigErrors)) as excinfo:
        load_blueprint(path)
    errors = _errors(excinfo)
    assert len(errors) == 1
    assert errors[0].file == str(path)
    line = _line_of(path, "secret_word")
    assert errors[0].line == line == 10
    assert "secret_word" in errors[0].message
    assert str(errors[0]).startswith(f"{path}:{line}: ")


def test_required_input_missing_is_located_at_the_use(tmp_path: Path, compiler) -> None:
    folder = tmp_path / "blueprints"
    _write(folder, "greeter.yaml", GREETER)
    config = _write(tmp_path, "configuration.yaml", """\
        automations:
          - id: a
            use_blueprint:
              path: greeter.yaml
        """)
    entry = load_yaml(config)["automations"][0]
    with pytest.raises(ConfigErrors) as excinfo:
        compile_automation(entry, compiler, [folder], path=("automations", 0))
    (error,) = excinfo.value.errors
    assert error.file == str(config)
    assert error.line == 2
    assert "command" in error.message and "greeter.yaml" in error.message


def test_unknown_input_is_an_error(tmp_path: Path, compiler) -> None:
    folder = tmp_path / "blueprints"
    _write(folder, "greeter.yaml", GREETER)
    config = _write(tmp_path, "configuration.yaml", """\
        automations:
          - id: a
            use_blueprint:
              path: greeter.yaml
              input:
                command: go
                colour: blue
                greting: Hi
        """)
    entry = load_yaml(config)["automations"][0]
    with pytest.raises(ConfigErrors) as excinfo:
        compile_automation(entry, compiler, [folder], path=("automations", 0))
    (error, misspelt) = excinfo.value.errors
    assert "colour" in error.message and "not declared" in error.message and "did you mean" not in error.message
    assert "input 'greting' (did you mean 'greeting'?) is not declared" in misspelt.message
    assert error.file == str(config) and error.line is not None


def test_missing_blueprint_file_is_located(tmp_path: Path, compiler) -> None:
    config = _write(tmp_path, "configuration.yaml", """\
        automations:
          - id: a
            use_blueprint:
              path: nowhere.yaml
        """)
    entry = load_yaml(config)["automations"][0]
    with pytest.raises(ConfigError) as excinfo:
        compile_automation(entry, compiler, [tmp_path / "blueprints"], path=("automations", 0))
    assert excinfo.value.line == 4
    assert "nowhere.yaml" in excinfo.value.message and "did you mean" not in excinfo.value.message


def test_a_misspelt_blueprint_path_gets_the_likely_one(tmp_path: Path, compiler) -> None:
    _write(tmp_path / "blueprints" / "greet", "greeter.yaml", GREETER)
    config = _write(tmp_path, "configuration.yaml", """\
        automations:
          - id: a
            use_blueprint:
              path: greet/greeter.yml
        """)
    entry = load_yaml(config)["automations"][0]
    with pytest.raises(ConfigError) as excinfo:
        compile_automation(entry, compiler, [tmp_path / "blueprints"], path=("automations", 0))
    assert excinfo.value.message.endswith("(did you mean 'greet/greeter.yaml'?)")


def test_blueprint_without_header_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "plain.yaml", "triggers: []\nactions: []\n")
    with pytest.raises(ConfigError) as excinfo:
        load_blueprint(path)
    assert "blueprint:" in excinfo.value.message
    assert excinfo.value.file == str(path)


def test_config_dir_blueprint_wins_over_shipped(tmp_path: Path, compiler) -> None:
    _write(tmp_path / "blueprints", "ping.yaml", """\
        blueprint:
          name: Local ping
        triggers:
          - trigger: message
            command: localping
        actions:
          - reply: local
        """)
    _write(tmp_path, "configuration.yaml", """\
        automations:
          - id: p
            use_blueprint: {path: ping.yaml}
        """)
    config = load_config(tmp_path)
    automation = compile_automation(config.automations[0], compiler, config.blueprint_search())
    assert automation.alias == "Local ping"


SHIPPED = sorted(shipped_blueprints().glob("*.yaml"))


def test_blueprints_are_shipped() -> None:
    assert {p.name for p in SHIPPED} >= {"ping.yaml", "help.yaml", "echo.yaml"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_blueprint_loads_and_compiles(path: Path, compiler) -> None:
    blueprint = load_blueprint(path)
    assert blueprint.name
    given = {name: "x" for name in blueprint.required_inputs()}
    entry = {"id": path.stem, "use_blueprint": {"path": path.name, "input": given}}
    automation = compile_automation(entry, compiler, [shipped_blueprints()])
    assert automation.triggers and len(automation.script) >= 1


async def test_shipped_ping_help_echo_answer(start_gateway) -> None:
    h = await start_gateway(
        """
        automations:
          - id: ping
            use_blueprint: {path: ping.yaml}
          - id: help
            use_blueprint: {path: help.yaml, input: {bot_name: Hoot}}
          - id: echo
            use_blueprint: {path: echo.yaml, input: {prefix: "> "}}
        """
    )
    await h.ask("/ping 1 2")
    await h.ask("/help")
    await h.ask("/echo good morning")
    texts = h.channels["test"].texts
    assert texts[0] == "pong 1 2"
    assert texts[1].startswith("I am Hoot,") and "/ping" in texts[1]
    assert texts[2] == "> good morning"
    assert len(texts) == 3


async def test_shipped_unknown_command_answers_only_what_nothing_else_does(start_gateway) -> None:
    h = await start_gateway(
        """
        automations:
          - id: echo
            use_blueprint: {path: echo.yaml}
          - id: unknown_command
            use_blueprint: {path: unknown_command.yaml, input: {direct_platforms: [test]}}
        """
    )
    for text in ("/echo hi", "/hlep", "/echo", "just words"):
        await h.ask(text)
    assert h.channels["test"].texts == [
        "hi",
        "Nothing here answers /hlep written like that: /help lists the commands.",
        "Nothing here answers /echo written like that: /help lists the commands.",  # echo wants its text
    ]  # words are no command: left to the model's automation, or to nothing
