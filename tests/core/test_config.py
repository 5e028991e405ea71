"""Loading configuration.yaml: defaults, and every error as FILE:LINE: key.path: message."""

from __future__ import annotations

from pathlib import Path

import pytest
import voluptuous as vol

from core.config import load_config, resolve_config_dir
from core.errors import ConfigError, ConfigErrors
from core.validation import one_of, validate
from core.yaml_loader import parse_yaml
from tests.helpers import write_integration

NEEDS_TOKEN = """
import voluptuous as vol

CONFIG_SCHEMA = vol.Schema({vol.Required("token"): str, vol.Optional("retries", default=3): int})
"""


def config_errors(config_dir: Path) -> list[ConfigError]:
    with pytest.raises(ConfigErrors) as info:
        load_config(config_dir)
    return info.value.errors


def test_defaults_fill_the_roost_section(make_config) -> None:
    config = load_config(make_config("console:\n"))
    assert config.core["name"] == "Roost"
    assert config.core["bot_names"] == ["roost"]
    assert config.core["log_level"] == "info"
    assert config.core["setup_timeout"] == 60.0
    assert config.core["setup_warn_after"] == 10.0
    assert config.integration_domains() == ["console"]
    assert config.automations == []


def test_values_are_coerced(make_config) -> None:
    config = load_config(make_config("roost:\n  bot_names: helper\n  log_level: DEBUG\n  setup_timeout: 2\n"))
    assert config.core["bot_names"] == ["helper"]
    assert config.core["log_level"] == "debug"
    assert config.core["setup_timeout"] == 2.0


def test_wrong_type_names_file_line_and_key_path(make_config) -> None:
    config_dir = make_config("roost:\n  name: Home\n  log_level: 5\n")
    [error] = config_errors(config_dir)
    assert str(error) == f"{config_dir / 'configuration.yaml'}:3: roost.log_level: expected str (got 5)"
    assert error.path == ("roost", "log_level")


def test_value_out_of_choices_says_what_was_expected(make_config) -> None:
    config_dir = make_config("roost:\n  log_level: verbose\n")
    [error] = config_errors(config_dir)
    assert error.line == 2
    assert "debug" in error.message and "'verbose'" in error.message


def test_several_errors_are_reported_together(make_config) -> None:
    config_dir = make_config("roost:\n  log_level: 5\n  colour: red\n  setup_timeout: -1\n")
    errors = config_errors(config_dir)
    assert sorted((e.line, ".".join(map(str, e.path))) for e in errors) == [
        (2, "roost.log_level"), (3, "roost.colour"), (4, "roost.setup_timeout"),
    ]
    assert any(e.message == "unknown key 'colour'" for e in errors)


def test_a_misspelt_key_gets_the_known_one_most_like_it(make_config) -> None:
    config_dir = make_config("roost:\n  log_levl: info\n")
    [error] = config_errors(config_dir)
    assert error.message == "unknown key 'log_levl' (did you mean 'log_level'?)"


@pytest.mark.parametrize(("schema", "data", "suggested"), [
    (vol.Schema({vol.Optional("alpha"): vol.Any(None, {vol.Required("colour"): str})}), {"alpha": {"color": "x"}},
     "colour"),  # through Any into a nested mapping
    (vol.Schema(vol.All({vol.Optional("items"): [{vol.Optional("threshold"): int}]})),
     {"items": [{"treshold": 1}]}, "threshold"),  # through All and a list
    (vol.Schema({vol.Optional("alpha"): int}), {"zzz": 1}, None),  # nothing alike
])
def test_suggestions_follow_the_schema(schema, data, suggested) -> None:
    with pytest.raises(ConfigErrors) as info:
        validate(schema, data)
    messages = [e.message for e in info.value.errors]
    unknown = next(m for m in messages if m.startswith("unknown key"))
    assert unknown.endswith(f"(did you mean '{suggested}'?)") if suggested else "did you mean" not in unknown


def test_section_given_as_a_plain_value_is_located(make_config) -> None:
    config_dir = make_config("console:\nroost: 5\n")
    [error] = config_errors(config_dir)
    assert (error.line, error.path) == (2, ("roost",))
    assert "expected a dictionary" in error.message


def test_automations_must_be_a_list(make_config) -> None:
    config_dir = make_config("roost:\n  name: x\nautomations:\n  ping: 1\n")
    [error] = config_errors(config_dir)
    assert error.path[0] == "automations"
    assert error.line == 3
    assert error.message == "expected a list of automations"


def test_configuration_must_be_a_mapping(make_config) -> None:
    [error] = config_errors(make_config("- roost\n- console\n"))
    assert error.line == 1
    assert "mapping of sections" in error.message


def test_top_level_keys_must_be_text(make_config) -> None:
    [error] = config_errors(make_config("console:\n1: x\n"))
    assert error.line == 2
    assert "must be text" in error.message


def test_missing_configuration_file_says_how_to_create_one(tmp_path: Path) -> None:
    [error] = config_errors(tmp_path)
    assert f"roost init {tmp_path}" in str(error)


def test_malformed_yaml_reaches_the_caller_with_its_line(make_config) -> None:
    config_dir = make_config("roost:\n  name: [x\nconsole:\n")
    with pytest.raises(ConfigError) as info:
        load_config(config_dir)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{config_dir / 'configuration.yaml'}:3: invalid YAML")


def test_locate_finds_keys_of_the_loaded_file(make_config) -> None:
    config = load_config(make_config("roost:\n  name: x\nconsole:\n  chat_id: local\n"))
    assert config.locate("console", "chat_id") == (str(config.file), 4)


def test_resolve_config_dir_prefers_argument_then_env_then_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROOST_CONFIG", str(tmp_path / "from_env"))
    assert resolve_config_dir(tmp_path / "arg") == tmp_path / "arg"
    assert resolve_config_dir(None) == tmp_path / "from_env"
    monkeypatch.delenv("ROOST_CONFIG")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_config_dir(None) == tmp_path / "home" / ".roost"


# -- errors only the gateway can find: they need the integrations --------------------------


async def test_unknown_top_level_key_naming_no_integration_is_an_error(make_config, make_gateway) -> None:
    config_dir = make_config("roost:\n  name: x\ntelegramm:\n  token: abc\nautomation: []\n")
    gateway = await make_gateway(config_dir, start=False)
    gateway.prepare()
    error, misspelt = gateway.config_errors
    assert str(error).startswith(f"{config_dir / 'configuration.yaml'}:3: unknown section 'telegramm'")
    assert "no integration of that name" in str(error)
    assert "unknown section 'automation' (did you mean 'automations'?)" in str(misspelt)


async def test_a_key_roost_no_longer_reads_is_left_out_with_a_warning(make_config, make_gateway, caplog) -> None:
    config_dir = make_config("roost:\n  name: x\nscheduler:\n  workers: 3\n  lease_seconds: 600\n")
    gateway = await make_gateway(config_dir, start=False)
    gateway.prepare()
    assert gateway.config_errors == [], "a configuration that worked before still starts"
    assert gateway._scheduler_settings["workers"] == 3
    [warning] = [r for r in caplog.records if "lease_seconds" in r.getMessage()]
    assert warning.levelname == "WARNING"
    assert warning.getMessage().startswith(
        f"{config_dir / 'configuration.yaml'}:5: scheduler.lease_seconds is no longer used, and is left out: ")
    assert warning.getMessage().endswith("Remove it from the file.")


async def test_required_key_missing_in_an_integration_section(make_config, make_gateway) -> None:
    config_dir = make_config("roost:\n  name: x\nchan:\n  retries: 2\n")
    write_integration(config_dir / "integrations", "chan", NEEDS_TOKEN)
    gateway = await make_gateway(config_dir, start=False)
    gateway.prepare()
    [error] = gateway.config_errors
    assert str(error) == (
        f"{config_dir / 'configuration.yaml'}:3: chan.token: required key 'token' is missing"
    )
    assert gateway.integrations["chan"].status == "failed"


async def test_wrong_type_in_an_integration_section(make_config, make_gateway) -> None:
    config_dir = make_config("chan:\n  token: abc\n  retries: many\n")
    write_integration(config_dir / "integrations", "chan", NEEDS_TOKEN)
    gateway = await make_gateway(config_dir, start=False)
    gateway.prepare()
    [error] = gateway.config_errors
    assert str(error).startswith(f"{config_dir / 'configuration.yaml'}:3: chan.retries: expected int")


async def test_error_in_an_included_section_names_the_included_file(make_config, make_gateway) -> None:
    config_dir = make_config(
        "chan: !include chan.yaml\n", files={"chan.yaml": "# the channel\ntoken: 5\n"}
    )
    write_integration(config_dir / "integrations", "chan", NEEDS_TOKEN)
    gateway = await make_gateway(config_dir, start=False)
    gateway.prepare()
    [error] = gateway.config_errors
    assert str(error) == (f"{config_dir / 'chan.yaml'}:2: chan.token: expected str"
                          " (got a value of type int, not shown: 'token' holds a credential)")


async def test_secret_and_env_var_reach_the_integration_config(
    make_config, make_gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ROOST_TEST_RETRIES", raising=False)
    config_dir = make_config(
        "chan:\n  token: !secret chan_token\n  retries: !env_var ROOST_TEST_RETRIES 4\n",
        files={"secrets.yaml": "chan_token: s3cret\n"},
    )
    write_integration(config_dir / "integrations", "chan", NEEDS_TOKEN)
    gateway = await make_gateway(config_dir, start=False)
    gateway.prepare()
    assert gateway.config_errors == []
    assert gateway.integrations["chan"].config == {"token": "s3cret", "retries": 4}


def test_a_bare_off_in_yaml_is_the_word_off_where_off_is_a_choice() -> None:
    written = parse_yaml("streaming: off\nmode: no\n", file="configuration.yaml")
    assert written["streaming"] is False  # YAML 1.1 reads both as false
    assert one_of("edits", "draft", "off")(written["streaming"]) == "off"
    with pytest.raises(vol.Invalid, match="value must be one of"):
        one_of("edits", "draft")(written["streaming"])
    with pytest.raises(vol.Invalid):
        one_of("yes", "no")(written["mode"])  # only off is read back as its word
