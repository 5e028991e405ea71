"""Test ciphers for the store: a real AES-256-GCM cipher and a plaintext control."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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
