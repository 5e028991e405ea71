"""The llama_cpp section schema: defaults, validation errors, path resolution."""

from __future__ import annotations

from pathlib import Path

import pytest
import voluptuous as vol

from integrations.llama_cpp.config import (
    CONFIG_SCHEMA,
    DEFAULT_MODEL_PATH,
    DEFAULT_SYSTEM_PROMPT,
    default_parallel,
    default_threads,
    resolve_model_path,
)


def test_defaults_filled_in() -> None:
    out = CONFIG_SCHEMA({"models": [{"name": "local", "path": "models/x.gguf"}]})
    (model,) = out["models"]
    assert model == {
        "name": "local",
        "path": "models/x.gguf",
        "n_ctx": 2048,
        "parallel": default_parallel(),
        "kv_type": "f16",
        "n_threads": default_threads(),
        "n_gpu_layers": 0,
        "chat_format": None,
        "max_tokens": 128,
        "temperature": 0.7,
        "system_prompt": DEFAULT_SYSTEM_PROMPT,
    }
    assert 1 <= default_threads() <= 4


@pytest.mark.parametrize("section", [None, {}])
def test_empty_section_serves_the_bundled_model(section: dict | None) -> None:
    out = CONFIG_SCHEMA(section)
    assert [m["name"] for m in out["models"]] == ["local"]
    assert out["models"][0]["path"] == DEFAULT_MODEL_PATH


def test_explicit_values_kept() -> None:
    out = CONFIG_SCHEMA(
        {
            "models": [
                {
                    "name": "big",
                    "path": "/m/big.gguf",
                    "n_ctx": 4096,
                    "n_threads": 3,
                    "n_gpu_layers": -1,
                    "chat_format": "chatml",
                    "max_tokens": 64,
                    "temperature": 0,
                    "system_prompt": None,
                }
            ]
        }
    )
    m = out["models"][0]
    assert (m["n_ctx"], m["n_threads"], m["n_gpu_layers"], m["chat_format"]) == (4096, 3, -1, "chatml")
    assert m["temperature"] == 0.0 and isinstance(m["temperature"], float)
    assert m["system_prompt"] is None


@pytest.mark.parametrize(
    ("model", "fragment"),
    [
        ({"path": "x.gguf"}, "name"),
        ({"name": "", "path": "x.gguf"}, "non-empty model name"),
        ({"name": "a", "n_ctx": 16}, "n_ctx"),
        ({"name": "a", "n_threads": 0}, "n_threads"),
        ({"name": "a", "n_threads": True}, "whole number"),
        ({"name": "a", "temperature": 3}, "temperature"),
        ({"name": "a", "max_tokens": 2048, "n_ctx": 2048}, "smaller than n_ctx"),
        ({"name": "a", "surprise": 1}, "surprise"),
    ],
)
def test_invalid_model_rejected(model: dict, fragment: str) -> None:
    with pytest.raises(vol.Invalid) as info:
        CONFIG_SCHEMA({"models": [model]})
    assert fragment in str(info.value)


def test_duplicate_names_rejected() -> None:
    with pytest.raises(vol.Invalid, match="used twice"):
        CONFIG_SCHEMA({"models": [{"name": "a"}, {"name": "a"}]})


def test_error_path_points_at_the_model() -> None:
    with pytest.raises(vol.Invalid) as info:
        CONFIG_SCHEMA({"models": [{"name": "ok"}, {"name": "bad", "n_ctx": "big"}]})
    assert info.value.path[:3] == ["models", 1, "n_ctx"]


def test_relative_paths_resolve_against_the_config_dir(tmp_path: Path) -> None:
    assert resolve_model_path("models/a.gguf", tmp_path) == tmp_path / "models" / "a.gguf"
    assert resolve_model_path("/abs/b.gguf", tmp_path) == Path("/abs/b.gguf")
    assert resolve_model_path("~/c.gguf", tmp_path) == Path.home() / "c.gguf"


def test_parallel_defaults_to_the_machines_memory(monkeypatch, tmp_path: Path) -> None:
    import builtins

    real_open = builtins.open

    def meminfo(total_kib: int):
        def fake_open(path, *args, **kwargs):
            if path == "/proc/meminfo":
                info = tmp_path / "meminfo"
                info.write_text(f"MemTotal:       {total_kib} kB\nMemFree:        1000 kB\n")
                return real_open(info, *args, **kwargs)
            return real_open(path, *args, **kwargs)
        return fake_open

    monkeypatch.setattr(builtins, "open", meminfo(2 * 1024 * 1024))  # a 2 GiB Pi
    assert default_parallel() == 1
    monkeypatch.setattr(builtins, "open", meminfo(8 * 1024 * 1024))
    assert default_parallel() == 4


@pytest.mark.parametrize(("model", "message"), [
    ({"parallel": 0}, "parallel"), ({"parallel": 65}, "parallel"), ({"kv_type": "q4"}, "kv_type"),
])
def test_parallel_and_kv_type_are_checked(model: dict, message: str) -> None:
    with pytest.raises(vol.Invalid) as caught:
        CONFIG_SCHEMA({"models": [{"name": "local", **model}]})
    assert message in str(caught.value)
