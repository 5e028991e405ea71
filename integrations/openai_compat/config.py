"""Configuration of the openai_compat section: remote models served over /v1/chat/completions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import voluptuous as vol

from core.errors import ConfigError

DOMAIN = "openai_compat"

DEFAULT_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_TOKENS = 256
DEFAULT_TEMPERATURE = 0.7
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_CONNECTIONS = 32


def http_url(value: Any) -> str:
    """Accept an absolute http(s) URL and return it without a trailing slash."""
    if not isinstance(value, str) or not value.strip():
        raise vol.Invalid(
            f"expected an http:// or https:// URL such as http://127.0.0.1:8080/v1, got {value!r}"
        )
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise vol.Invalid(
            f"expected an http:// or https:// URL such as http://127.0.0.1:8080/v1, got {text!r}"
        )
    if parts.query or parts.fragment:
        raise vol.Invalid(f"base_url must not carry a query or a fragment, got {text!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as err:
        raise vol.Invalid(f"base_url has an invalid port: {text!r}") from err
    return text.rstrip("/")


def _endpoint(value: Any) -> Any:
    """Let an endpoint be written as a bare URL string."""
    if isinstance(value, str):
        return {"base_url": value}
    return value


ENDPOINT_SCHEMA = vol.All(
    _endpoint,
    vol.Schema(
        {
            vol.Required("base_url"): http_url,
            vol.Optional("api_key", default=None): vol.Any(
                None, vol.All(str, vol.Strip, vol.Length(min=1, msg="api_key must not be empty"))
            ),
        }
    ),
)

_NAME = vol.All(str, vol.Strip, vol.Length(min=1, msg="must not be empty"))

MODEL_SCHEMA = vol.Schema(
    {
        vol.Required("name"): _NAME,
        vol.Required("model"): _NAME,
        vol.Required("endpoints"): vol.All(
            [ENDPOINT_SCHEMA], vol.Length(min=1, msg="list at least one endpoint")
        ),
        vol.Optional("timeout", default=DEFAULT_TIMEOUT): vol.All(
            vol.Coerce(float), vol.Range(min=0, min_included=False, msg="must be above 0 seconds")
        ),
        vol.Optional("max_tokens", default=DEFAULT_MAX_TOKENS): vol.All(
            int, vol.Range(min=1, msg="must be at least 1")
        ),
        vol.Optional("temperature", default=DEFAULT_TEMPERATURE): vol.All(
            vol.Coerce(float), vol.Range(min=0, max=2, msg="must be between 0 and 2")
        ),
        vol.Optional("max_retries", default=DEFAULT_MAX_RETRIES): vol.All(
            int, vol.Range(min=0, msg="must be 0 or more")
        ),
        vol.Optional("max_connections", default=DEFAULT_MAX_CONNECTIONS): vol.All(
            int, vol.Range(min=1, msg="must be at least 1")
        ),
    }
)


def _unique_names(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reject two models with the same Roost name."""
    seen: set[str] = set()
    for index, model in enumerate(models):
        if model["name"] in seen:
            raise vol.Invalid(
                f"model name {model['name']!r} is used twice; each name must be unique",
                path=[index, "name"],
            )
        seen.add(model["name"])
    return models


CONFIG_SCHEMA = vol.Schema(
    {
        vol.Required("models"): vol.All(
            [MODEL_SCHEMA], vol.Length(min=1, msg="list at least one model"), _unique_names
        ),
    }
)


@dataclass(frozen=True, slots=True)
class EndpointSettings:
    """One server that can answer: its base URL (…/v1) and optional bearer key."""

    base_url: str
    api_key: str | None = None

    @property
    def chat_url(self) -> str:
        """The chat completions URL of this endpoint."""
        return f"{self.base_url}/chat/completions"

    def __repr__(self) -> str:
        key = "set" if self.api_key else "none"
        return f"EndpointSettings(base_url={self.base_url!r}, api_key={key})"


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """A validated remote model: what Roost calls it, what the server calls it, where it runs."""

    name: str
    model: str
    endpoints: tuple[EndpointSettings, ...]
    timeout: float = DEFAULT_TIMEOUT
    max_tokens: int = DEFAULT_MAX_TOKENS
    temperature: float = DEFAULT_TEMPERATURE
    max_retries: int = DEFAULT_MAX_RETRIES
    max_connections: int = DEFAULT_MAX_CONNECTIONS

    @classmethod
    def from_config(cls, model: Mapping[str, Any]) -> ModelSettings:
        """Build settings from one model entry already validated by MODEL_SCHEMA."""
        return cls(
            name=model["name"],
            model=model["model"],
            endpoints=tuple(
                EndpointSettings(base_url=e["base_url"], api_key=e.get("api_key"))
                for e in model["endpoints"]
            ),
            timeout=float(model["timeout"]),
            max_tokens=int(model["max_tokens"]),
            temperature=float(model["temperature"]),
            max_retries=int(model["max_retries"]),
            max_connections=int(model["max_connections"]),
        )


def parse_config(section: Any) -> tuple[ModelSettings, ...]:
    """Validate the openai_compat section and return one ModelSettings per model."""
    try:
        validated = CONFIG_SCHEMA(section if section is not None else {})
    except vol.MultipleInvalid as err:
        first = err.errors[0]
        raise ConfigError(first.msg, path=(DOMAIN, *first.path)) from err
    except vol.Invalid as err:
        raise ConfigError(err.msg, path=(DOMAIN, *err.path)) from err
    return tuple(ModelSettings.from_config(m) for m in validated["models"])
