"""Store test fixtures: a real AES-GCM test cipher, a plaintext cipher, and open stores in tmp dirs."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.store import Store

NONCE = 12


class AesGcmTestCipher:
    """AES-256-GCM with a fresh nonce per value and (table, row, column) as associated data."""

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self.key)

    @staticmethod
    def _aad(table: str, row: str | int, column: str) -> bytes:
        return f"{table}\x1f{row}\x1f{column}".encode()

    def encrypt(self, plaintext: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Seal plaintext for this place."""
        nonce = os.urandom(NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, self._aad(table, row, column))

    def decrypt(self, blob: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Open a value sealed for this place (raises InvalidTag otherwise)."""
        return self._aead.decrypt(blob[:NONCE], blob[NONCE:], self._aad(table, row, column))


class PlainTestCipher:
    """No encryption: values are stored as they are (the control case)."""

    def encrypt(self, plaintext: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Return plaintext."""
        return plaintext

    def decrypt(self, blob: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Return blob."""
        return blob


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
