"""One gateway per configuration directory; no silent new key beside an existing database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.crypto import KeyFileError
from core.store.open import InstanceBusyError, InstanceLock, require_key_for

ROOST = Path(sys.executable).parent / "roost"


def test_a_second_holder_is_refused_and_named(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path)
    first.acquire()
    try:
        with pytest.raises(InstanceBusyError, match="rotate keys: Roost \\(pid \\d+\\) is running"):
            InstanceLock(tmp_path).acquire("rotate keys")
    finally:
        first.release()
    again = InstanceLock(tmp_path)
    again.acquire()
    again.release()


def test_missing_key_file_beside_a_database_is_an_error(tmp_path: Path) -> None:
    require_key_for(tmp_path, tmp_path / "roost.db")  # no database yet: a new key may be made
    (tmp_path / "roost.db").write_bytes(b"x")
    with pytest.raises(KeyFileError, match="key file .* is missing"):
        require_key_for(tmp_path, tmp_path / "roost.db")


async def test_a_running_gateway_holds_its_config_dir(make_config, make_gateway) -> None:
    config_dir = make_config("roost: {stop_timeout: 1}\n")
    gateway = await make_gateway(config_dir)
    result = subprocess.run([str(ROOST), "keys", "rotate", "--config", str(config_dir)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "is running on" in result.stderr and "stop it first" in result.stderr
    await gateway.stop()
    result = subprocess.run([str(ROOST), "keys", "rotate", "--config", str(config_dir)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Rotated to key" in result.stdout
