"""Configuration schema of the llama_cpp section: a list of local GGUF models."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import voluptuous as vol

from integrations.llama_cpp.modelfetch import DEFAULT_MODEL

__all__ = [
    "CONFIG_SCHEMA",
    "DEFAULT_MODEL_PATH",
    "DEFAULT_SYSTEM_PROMPT",
    "MODEL_SCHEMA",
    "default_parallel",
    "default_threads",
    "resolve_model_path",
]

DEFAULT_MODEL_PATH = f"models/{DEFAULT_MODEL.filename}"
DEFAULT_SYSTEM_PROMPT = "You are Roost, a helpful assistant running locally."


SMALL_MACHINE = 2 << 30
"""Machines with this much memory or less answer one request at a time by default (parallel: 1)."""


def default_parallel() -> int:
    """Slots per model when not configured: 1 on a machine with 2 GiB of memory or less, else 4."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            total = next(int(line.split()[1]) * 1024 for line in info if line.startswith("MemTotal:"))
    except (OSError, StopIteration, ValueError):
        return 1
    return 1 if total <= SMALL_MACHINE else 4


def default_threads() -> int:
    """Threads per model when not configured: min(4, cpu count)."""
    return max(1, min(4, os.cpu_count() or 1))


def _int(minimum: int) -> vol.All:
    """An int (not a bool) of at least minimum."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise vol.Invalid(f"expected a whole number, got {value!r}")
        return value

    return vol.All(check, vol.Range(min=minimum))


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise vol.Invalid(f"expected a non-empty model name, got {value!r}")
    return value.strip()


MODEL_SCHEMA = vol.Schema(
    {
        vol.Required("name"): _name,
        vol.Optional("path", default=DEFAULT_MODEL_PATH): vol.All(str, vol.Length(min=1)),
        vol.Optional("n_ctx", default=2048): _int(64),
        vol.Optional("parallel", default=default_parallel): vol.All(_int(1), vol.Range(max=64)),
        vol.Optional("kv_type", default="f16"): vol.In(["f16", "q8_0"]),
        vol.Optional("n_threads", default=default_threads): _int(1),
        vol.Optional("n_gpu_layers", default=0): _int(-1),
        vol.Optional("chat_format", default=None): vol.Any(None, vol.All(str, vol.Length(min=1))),
        vol.Optional("max_tokens", default=128): _int(1),
        vol.Optional("temperature", default=0.7): vol.All(
            vol.Coerce(float), vol.Range(min=0.0, max=2.0)
        ),
        vol.Optional("system_prompt", default=DEFAULT_SYSTEM_PROMPT): vol.Any(None, str),
    }
)


def _models(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise vol.Invalid("expected a list of models (each with at least a name)")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        try:
            model = MODEL_SCHEMA(item)
        except vol.MultipleInvalid as exc:
            raise vol.MultipleInvalid(
                [vol.Invalid(e.msg, path=[index, *e.path]) for e in exc.errors]
            ) from None
        if model["name"] in seen:
            raise vol.Invalid(f"model name {model['name']!r} is used twice", path=[index, "name"])
        if model["max_tokens"] >= model["n_ctx"]:
            raise vol.Invalid(
                f"max_tokens ({model['max_tokens']}) must be smaller than n_ctx ({model['n_ctx']})",
                path=[index, "max_tokens"],
            )
        seen.add(model["name"])
        out.append(model)
    return out


def _section(value: Any) -> dict[str, Any]:
    """An empty section means one model named 'local' on the bundled default file."""
    return {} if value is None else value


CONFIG_SCHEMA = vol.All(
    _section,
    vol.Schema({vol.Optional("models", default=lambda: [{"name": "local"}]): _models}),
)


def resolve_model_path(path: str, config_dir: Path | str) -> Path:
    """An absolute model path: ~ expanded, relative paths taken from the config directory."""
    p = Path(path).expanduser()
    if not p.is_absolute():
        p = Path(config_dir).expanduser() / p
    return p.absolute()
