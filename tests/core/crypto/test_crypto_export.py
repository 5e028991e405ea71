"""Moving keys between two devices: export with a passphrase, import on the other device."""

from __future__ import annotations

import base64
from pathlib import Path

import orjson
import pytest

from core.crypto import (
    KEY_FILE_NAME,
    Cipher,
    DeviceMismatchError,
    KeyFileError,
    PassphraseError,
    export_keys,
    import_keys,
    load_or_create,
)

PLACE = {"table": "history", "row": "chat-1:7", "column": "content"}


@pytest.fixture
def old_device(device: str, tmp_path: Path) -> tuple[Path, bytes, bytes]:
    """Device A: a key ring with one rotation, a value under each key, and an export."""
    config = tmp_path / "device-a"
    ring = load_or_create(config)
    cipher = Cipher(ring)
    first = cipher.encrypt(b"old key value", **PLACE)
    ring.rotate()
    second = cipher.encrypt(b"new key value", **PLACE)
    return config, first + b"|" + second, export_keys(ring, "moving day at the lake house")


def _blobs(joined: bytes) -> list[bytes]:
    first_len = len(b"old key value") + 33
    return [joined[:first_len], joined[first_len + 1 :]]


def test_export_import_between_two_devices(
    old_device: tuple[Path, bytes, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, joined, exported = old_device
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-b")
    new_config = tmp_path / "device-b"
    ring = import_keys(exported, "moving day at the lake house", new_config)
    cipher = Cipher(ring)
    old_blob, new_blob = _blobs(joined)
    assert cipher.decrypt(old_blob, **PLACE) == b"old key value"
    assert cipher.decrypt(new_blob, **PLACE) == b"new key value"
    assert cipher.needs_rotation(old_blob) and not cipher.needs_rotation(new_blob)
    again = Cipher(load_or_create(new_config))  # stored for device B, opens without the export
    assert again.decrypt(old_blob, **PLACE) == b"old key value"
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-c")
    with pytest.raises(DeviceMismatchError):
        load_or_create(new_config)


def test_export_holds_no_raw_key_and_is_device_free(
    old_device: tuple[Path, bytes, bytes], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config, _, exported = old_device
    ring = load_or_create(config)
    doc = orjson.loads(exported)
    assert doc["format"] == "roost-key-export" and "device" not in doc
    assert doc["kdf"]["n"] == 2**15
    for kid in ring.key_ids:
        raw = ring.key(kid)
        assert raw not in exported and base64.b64encode(raw) not in exported
        assert raw.hex().encode() not in exported
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-z")
    assert import_keys(exported, "moving day at the lake house", tmp_path / "z").key_ids == ring.key_ids


def test_wrong_or_empty_passphrase(
    old_device: tuple[Path, bytes, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _, exported = old_device
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-b")
    with pytest.raises(PassphraseError, match="wrong passphrase for this key export"):
        import_keys(exported, "moving night", tmp_path / "b")
    with pytest.raises(PassphraseError, match="required"):
        import_keys(exported, "", tmp_path / "b")
    assert not (tmp_path / "b" / KEY_FILE_NAME).exists()
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-a")
    ring = load_or_create(config)
    with pytest.raises(PassphraseError, match="too short"):
        export_keys(ring, "")
    with pytest.raises(PassphraseError, match="too short"):
        export_keys(ring, "a")
    with pytest.raises(PassphraseError, match="too easy to guess"):
        export_keys(ring, "password1234")
    assert not list(config.glob("*.export"))


def test_altered_or_garbage_export(old_device: tuple[Path, bytes, bytes], tmp_path: Path) -> None:
    _, _, exported = old_device
    doc = orjson.loads(exported)
    doc["key_id"] = 1
    with pytest.raises(PassphraseError, match="altered"):
        import_keys(orjson.dumps(doc), "moving day at the lake house", tmp_path / "b")
    with pytest.raises(KeyFileError, match="key export: not valid JSON"):
        import_keys(b"\x00garbage", "moving day at the lake house", tmp_path / "b")
    with pytest.raises(KeyFileError, match="expected format 'roost-key-export'"):
        import_keys((old_device[0] / KEY_FILE_NAME).read_bytes(), "moving day at the lake house", tmp_path / "b")


def test_import_over_a_copied_key_file_moves_it_aside(
    old_device: tuple[Path, bytes, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_config, joined, exported = old_device
    copied = tmp_path / "copied-config"
    copied.mkdir()
    (copied / KEY_FILE_NAME).write_bytes((old_config / KEY_FILE_NAME).read_bytes())
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-b")
    with pytest.raises(DeviceMismatchError):
        load_or_create(copied)
    ring = import_keys(exported, "moving day at the lake house", copied)
    aside = [p for p in copied.iterdir() if p.name.startswith(f"{KEY_FILE_NAME}.replaced-")]
    assert len(aside) == 1
    assert Cipher(load_or_create(copied)).decrypt(_blobs(joined)[0], **PLACE) == b"old key value"
    assert ring.path == copied / KEY_FILE_NAME


def test_import_merges_into_an_existing_ring(
    old_device: tuple[Path, bytes, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, joined, exported = old_device
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-b")
    monkeypatch.setenv("ROOST_PASSPHRASE", "device b has its own long secret")
    new_config = tmp_path / "device-b"
    local = load_or_create(new_config)
    local_blob = Cipher(local).encrypt(b"written on b before the move", **PLACE)
    ring = import_keys(exported, "moving day at the lake house", new_config)
    cipher = Cipher(load_or_create(new_config))
    assert cipher.decrypt(local_blob, **PLACE) == b"written on b before the move"
    assert cipher.decrypt(_blobs(joined)[1], **PLACE) == b"new key value"
    assert cipher.current_key_id == ring.current_id != local.current_id
    assert cipher.needs_rotation(local_blob)
    monkeypatch.delenv("ROOST_PASSPHRASE")
    with pytest.raises(PassphraseError):
        load_or_create(new_config)
