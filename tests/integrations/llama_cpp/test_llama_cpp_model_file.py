"""The bundled model file: fetched once into the cache, verified, copied into a config dir."""

from __future__ import annotations

from pathlib import Path

from integrations.llama_cpp.modelfetch import (
    DEFAULT_MODEL,
    fetch_default_model,
    model_status,
    verify_file,
)


def test_cached_model_is_the_expected_file(model_path: Path) -> None:
    assert model_path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert model_path.stat().st_size == 98_362_432
    assert verify_file(model_path, DEFAULT_MODEL.size, DEFAULT_MODEL.sha256)
    assert model_status(model_path) == "present"


def test_fetch_into_a_config_dir_copies_from_the_cache(model_path: Path, tmp_path: Path) -> None:
    dest = tmp_path / "config" / "models"
    out = fetch_default_model(dest, cache_dir=model_path.parent, progress=False)
    assert out == dest / DEFAULT_MODEL.filename
    assert verify_file(out, DEFAULT_MODEL.size, DEFAULT_MODEL.sha256)
    assert out.stat().st_ino != model_path.stat().st_ino
