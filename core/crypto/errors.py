"""Errors of encryption at rest: each one says what failed and what to do about it."""

from __future__ import annotations

from core.errors import RoostError


class CryptoError(RoostError):
    """Base class for errors of encryption at rest."""


class FingerprintError(CryptoError):
    """This device cannot be identified, so no key can be bound to it."""


class KeyFileError(CryptoError):
    """A key file or key export is missing, unreadable, corrupt or of an unknown format."""


class DeviceMismatchError(CryptoError):
    """The key file cannot be unwrapped here: another device, or another passphrase."""


class PassphraseError(CryptoError):
    """A passphrase is missing, empty, or does not open a key export."""


class DecryptError(CryptoError):
    """One stored value could not be decrypted; names the table, row and column."""

    def __init__(self, reason: str, *, table: str, row: str | int, column: str) -> None:
        self.reason = reason
        self.table = table
        self.row = row
        self.column = column
        super().__init__(f"ciphertext for {table} row {row} column {column} {reason}")
