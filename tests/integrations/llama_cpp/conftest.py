"""Fixtures for the llama_cpp tests: backends on the real bundled model (`model_path`, from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from integrations.llama_cpp.backend import LlamaCppBackend
from integrations.llama_cpp.config import MODEL_SCHEMA


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
