"""Fixtures for encryption at rest: a simulated device identity and fresh key rings."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.crypto import Cipher, KeyRing, load_or_create
from core.crypto.keyfile import new_data_key


@pytest.fixture
def device(monkeypatch: pytest.MonkeyPatch) -> str:
    """Pretend to be device A (ROOST_DEVICE_ID) with no passphrase in the environment."""
    monkeypatch.setenv("ROOST_DEVICE_ID", "device-a")
    monkeypatch.delenv("ROOST_PASSPHRASE", raising=False)
    return "device-a"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """An empty configuration directory."""
    return tmp_path / "config"


@pytest.fixture
def keyring(device: str, config_dir: Path) -> KeyRing:
    """A key ring stored in `config_dir` on device A."""
    return load_or_create(config_dir)


@pytest.fixture
def memory_cipher() -> Cipher:
    """A cipher over an in-memory ring (no key file, no scrypt): for fast value tests."""
    key = new_data_key()
    return Cipher(KeyRing([key], key.id))
