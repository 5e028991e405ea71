"""Fixtures for the llama_cpp tests: backends on the real bundled model (`model_path`, from tests/conftest.py)."""

from __future__ import annotations

import struct
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


def write_aborting_model(model_path: Path, dest: Path) -> Path:
    """A copy of the bundled model that llama.cpp aborts on while loading (SIGABRT, from native code).

    One token of its vocabulary is made the same text as another, of the same length: llama.cpp's vocabulary
    load then fails its GGML_ASSERT that each token text is unique, and abort() ends the process.
    """
    data = bytearray(model_path.read_bytes())
    key = b"tokenizer.ggml.tokens"
    at = data.index(struct.pack("<Q", len(key)) + key) + 8 + len(key)
    value_type, item_type, count = struct.unpack_from("<IIQ", data, at)
    assert (value_type, item_type) == (9, 8), "tokenizer.ggml.tokens is an array of strings"
    at += 16
    first_of_length: dict[int, int] = {}
    for _ in range(count):
        (length,) = struct.unpack_from("<Q", data, at)
        if length in first_of_length:
            other = first_of_length[length]
            data[at + 8:at + 8 + length] = data[other + 8:other + 8 + length]
            break
        first_of_length[length] = at
        at += 8 + length
    dest.write_bytes(data)
    return dest
