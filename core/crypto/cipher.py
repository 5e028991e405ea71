"""Per-value encryption for the store: AES-256-GCM bound to table, row and column.

Blob layout (33 bytes of overhead):

    1 byte   format version (1)
    4 bytes  key id, big-endian (which data key of the ring)
    12 bytes nonce, unique per value (see NonceSequence)
    n + 16   ciphertext and GCM tag

The associated data is b"roost/v1/<table>/<row>/<column>", so a ciphertext copied to another
row or column fails authentication. Table and column names may not contain "/", which keeps
that string unambiguous whatever the row id holds. The version byte and key id sit at the
start, so a value tells which key it needs (``key_id_of``) and whether a rotation must rewrite
it (``needs_rotation``).

Nonces come from a counter that starts at a random 96-bit value in each process (see
``NonceSequence``): within a process they never repeat, and two processes only collide if their
ranges overlap, about (n1 + n2) / 2^96 for n1 and n2 values - far less likely than a repeat
among random nonces, and without a system call per value (os.urandom per value cost more than
the encryption itself and released the GIL each time). Still rotate the key long before 2^32
values (NIST SP 800-38D); that is years at home-gateway rates.
"""

from __future__ import annotations

import itertools
import os
import weakref

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.crypto.errors import DecryptError
from core.crypto.keyfile import KeyRing

FORMAT_VERSION = 1
HEADER_BYTES = 5
NONCE_BYTES = 12
TAG_BYTES = 16
OVERHEAD = HEADER_BYTES + NONCE_BYTES + TAG_BYTES
_AAD_ROOT = b"roost/v1/"
_BYTES_LIKE = (bytes, bytearray, memoryview)
_NONCE_MASK = (1 << (8 * NONCE_BYTES)) - 1


class NonceSequence:
    """Unique 96-bit GCM nonces: a random start per process, then counting up (reseeded after fork)."""

    __slots__ = ("_count", "__weakref__")

    def __init__(self) -> None:
        self._count: itertools.count[int] = itertools.count()
        self.reseed()
        _SEQUENCES.add(self)

    def reseed(self) -> None:
        """Start again from a fresh random 96-bit value (a forked child must not repeat its parent)."""
        self._count = itertools.count(int.from_bytes(os.urandom(NONCE_BYTES), "big"))

    def next(self) -> bytes:
        """The next nonce (thread-safe: one counter step is atomic)."""
        return (next(self._count) & _NONCE_MASK).to_bytes(NONCE_BYTES, "big")


_SEQUENCES: weakref.WeakSet[NonceSequence] = weakref.WeakSet()


def _reseed_after_fork() -> None:
    for sequence in list(_SEQUENCES):
        sequence.reseed()


os.register_at_fork(after_in_child=_reseed_after_fork)


def key_id_of(blob: bytes) -> int | None:
    """The key id written in a ciphertext, or None if it is no version-1 ciphertext."""
    if not isinstance(blob, _BYTES_LIKE) or len(blob) < OVERHEAD or blob[0] != FORMAT_VERSION:
        return None
    return int.from_bytes(blob[1:HEADER_BYTES], "big")


class Cipher:
    """AES-256-GCM with the key ring's current key; older keys of the ring still decrypt."""

    def __init__(self, keyring: KeyRing, nonces: NonceSequence | None = None) -> None:
        self._ring = keyring
        self._nonces = nonces if nonces is not None else NonceSequence()
        self._aad_parts: dict[tuple[str, str], tuple[bytes, bytes]] = {}
        self._state = self._load()

    def _load(self) -> tuple[int, bytes, AESGCM, dict[int, AESGCM]]:
        """Build one AESGCM per key (reused for every value) and the current header."""
        ring = self._ring
        generation, current = ring.generation, ring.current_id
        aeads = {kid: AESGCM(ring.key(kid)) for kid in ring.key_ids}
        prefix = bytes((FORMAT_VERSION,)) + current.to_bytes(4, "big")
        return generation, prefix, aeads[current], aeads

    def _current(self) -> tuple[int, bytes, AESGCM, dict[int, AESGCM]]:
        """The state for the ring's current generation (rebuilt after rotate or retire)."""
        state = self._state
        if state[0] != self._ring.generation:
            state = self._state = self._load()
        return state

    @property
    def current_key_id(self) -> int:
        """The id of the key new values are encrypted with."""
        return int.from_bytes(self._current()[1][1:], "big")

    def _aad(self, table: str, row: str | int, column: str) -> bytes:
        """The associated data b"roost/v1/<table>/<row>/<column>"."""
        parts = self._aad_parts.get((table, column))
        if parts is None:
            for name, what in ((table, "table"), (column, "column")):
                if not isinstance(name, str) or not name or "/" in name:
                    raise ValueError(
                        f"{what} name must be a non-empty string without '/': {name!r}"
                    )
            parts = (_AAD_ROOT + table.encode() + b"/", b"/" + column.encode())
            self._aad_parts[(table, column)] = parts
        row_bytes = b"%d" % row if type(row) is int else str(row).encode()
        return parts[0] + row_bytes + parts[1]

    def encrypt(self, plaintext: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Encrypt `plaintext` for (table, row, column) under the current key."""
        # The hot path of every stored message: the steps of _current, _aad and the nonce
        # sequence written out here (each call costs about as much as the step itself).
        state = self._state
        if state[0] != self._ring.generation:
            state = self._current()
        parts = self._aad_parts.get((table, column))
        if parts is None:
            return self._encrypt_slow(plaintext, table, row, column)
        aad = parts[0] + (b"%d" % row if type(row) is int else str(row).encode()) + parts[1]
        nonce = (next(self._nonces._count) & _NONCE_MASK).to_bytes(NONCE_BYTES, "big")
        return state[1] + nonce + state[2].encrypt(nonce, plaintext, aad)

    def _encrypt_slow(self, plaintext: bytes, table: str, row: str | int, column: str) -> bytes:
        """encrypt() for a (table, column) not seen before: checks the names first."""
        _, prefix, aead, _ = self._current()
        aad = self._aad(table, row, column)
        nonce = self._nonces.next()
        return prefix + nonce + aead.encrypt(nonce, plaintext, aad)

    def decrypt(self, blob: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Decrypt a value read from (table, row, column); DecryptError names them on failure."""
        where = {"table": table, "row": row, "column": column}
        if not isinstance(blob, _BYTES_LIKE):
            raise DecryptError(f"is not a ciphertext (got {type(blob).__name__})", **where)
        if len(blob) < OVERHEAD:
            raise DecryptError(
                f"is truncated: {len(blob)} bytes, a ciphertext has at least {OVERHEAD}", **where
            )
        if blob[0] != FORMAT_VERSION:
            raise DecryptError(
                f"has unknown format version {blob[0]} (expected {FORMAT_VERSION}): "
                "corrupt, or written by a newer Roost",
                **where,
            )
        key_id = int.from_bytes(blob[1:HEADER_BYTES], "big")
        aead = self._current()[3].get(key_id)
        if aead is None:
            raise DecryptError(
                f"was encrypted with key {key_id}, which is not in the key ring "
                "(corrupt, retired too early, or from another key file)",
                **where,
            )
        try:
            return aead.decrypt(
                blob[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES],
                blob[HEADER_BYTES + NONCE_BYTES :],
                self._aad(table, row, column),
            )
        except InvalidTag:
            raise DecryptError("failed authentication: tampered or moved", **where) from None

    def needs_rotation(self, blob: bytes) -> bool:
        """True unless `blob` is a ciphertext under the current key (malformed blobs: True)."""
        if not isinstance(blob, _BYTES_LIKE):
            return True
        return bytes(blob[:HEADER_BYTES]) != self._current()[1]


class NullCipher:
    """Encryption off: values are stored as plaintext (for benchmarks and comparisons)."""

    def encrypt(self, plaintext: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Return the plaintext unchanged (as bytes)."""
        return bytes(plaintext)

    def decrypt(self, blob: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Return the stored bytes unchanged."""
        if not isinstance(blob, _BYTES_LIKE):
            raise DecryptError(
                f"is not a stored value (got {type(blob).__name__})",
                table=table,
                row=row,
                column=column,
            )
        return bytes(blob)

    def needs_rotation(self, blob: bytes) -> bool:
        """Never: there is no key to rotate."""
        return False
