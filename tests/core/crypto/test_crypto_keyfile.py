"""The device-bound key file: permissions, secrecy, device binding, passphrases, rotation."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import orjson
import pytest

from core.crypto import (
    KEY_FILE_NAME,
    Cipher,
    CryptoError,
    DecryptError,
    DeviceMismatchError,
    KeyFileError,
    KeyRing,
    PassphraseError,
    load_or_create,
)

PLACE = {"table": "inbox", "row": 1, "column": "text"}
REPO = Path(__file__).resolve().parents[3]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_file_is_private_and_holds_no_raw_key(keyring: KeyRing, config_dir: Path) -> None:
    path = config_dir / KEY_FILE_NAME
    assert keyring.path == path
    assert _mode(path) == 0o600
    content = path.read_bytes()
    raw = keyring.key(keyring.current_id)
    assert len(raw) == 32
    for form in (
        raw,
        raw.hex().encode(),
        base64.b64encode(raw),
        base64.urlsafe_b64encode(raw),
        base64.b64encode(raw)[:20],
    ):
        assert form not in content
    doc = orjson.loads(content)
    assert doc["format"] == "roost-keyfile" and doc["version"] == 1
    assert doc["key_id"] == keyring.current_id
    assert doc["kdf"] == {"name": "scrypt+hkdf-sha256", "n": 2**14, "r": 8, "p": 1}
    assert {"salt", "nonce", "wrapped", "created", "device", "passphrase"} <= doc.keys()
    assert not [p for p in config_dir.iterdir() if p.name != KEY_FILE_NAME]  # no temp leftovers


def test_private_even_with_a_permissive_umask(device: str, config_dir: Path) -> None:
    old = os.umask(0)
    try:
        load_or_create(config_dir)
    finally:
        os.umask(old)
    assert _mode(config_dir / KEY_FILE_NAME) == 0o600


def test_reopening_gives_the_same_keys(keyring: KeyRing, config_dir: Path) -> None:
    again = load_or_create(config_dir)
    assert again.current_id == keyring.current_id
    assert again.key(again.current_id) == keyring.key(keyring.current_id)
    blob = Cipher(keyring).encrypt(b"kept", **PLACE)
    assert Cipher(again).decrypt(blob, **PLACE) == b"kept"


def test_another_device_is_refused_with_the_move_hint(
    keyring: KeyRing, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-b")
    with pytest.raises(DeviceMismatchError) as info:
        load_or_create(config_dir)
    message = str(info.value)
    assert str(config_dir / KEY_FILE_NAME) in message
    assert "created on another device" in message
    assert "`roost keys export --passphrase` on the old device" in message
    assert "`roost keys import FILE`" in message


def test_key_file_copied_to_another_machine_is_refused(
    keyring: KeyRing, config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copied"
    copy.mkdir()
    (copy / KEY_FILE_NAME).write_bytes((config_dir / KEY_FILE_NAME).read_bytes())
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-a")
    assert load_or_create(copy).current_id == keyring.current_id  # same device: opens
    monkeypatch.setenv("ROOST_DEVICE_ID", "the-thief's-laptop")
    with pytest.raises(DeviceMismatchError):
        load_or_create(copy)


def test_passphrase_is_required_when_set(
    device: str, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROOST_PASSPHRASE", "correct horse battery staple")
    ring = load_or_create(config_dir)
    assert orjson.loads((config_dir / KEY_FILE_NAME).read_bytes())["passphrase"] is True
    assert load_or_create(config_dir).current_id == ring.current_id
    assert load_or_create(config_dir, passphrase="correct horse battery staple").current_id == ring.current_id

    monkeypatch.delenv("ROOST_PASSPHRASE")
    with pytest.raises(PassphraseError, match="protected by a passphrase: set ROOST_PASSPHRASE"):
        load_or_create(config_dir)
    with pytest.raises(DeviceMismatchError, match="or with another passphrase"):
        load_or_create(config_dir, passphrase="wrong horse battery staple")


def test_unexpected_passphrase_is_refused(keyring: KeyRing, config_dir: Path) -> None:
    with pytest.raises(PassphraseError, match="created without a passphrase"):
        load_or_create(config_dir, passphrase="surprise")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json at all",
        b"[1, 2, 3]",
        b'{"format": "something-else", "version": 1}',
        b'{"format": "roost-keyfile", "version": 99}',
    ],
)
def test_corrupt_key_file_is_a_key_file_error(
    device: str, config_dir: Path, content: bytes
) -> None:
    config_dir.mkdir()
    (config_dir / KEY_FILE_NAME).write_bytes(content)
    with pytest.raises(KeyFileError, match=str(config_dir / KEY_FILE_NAME)):
        load_or_create(config_dir)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("salt", "!!not base64!!", KeyFileError),
        ("nonce", "AAAA", KeyFileError),
        ("kdf", {"name": "scrypt+hkdf-sha256", "n": 3, "r": 8, "p": 1}, KeyFileError),
        ("kdf", {"name": "scrypt+hkdf-sha256", "n": 2**30, "r": 8, "p": 1}, KeyFileError),
        ("device", 5, KeyFileError),
        ("key_id", 12345, DeviceMismatchError),  # authenticated header: altered
        ("kdf", {"name": "scrypt+hkdf-sha256", "n": 2**10, "r": 8, "p": 1}, DeviceMismatchError),
    ],
)
def test_altered_key_file_fields_fail_clearly(
    keyring: KeyRing, config_dir: Path, field: str, value: object, error: type
) -> None:
    path = config_dir / KEY_FILE_NAME
    doc = orjson.loads(path.read_bytes())
    doc[field] = value
    path.write_bytes(orjson.dumps(doc))
    with pytest.raises(error):
        load_or_create(config_dir)


def test_unreadable_recorded_hardware_source_is_a_device_mismatch(
    device: str, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_or_create(config_dir)
    monkeypatch.delenv("ROOST_DEVICE_ID")  # the file says: identity came from ROOST_DEVICE_ID
    with pytest.raises(DeviceMismatchError, match="ROOST_DEVICE_ID, which is not set"):
        load_or_create(config_dir)


def test_loose_permissions_are_tightened(keyring: KeyRing, config_dir: Path) -> None:
    path = config_dir / KEY_FILE_NAME
    os.chmod(path, 0o644)
    load_or_create(config_dir)
    assert _mode(path) == 0o600


def test_concurrent_creation_yields_one_key(device: str, config_dir: Path) -> None:
    rings: list[KeyRing] = []
    barrier = threading.Barrier(4)

    def create() -> None:
        barrier.wait()
        rings.append(load_or_create(config_dir))

    threads = [threading.Thread(target=create) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(rings) == 4
    assert len({r.current_id for r in rings}) == 1
    assert len({r.key(r.current_id) for r in rings}) == 1


def test_rotation_keeps_old_values_readable(keyring: KeyRing, config_dir: Path) -> None:
    cipher = Cipher(keyring)
    old_id = keyring.current_id
    old_blob = cipher.encrypt(b"before", **PLACE)
    assert not cipher.needs_rotation(old_blob)

    new_id = keyring.rotate()
    assert new_id != old_id and keyring.current_id == new_id
    new_blob = cipher.encrypt(b"after", **PLACE)
    assert int.from_bytes(new_blob[1:5], "big") == new_id
    assert cipher.decrypt(old_blob, **PLACE) == b"before"
    assert cipher.needs_rotation(old_blob) and not cipher.needs_rotation(new_blob)

    reopened = Cipher(load_or_create(config_dir))  # rotation was persisted
    assert reopened.current_key_id == new_id
    assert reopened.decrypt(old_blob, **PLACE) == b"before"
    assert reopened.decrypt(new_blob, **PLACE) == b"after"

    rewrapped = cipher.encrypt(cipher.decrypt(old_blob, **PLACE), **PLACE)
    with pytest.raises(CryptoError, match="current key"):
        keyring.retire(new_id)
    keyring.retire(old_id)
    assert keyring.key_ids == (new_id,)
    assert cipher.decrypt(rewrapped, **PLACE) == b"before"
    with pytest.raises(DecryptError, match=f"key {old_id}, which is not in the key ring"):
        cipher.decrypt(old_blob, **PLACE)
    assert load_or_create(config_dir).key_ids == (new_id,)
    with pytest.raises(CryptoError, match="not in the key ring"):
        keyring.retire(old_id)


def test_another_process_opens_the_same_key_file(keyring: KeyRing, config_dir: Path) -> None:
    blob = Cipher(keyring).encrypt(b"from the parent", **PLACE)
    script = (
        "import sys; from core.crypto import Cipher, load_or_create;"
        "c = Cipher(load_or_create(sys.argv[1]));"
        "print(c.decrypt(bytes.fromhex(sys.argv[2]), table='inbox', row=1, column='text').decode())"
    )
    env = dict(os.environ, ROOST_DEVICE_ID="device-a")
    done = subprocess.run(
        [sys.executable, "-c", script, str(config_dir), blob.hex()],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "from the parent"
    env["ROOST_DEVICE_ID"] = "device-b"
    refused = subprocess.run(
        [sys.executable, "-c", script, str(config_dir), blob.hex()],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode != 0
    assert "DeviceMismatchError" in refused.stderr and "roost keys import" in refused.stderr
