"""The device fingerprint, read from a fake filesystem root and from this machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.crypto import FingerprintError, device_fingerprint, read_identity

MACHINE_ID = "3d1219c7c4c5404aaa1f6d2a48adfda4"


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")


def _nic(root: Path, name: str, mac: str, *, physical: bool) -> None:
    _write(root, f"sys/class/net/{name}/address", mac)
    if physical:
        (root / f"sys/class/net/{name}/device").mkdir(parents=True)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A fake filesystem root with a machine id and a few network interfaces."""
    _write(tmp_path, "etc/machine-id", MACHINE_ID)
    _nic(tmp_path, "lo", "00:00:00:00:00:00", physical=False)
    _nic(tmp_path, "br-0", "be:23:3f:f0:6f:f0", physical=False)
    _nic(tmp_path, "eth1", "52:54:00:12:34:57", physical=True)
    _nic(tmp_path, "eth0", "52:54:00:12:34:56", physical=True)
    return tmp_path


def test_sources_in_order(root: Path) -> None:
    no_env: dict[str, str] = {}
    assert read_identity(root=root, environ=no_env).source == "mac:eth0"
    _write(root, "sys/class/dmi/id/board_serial", "To be filled by O.E.M.")  # placeholder
    assert read_identity(root=root, environ=no_env).source == "mac:eth0"
    _write(root, "sys/class/dmi/id/board_serial", "BSN12345")
    assert read_identity(root=root, environ=no_env).source == "dmi:board_serial"
    _write(root, "sys/class/dmi/id/product_uuid", "4C4C4544-0042-3510-8052-B4C04F4E3332")
    assert read_identity(root=root, environ=no_env).source == "dmi:product_uuid"


def test_virtual_interfaces_alone_give_machine_id_only(tmp_path: Path) -> None:
    _write(tmp_path, "etc/machine-id", MACHINE_ID)
    _nic(tmp_path, "docker0", "02:42:ac:11:00:02", physical=False)
    assert read_identity(root=tmp_path, environ={}).source == "none"


def test_fingerprint_depends_on_each_part(
    root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    first = read_identity(root=root, environ={})
    assert len(first.fingerprint) == 32
    assert read_identity(root=root, environ={}) == first  # stable
    _write(root, "sys/class/net/eth0/address", "52:54:00:12:34:99")
    changed_mac = read_identity(root=root, environ={})
    assert changed_mac.source == "mac:eth0" and changed_mac.fingerprint != first.fingerprint
    _write(root, "etc/machine-id", "0" * 31 + "1")
    assert read_identity(root=root, environ={}).fingerprint != changed_mac.fingerprint


def test_recorded_source_is_read_again(root: Path) -> None:
    eth1 = read_identity("mac:eth1", root=root, environ={})
    assert eth1.source == "mac:eth1"
    assert eth1.fingerprint != read_identity(root=root, environ={}).fingerprint
    _write(root, "sys/class/dmi/id/product_uuid", "4c4c4544-0042-3510-8052-b4c04f4e3332")
    assert read_identity("mac:eth1", root=root, environ={}) == eth1  # not the new best source
    with pytest.raises(FingerprintError, match="dmi:board_serial .* cannot be read"):
        read_identity("dmi:board_serial", root=root, environ={})
    with pytest.raises(FingerprintError, match="mac:wlan0"):
        read_identity("mac:wlan0", root=root, environ={})
    with pytest.raises(FingerprintError, match="unknown hardware source"):
        read_identity("tpm:0", root=root, environ={})


def test_dbus_machine_id_fallback_and_missing_machine_id(tmp_path: Path) -> None:
    with pytest.raises(FingerprintError, match="ROOST_DEVICE_ID"):
        read_identity(root=tmp_path, environ={})
    _write(tmp_path, "etc/machine-id", "")
    _write(tmp_path, "var/lib/dbus/machine-id", MACHINE_ID)
    via_dbus = read_identity(root=tmp_path, environ={})
    _write(tmp_path, "etc/machine-id", MACHINE_ID)
    assert read_identity(root=tmp_path, environ={}) == via_dbus


def test_env_override(root: Path) -> None:
    a = read_identity(root=root, environ={"ROOST_DEVICE_ID": "container-a"})
    b = read_identity(root=root, environ={"ROOST_DEVICE_ID": "container-b"})
    assert a.source == b.source == "env"
    assert a.fingerprint != b.fingerprint
    assert read_identity(root=Path("/nonexistent"), environ={"ROOST_DEVICE_ID": "container-a"}) == a
    assert read_identity(root=root, environ={"ROOST_DEVICE_ID": "  "}).source == "mac:eth0"
    with pytest.raises(FingerprintError, match="ROOST_DEVICE_ID, which is not set"):
        read_identity("env", root=root, environ={})


def test_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROOST_DEVICE_ID", raising=False)
    if not any(Path(p).is_file() for p in ("/etc/machine-id", "/var/lib/dbus/machine-id")):
        pytest.skip("this machine has no machine id")
    first = device_fingerprint()
    assert len(first) == 32 and device_fingerprint() == first
    monkeypatch.setenv("ROOST_DEVICE_ID", "x")
    assert device_fingerprint() != first
