"""Store test fixtures: a real AES-GCM test cipher, a plaintext cipher, and open stores in tmp dirs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from store_ciphers import AesGcmTestCipher, PlainTestCipher

from core.store import Store

__all__ = ["AesGcmTestCipher", "PlainTestCipher"]


@pytest.fixture
def cipher() -> AesGcmTestCipher:
    """A fresh AES-GCM test cipher."""
    return AesGcmTestCipher()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database lives."""
    return tmp_path / "roost.db"


@pytest.fixture
async def store(db_path: Path, cipher: AesGcmTestCipher) -> AsyncIterator[Store]:
    """An open store on a real file, encrypted with the test cipher."""
    opened = await Store.open(db_path, cipher)
    try:
        yield opened
    finally:
        await opened.close()
