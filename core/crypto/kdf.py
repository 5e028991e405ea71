"""Key derivation: scrypt over a secret, then HKDF-SHA256 with a purpose label.

scrypt makes every guess expensive (memory-hard: 128·n·r bytes, 16 MiB at the defaults);
HKDF with a distinct `info` separates purposes, so the key that wraps a device's key file
and the key that protects an export can never be the same key even from the same secret.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.crypto.errors import KeyFileError

INFO_KEY_WRAP = b"roost key wrap v1"
INFO_KEY_EXPORT = b"roost key export v1"
SALT_BYTES = 16

_MAX_N = 2**20
_MAX_MEMORY = 1 << 30


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost parameters, stored next to the salt in every wrapped file."""

    n: int = 2**14
    r: int = 8
    p: int = 1

    def to_json(self) -> dict[str, Any]:
        """The parameters as stored in a key file."""
        return {"name": "scrypt+hkdf-sha256", "n": self.n, "r": self.r, "p": self.p}

    @classmethod
    def from_json(cls, data: Any, where: str) -> ScryptParams:
        """Parse and bound-check stored parameters; KeyFileError names `where` if invalid."""
        if not isinstance(data, dict) or data.get("name") != "scrypt+hkdf-sha256":
            raise KeyFileError(f"{where}: kdf must be an object with name 'scrypt+hkdf-sha256'")
        n, r, p = data.get("n"), data.get("r"), data.get("p")
        if not all(type(v) is int for v in (n, r, p)):
            raise KeyFileError(f"{where}: kdf n, r and p must be integers")
        if n < 2**10 or n > _MAX_N or n & (n - 1):
            raise KeyFileError(f"{where}: kdf n must be a power of two in [2^10, 2^20], got {n}")
        if not 1 <= r <= 32 or not 1 <= p <= 16 or 128 * n * r > _MAX_MEMORY:
            raise KeyFileError(f"{where}: kdf r={r} p={p} out of range (1..32, 1..16, <= 1 GiB)")
        return cls(n=n, r=r, p=p)


def passphrase_bytes(passphrase: str) -> bytes:
    """A passphrase as bytes: Unicode NFC, then UTF-8, so the same text always matches."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_key(secret: bytes, salt: bytes, params: ScryptParams, info: bytes) -> bytes:
    """Derive a 256-bit key: HKDF-SHA256(scrypt(secret, salt), info)."""
    stretched = Scrypt(salt=salt, length=32, n=params.n, r=params.r, p=params.p).derive(secret)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(stretched)
