"""YAML with locations: errors name file and line; !secret, !include, !env_var, !input."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.yaml_loader import InputRef, NodeDict, NodeList, NodeStr, load_yaml, locate, parse_yaml
from tests.helpers import write_config


def load(config_dir: Path) -> object:
    return load_yaml(config_dir / "configuration.yaml", root=config_dir)


def raises_config_error(config_dir: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(config_dir)
    return info.value


def test_mappings_lists_and_strings_remember_file_and_lines(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path, """\
        roost:
          name: Home
          bot_names:
            - roost
            - helper
        console:
        """)
    data = load(config_dir)
    file = str(config_dir / "configuration.yaml")
    assert isinstance(data, NodeDict)
    assert data.key_lines == {"roost": 1, "console": 6}
    assert data["console"] is None
    name = data["roost"]["name"]
    assert isinstance(name, NodeStr) and name == "Home"
    assert (name.file, name.line) == (file, 2)
    names = data["roost"]["bot_names"]
    assert isinstance(names, NodeList) and names.item_lines == [4, 5]
    assert locate(data, ("roost", "bot_names", 1)) == (file, 5)
    assert locate(data, ("roost", "name")) == (file, 2)
    assert locate(data, ("roost", "absent")) == (file, 1)  # a missing key: where its parent is


def test_missing_key_is_located_at_its_parent_key_line(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path, """\
        first: 1
        chan:
          other: 1
          more: 2
        """)
    data = load(config_dir)
    assert locate(data, ("chan", "token"))[1] == 2


def test_empty_file_is_an_empty_mapping(tmp_path: Path) -> None:
    assert load(write_config(tmp_path, "# nothing yet\n")) == {}


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_yaml(tmp_path / "nope.yaml")
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}: file not found"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("roost:\n  name: a\n   bad: b\n", 3, "mapping values are not allowed"),
        ("a: 1\nb:\n\t- x\n", 3, "tabs for indentation"),
        ("a: [1, 2\nb: 3\n", 2, "expected ',' or ']'"),
        ("a: 'unclosed\n", 2, "end of stream"),
    ],
)
def test_malformed_yaml_names_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    config_dir = tmp_path / "c"
    config_dir.mkdir()
    (config_dir / "configuration.yaml").write_text(text)
    error = raises_config_error(config_dir)
    assert error.file == str(config_dir / "configuration.yaml")
    assert error.line == line
    assert str(error).startswith(f"{config_dir / 'configuration.yaml'}:{line}: invalid YAML: ")
    assert fragment in str(error)


def test_duplicate_key_is_an_error_at_the_second_occurrence(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path, """\
        roost:
          name: a
          log_level: info
          name: b
        """)
    error = raises_config_error(config_dir)
    assert str(error) == f"{config_dir / 'configuration.yaml'}:4: duplicate key 'name'"


def test_duplicate_top_level_key(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path, "console:\nroost:\nconsole:\n")
    assert raises_config_error(config_dir).line == 3


def test_unhashable_key_is_an_error(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path, "? [a, b]\n: 1\n")
    error = raises_config_error(config_dir)
    assert error.line == 1
    assert "mapping key must be a plain value" in str(error)


def test_include_is_relative_to_the_including_file_and_keeps_locations(tmp_path: Path) -> None:
    config_dir = write_config(
        tmp_path,
        "automations: !include parts/automations.yaml\n",
        files={
            "parts/automations.yaml": "- id: one\n  actions: !include actions.yaml\n",
            "parts/actions.yaml": "# comment\n- reply: hi\n",
        },
    )
    data = load(config_dir)
    assert data["automations"][0]["id"] == "one"
    assert data["automations"][0]["actions"] == [{"reply": "hi"}]
    actions_file = str(config_dir / "parts" / "actions.yaml")
    assert locate(data, ("automations", 0, "actions", 0, "reply")) == (actions_file, 2)
    assert locate(data, ("automations", 0, "id"))[0] == str(config_dir / "parts" / "automations.yaml")


def test_include_of_a_missing_file_names_where_it_was_asked(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path, "roost:\n  name: x\nautomations: !include nope.yaml\n")
    error = raises_config_error(config_dir)
    assert error.line == 3
    assert error.file == str(config_dir / "configuration.yaml")
    assert "nope.yaml" in str(error) and "does not exist" in str(error)


def test_error_inside_an_included_file_names_that_file(tmp_path: Path) -> None:
    config_dir = write_config(
        tmp_path, "automations: !include autos.yaml\n", files={"autos.yaml": "- a: 1\n- a: 1\n  a: 2\n"}
    )
    error = raises_config_error(config_dir)
    assert (error.file, error.line) == (str(config_dir / "autos.yaml"), 3)


def test_env_var_reads_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROOST_TEST_TOKEN", "abc123")
    monkeypatch.delenv("ROOST_TEST_UNSET", raising=False)
    config_dir = write_config(tmp_path, """\
        token: !env_var ROOST_TEST_TOKEN
        port: !env_var ROOST_TEST_UNSET 8080
        host: !env_var ROOST_TEST_UNSET localhost
        override: !env_var ROOST_TEST_TOKEN fallback
        """)
    data = load(config_dir)
    assert data["token"] == "abc123"
    assert data["port"] == 8080  # a default is read as YAML
    assert data["host"] == "localhost"
    assert data["override"] == "abc123"


def test_env_var_without_value_or_default_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROOST_TEST_UNSET", raising=False)
    config_dir = write_config(tmp_path, "a: 1\ntoken: !env_var ROOST_TEST_UNSET\n")
    error = raises_config_error(config_dir)
    assert error.line == 2
    assert "ROOST_TEST_UNSET is not set and no default was given" in str(error)


def test_secret_comes_from_secrets_yaml_beside_the_file(tmp_path: Path) -> None:
    config_dir = write_config(
        tmp_path, "telegram:\n  token: !secret telegram_token\n",
        files={"secrets.yaml": "telegram_token: '123:abc'\n"},
    )
    assert load(config_dir)["telegram"]["token"] == "123:abc"


def test_missing_secret_names_the_secret_file_and_line(tmp_path: Path) -> None:
    config_dir = write_config(
        tmp_path, "roost:\n  name: x\ntelegram:\n  token: !secret telegram_token\n",
        files={"secrets.yaml": "other: 1\n"},
    )
    error = raises_config_error(config_dir)
    assert (error.file, error.line) == (str(config_dir / "configuration.yaml"), 4)
    assert "secret 'telegram_token' is not defined in secrets.yaml" in str(error)
    assert str(config_dir / "secrets.yaml") in str(error)


def test_secret_in_an_included_file_looks_up_to_the_config_root(tmp_path: Path) -> None:
    config_dir = write_config(
        tmp_path, "chan: !include packages/chan.yaml\n",
        files={
            "secrets.yaml": "token: from-root\nlocal: from-root\n",
            "packages/secrets.yaml": "local: from-packages\n",
            "packages/chan.yaml": "token: !secret token\nlocal: !secret local\n",
        },
    )
    data = load(config_dir)
    assert data["chan"] == {"token": "from-root", "local": "from-packages"}


def test_secret_lookup_stops_at_the_config_root(tmp_path: Path) -> None:
    (tmp_path / "secrets.yaml").write_text("token: outside\n")  # above the root: never read
    config_dir = write_config(tmp_path / "config", "token: !secret token\n")
    error = raises_config_error(config_dir)
    assert "secret 'token' is not defined" in str(error)
    assert str(tmp_path / "secrets.yaml") not in str(error)


def test_secrets_file_cannot_use_secret_itself(tmp_path: Path) -> None:
    config_dir = write_config(
        tmp_path, "token: !secret a\n", files={"secrets.yaml": "a: !secret b\nb: x\n"}
    )
    error = raises_config_error(config_dir)
    assert error.file == str(config_dir / "secrets.yaml")
    assert "!secret cannot be used in secrets.yaml" in str(error)


def test_input_tags_become_references_with_locations() -> None:
    data = parse_yaml("actions:\n  - reply: !input answer\n", file="/bp/ping.yaml")
    ref = data["actions"][0]["reply"]
    assert ref == InputRef("answer", "/bp/ping.yaml", 2)


BOMB = """\
roost: {}
automations:
  - id: bomb
    variables:
      a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
      e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
      f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
      g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
      h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
      i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    triggers: [{trigger: message}]
    actions: [{reply: "{{ i }}"}]
"""


def test_an_alias_bomb_is_refused_at_once_with_its_line(tmp_path: Path) -> None:
    import time

    path = tmp_path / "configuration.yaml"
    path.write_text(BOMB, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    assert time.perf_counter() - started < 2
    assert info.value.line == 10 and "expands to more than 100,000 values" in info.value.message


def test_aliases_within_the_limit_still_load(tmp_path: Path) -> None:
    path = tmp_path / "configuration.yaml"
    path.write_text("base: &base {a: 1, b: [1, 2, 3]}\n" + "".join(f"k{n}: *base\n" for n in range(500)),
                    encoding="utf-8")
    data = load_yaml(path)
    assert data["k499"] == {"a": 1, "b": [1, 2, 3]}


def test_a_configuration_file_over_a_mebibyte_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "configuration.yaml"
    path.write_text("# padding\n" * 120_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="larger than 1024 KiB"):
        load_yaml(path)


def test_bytes_that_are_not_utf8_are_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "configuration.yaml"
    path.write_bytes(b"roost:\n  name: Caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    assert info.value.line == 2 and "not UTF-8" in info.value.message and "0xe9" in info.value.message


@pytest.mark.parametrize("character", ["\x00", "\x07"])
def test_a_character_yaml_forbids_is_a_located_error(tmp_path: Path, character: str) -> None:
    path = tmp_path / "configuration.yaml"
    path.write_text(f"roost:\n  name: Roost\n  bad: a{character}b\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    assert info.value.line == 3 and "is not allowed in a YAML file" in info.value.message


def test_a_forbidden_character_after_wide_ones_is_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "configuration.yaml"
    path.write_text("名前: 値 👋\n" * 3 + "bad: a\x00b\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    assert info.value.line == 4 and "U+0000" in info.value.message
