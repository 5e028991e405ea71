"""GCM nonces: a counter from a random start per process, never repeated, fresh after a fork."""

from __future__ import annotations

import os

import pytest

from core.crypto import Cipher, KeyRing
from core.crypto.cipher import NONCE_BYTES, NonceSequence
from core.crypto.keyfile import new_data_key

PLACE = {"table": "inbox", "row": 1, "column": "text"}


def test_a_sequence_counts_up_from_a_random_start() -> None:
    first, second = NonceSequence(), NonceSequence()
    a = [first.next() for _ in range(1000)]
    assert all(len(n) == NONCE_BYTES for n in a)
    assert len(set(a)) == 1000
    values = [int.from_bytes(n, "big") for n in a]
    assert values == [(values[0] + i) % 2**96 for i in range(1000)]
    assert second.next() not in a  # another start (a collision would be a 1 in 2^86 event)


def test_the_count_wraps_within_96_bits() -> None:
    sequence = NonceSequence()
    sequence._count = iter([2**96 - 1, 2**96])  # type: ignore[assignment]
    assert sequence.next() == b"\xff" * NONCE_BYTES
    assert sequence.next() == b"\x00" * NONCE_BYTES


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_does_not_repeat_its_parents_nonces() -> None:
    sequence = NonceSequence()
    sequence.next()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next nonces, then leave at once
        os.close(read)
        os.write(write, b"".join(sequence.next() for _ in range(10)))
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 4096):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    child = {data[i:i + NONCE_BYTES] for i in range(0, len(data), NONCE_BYTES)}
    parent = {sequence.next() for _ in range(10)}
    assert len(child) == 10 and not child & parent


def test_cipher_uses_its_sequence_and_still_round_trips() -> None:
    key = new_data_key()
    sequence = NonceSequence()
    cipher = Cipher(KeyRing([key], key.id), sequence)
    blobs = [cipher.encrypt(b"value %d" % i, **PLACE) for i in range(50)]
    nonces = [int.from_bytes(b[5:17], "big") for b in blobs]
    assert nonces == [(nonces[0] + i) % 2**96 for i in range(50)]
    assert [cipher.decrypt(b, **PLACE) for b in blobs] == [b"value %d" % i for i in range(50)]
    # A new (table, column) is checked the first time, and still refused when malformed.
    assert cipher.decrypt(cipher.encrypt(b"x", table="vault", row="s", column="data"),
                          table="vault", row="s", column="data") == b"x"
    with pytest.raises(ValueError, match="column name must be a non-empty string"):
        cipher.encrypt(b"x", table="inbox", row=1, column="a/b")
