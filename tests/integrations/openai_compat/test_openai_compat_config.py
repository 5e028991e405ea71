"""The openai_compat configuration schema and its conversion into settings."""

from __future__ import annotations

from typing import Any

import pytest
import voluptuous as vol

from core.errors import ConfigError
from integrations.openai_compat.config import CONFIG_SCHEMA, ModelSettings, parse_config


def section(**model: Any) -> dict[str, Any]:
    """A section with one model, filled with the required keys unless overridden."""
    base: dict[str, Any] = {
        "name": "remote",
        "model": "llama3",
        "endpoints": [{"base_url": "http://127.0.0.1:8080/v1"}],
    }
    base.update(model)
    return {"models": [base]}


def test_defaults_are_filled_in() -> None:
    model = CONFIG_SCHEMA(section())["models"][0]
    assert model == {
        "name": "remote",
        "model": "llama3",
        "endpoints": [{"base_url": "http://127.0.0.1:8080/v1", "api_key": None}],
        "timeout": 60.0,
        "max_tokens": 256,
        "temperature": 0.7,
        "max_retries": 2,
        "max_connections": 32,
    }


def test_full_example_round_trips_into_settings() -> None:
    config = {
        "models": [
            {
                "name": "remote",
                "model": "llama3",
                "endpoints": [
                    {"base_url": "http://10.0.0.5:8080/v1/", "api_key": "sk-1"},
                    "https://backup.example/v1",
                ],
                "timeout": 30,
                "max_tokens": 512,
                "temperature": 0,
                "max_retries": 0,
            },
            {"name": "other", "model": "qwen", "endpoints": ["http://127.0.0.1:11434/v1"]},
        ]
    }
    first, second = parse_config(config)
    assert isinstance(first, ModelSettings)
    assert [e.base_url for e in first.endpoints] == [
        "http://10.0.0.5:8080/v1",
        "https://backup.example/v1",
    ]
    assert [e.api_key for e in first.endpoints] == ["sk-1", None]
    assert first.endpoints[0].chat_url == "http://10.0.0.5:8080/v1/chat/completions"
    assert (first.timeout, first.max_tokens, first.temperature, first.max_retries) == (
        30.0,
        512,
        0.0,
        0,
    )
    assert second.name == "other" and second.max_retries == 2
    assert "sk-1" not in repr(first.endpoints[0])


@pytest.mark.parametrize(
    "url",
    [
        "ftp://host/v1",
        "127.0.0.1:8080/v1",
        "http://",
        "not a url",
        "",
        "http://h:99999/v1",
        "http://h/v1?x=1",
    ],
)
def test_base_url_must_be_an_http_url(url: str) -> None:
    with pytest.raises(vol.Invalid) as caught:
        CONFIG_SCHEMA(section(endpoints=[{"base_url": url}]))
    assert caught.value.path[-1] == "base_url"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("timeout", 0),
        ("timeout", -5),
        ("max_tokens", 0),
        ("max_tokens", "many"),
        ("temperature", 2.5),
        ("temperature", -0.1),
        ("max_retries", -1),
        ("max_connections", 0),
        ("name", ""),
        ("model", "   "),
        ("endpoints", []),
        ("unexpected", 1),
    ],
)
def test_invalid_values_are_rejected_at_their_key(key: str, value: Any) -> None:
    with pytest.raises(vol.Invalid) as caught:
        CONFIG_SCHEMA(section(**{key: value}))
    assert key in [str(p) for p in caught.value.path]


@pytest.mark.parametrize("missing", ["name", "model", "endpoints"])
def test_required_keys(missing: str) -> None:
    config = section()
    del config["models"][0][missing]
    with pytest.raises(vol.Invalid, match="required"):
        CONFIG_SCHEMA(config)


def test_at_least_one_model_and_unique_names() -> None:
    with pytest.raises(vol.Invalid):
        CONFIG_SCHEMA({"models": []})
    with pytest.raises(vol.Invalid):
        CONFIG_SCHEMA({})
    twice = section()
    twice["models"].append(dict(twice["models"][0]))
    with pytest.raises(vol.Invalid, match="used twice"):
        CONFIG_SCHEMA(twice)


def test_empty_api_key_is_rejected() -> None:
    with pytest.raises(vol.Invalid):
        CONFIG_SCHEMA(section(endpoints=[{"base_url": "http://h/v1", "api_key": ""}]))


def test_parse_config_raises_config_error_with_the_key_path() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(section(endpoints=[{"base_url": "http://ok/v1"}, {"base_url": "gopher://x"}]))
    assert caught.value.path == ("openai_compat", "models", 0, "endpoints", 1, "base_url")
    assert "http://" in caught.value.message
    with pytest.raises(ConfigError) as missing:
        parse_config(None)
    assert missing.value.path == ("openai_compat", "models")
