"""Per-value AES-256-GCM: round trips, binding to table/row/column, tamper detection."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.crypto import OVERHEAD, Cipher, DecryptError, KeyRing, NullCipher, key_id_of
from core.crypto.keyfile import new_data_key
from core.store import ValueCipher

PLACE = {"table": "inbox", "row": 42, "column": "text"}


def test_round_trip(memory_cipher: Cipher) -> None:
    blob = memory_cipher.encrypt(b"hello \x00 world", **PLACE)
    assert memory_cipher.decrypt(blob, **PLACE) == b"hello \x00 world"
    text = "grüße, 你好 🙂".encode()
    assert memory_cipher.decrypt(memory_cipher.encrypt(text, **PLACE), **PLACE) == text
    assert memory_cipher.decrypt(memory_cipher.encrypt(b"", **PLACE), **PLACE) == b""


def test_blob_layout_and_fresh_nonces(memory_cipher: Cipher) -> None:
    plaintext = b"x" * 200
    blobs = {memory_cipher.encrypt(plaintext, **PLACE) for _ in range(500)}
    assert len(blobs) == 500
    nonces = {b[5:17] for b in blobs}
    assert len(nonces) == 500
    for blob in blobs:
        assert len(blob) == len(plaintext) + OVERHEAD
        assert blob[0] == 1
        assert key_id_of(blob) == memory_cipher.current_key_id
        assert plaintext not in blob


def test_int_and_str_row_ids_are_the_same_place(memory_cipher: Cipher) -> None:
    blob = memory_cipher.encrypt(b"v", table="outbox", row=7, column="body")
    assert memory_cipher.decrypt(blob, table="outbox", row="7", column="body") == b"v"


@pytest.mark.parametrize(
    ("moved", "named"),
    [
        ({"table": "inbox", "row": 43, "column": "text"}, "inbox row 43 column text"),
        ({"table": "inbox", "row": 42, "column": "payload"}, "inbox row 42 column payload"),
        ({"table": "outbox", "row": 42, "column": "text"}, "outbox row 42 column text"),
        ({"table": "inbox", "row": "42/text", "column": "text"}, "inbox row 42/text column text"),
    ],
)
def test_moved_ciphertext_fails_naming_the_place(
    memory_cipher: Cipher, moved: dict, named: str
) -> None:
    blob = memory_cipher.encrypt(b"secret", **PLACE)
    with pytest.raises(DecryptError) as info:
        memory_cipher.decrypt(blob, **moved)
    err = info.value
    assert str(err) == f"ciphertext for {named} failed authentication: tampered or moved"
    assert (err.table, err.row, err.column) == (moved["table"], moved["row"], moved["column"])


def test_every_flipped_byte_fails_clearly(memory_cipher: Cipher) -> None:
    blob = memory_cipher.encrypt(b"a message of moderate length", **PLACE)
    for position in range(len(blob)):
        for mask in (0x01, 0x80):
            tampered = bytearray(blob)
            tampered[position] ^= mask
            with pytest.raises(DecryptError) as info:
                memory_cipher.decrypt(bytes(tampered), **PLACE)
            message = str(info.value)
            assert message.startswith("ciphertext for inbox row 42 column text "), message
            if position == 0:
                assert "format version" in message
            elif position < 5:
                assert "not in the key ring" in message
            else:
                assert "failed authentication" in message


def test_truncated_and_non_bytes_values_fail_clearly(memory_cipher: Cipher) -> None:
    blob = memory_cipher.encrypt(b"abc", **PLACE)
    for cut in (0, 1, 5, 17, OVERHEAD - 1):
        with pytest.raises(DecryptError, match="truncated"):
            memory_cipher.decrypt(blob[:cut], **PLACE)
    with pytest.raises(DecryptError, match="failed authentication"):
        memory_cipher.decrypt(blob[:-1], **PLACE)
    with pytest.raises(DecryptError, match="not a ciphertext"):
        memory_cipher.decrypt("abc", **PLACE)  # type: ignore[arg-type]


def test_names_with_slash_are_refused(memory_cipher: Cipher) -> None:
    with pytest.raises(ValueError, match="table name"):
        memory_cipher.encrypt(b"x", table="in/box", row=1, column="text")
    with pytest.raises(ValueError, match="column name"):
        memory_cipher.encrypt(b"x", table="inbox", row=1, column="")


def test_another_key_cannot_decrypt(memory_cipher: Cipher) -> None:
    other_key = new_data_key()
    other = Cipher(KeyRing([other_key], other_key.id))
    blob = memory_cipher.encrypt(b"x", **PLACE)
    with pytest.raises(DecryptError, match="not in the key ring"):
        other.decrypt(blob, **PLACE)


def test_null_cipher_has_the_same_interface() -> None:
    null = NullCipher()
    assert isinstance(null, ValueCipher)
    assert null.encrypt(b"plain", **PLACE) == b"plain"
    assert null.decrypt(b"plain", **PLACE) == b"plain"
    assert null.needs_rotation(b"anything") is False
    with pytest.raises(DecryptError, match="inbox row 42 column text is not a stored value"):
        null.decrypt("plain", **PLACE)  # type: ignore[arg-type]


def test_cipher_is_a_value_cipher(memory_cipher: Cipher) -> None:
    assert isinstance(memory_cipher, ValueCipher)


def test_needs_rotation_and_key_id_of_malformed(memory_cipher: Cipher) -> None:
    assert memory_cipher.needs_rotation(memory_cipher.encrypt(b"x", **PLACE)) is False
    assert memory_cipher.needs_rotation(b"short") is True
    assert key_id_of(b"short") is None
    assert key_id_of(b"\x02" + bytes(40)) is None


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=4096),
    row=st.one_of(st.integers(min_value=-(2**63), max_value=2**63), st.text(max_size=40)),
    column=st.text(
        alphabet=st.characters(blacklist_characters="/", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=20,
    ),
)
def test_round_trip_property(data: bytes, row: int | str, column: str) -> None:
    key = new_data_key()
    cipher = Cipher(KeyRing([key], key.id))
    blob = cipher.encrypt(data, table="history", row=row, column=column)
    assert len(blob) == len(data) + OVERHEAD
    assert cipher.decrypt(blob, table="history", row=row, column=column) == data
    with pytest.raises(DecryptError):
        cipher.decrypt(blob, table="history", row=f"{row}x", column=column)
