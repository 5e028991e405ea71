"""A copy of the configuration directory with a spoofed machine identity does not open: the device secret."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import orjson
import pytest

from core.crypto import DeviceMismatchError, load_or_create
from core.crypto.device_secret import ENV_STATE_DIR, SECRET_BYTES, secret_path, state_dir
from core.crypto.fingerprint import read_identity
from core.crypto.kdf import INFO_KEY_WRAP, ScryptParams, derive_key
from core.crypto.keyfile import (
    _seal_ring,
    _wrap_secret,
    _Wrapping,
    new_data_key,
    write_private_file,
)
from tests.helpers.configdir import PING, ROOST, write_config


@pytest.fixture
def device_a(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Device A: a machine identity anyone could copy, and its own state directory."""
    monkeypatch.setenv("ROOST_DEVICE_ID", "machine-id-and-mac-anyone-can-read")
    monkeypatch.delenv("ROOST_PASSPHRASE", raising=False)
    folder = tmp_path / "state-a"
    monkeypatch.setenv(ENV_STATE_DIR, str(folder))
    return folder


def _chat(directory: Path, state: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, ENV_STATE_DIR: str(state)}
    return subprocess.run([str(ROOST), "chat", "--config", str(directory)], input="ping\n",
                          capture_output=True, text=True, timeout=60, env=env)


def test_a_copied_configuration_with_a_spoofed_identity_does_not_open(device_a: Path, tmp_path: Path) -> None:
    original = write_config(tmp_path / "config", PING)
    assert _chat(original, device_a).stdout == "pong\n"
    secret = device_a / "device-secret"
    assert len(secret.read_bytes()) == SECRET_BYTES and stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(device_a.stat().st_mode) == 0o700
    assert not list(original.rglob("device-secret")), "the secret is not inside the configuration directory"

    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    elsewhere = _chat(copy, tmp_path / "state-b")  # same machine id and MAC, no secret
    assert elsewhere.returncode == 1 and elsewhere.stdout == ""
    assert "device secret" in elsewhere.stderr and "is missing" in elsewhere.stderr
    assert not (tmp_path / "state-b" / "device-secret").exists(), "no new secret made for an old key file"

    forged = tmp_path / "state-c"
    forged.mkdir(mode=0o700)
    (forged / "device-secret").write_bytes(os.urandom(SECRET_BYTES))
    guessed = _chat(copy, forged)
    assert guessed.returncode == 1 and "another device secret" in guessed.stderr

    assert _chat(copy, device_a).stdout == "pong\n", "on its own device the copy opens (a backup)"


def test_a_key_file_from_before_the_device_secret_is_bound_when_opened(device_a: Path, config_dir: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_data_key()
    path = config_dir / "keys.json"
    config_dir.mkdir()
    salt, params = os.urandom(16), ScryptParams()
    identity = read_identity()
    wrapping_key = derive_key(_wrap_secret(identity.fingerprint, b"", None), salt, params, INFO_KEY_WRAP)
    legacy = _Wrapping(path, wrapping_key, salt, params, identity.source, False, "2026-01-01T00:00:00+00:00",
                       bound=False)
    write_private_file(path, _seal_ring(legacy, [key], key.id))
    assert not secret_path().exists()

    ring = load_or_create(config_dir)
    assert ring.key(key.id) == key.key
    assert orjson.loads(path.read_bytes())["device_secret"] is True
    assert secret_path().exists()
    assert load_or_create(config_dir).key(key.id) == key.key
    monkeypatch.setenv(ENV_STATE_DIR, str(config_dir.parent / "elsewhere"))
    with pytest.raises(DeviceMismatchError, match="device secret"):
        load_or_create(config_dir)


def test_the_state_directory_defaults(tmp_path: Path) -> None:
    assert state_dir({ENV_STATE_DIR: str(tmp_path)}) == tmp_path
    expected = Path("/var/lib/roost") if os.geteuid() == 0 else tmp_path / "xdg" / "roost"
    assert state_dir({"XDG_STATE_HOME": str(tmp_path / "xdg")}) == expected
