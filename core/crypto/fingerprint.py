"""The device fingerprint that binds Roost's key file to one machine.

The fingerprint is SHA-256 over a version tag, the systemd machine id
(`/etc/machine-id`, else `/var/lib/dbus/machine-id`) and, where present, one stable
hardware identifier, tried in this order:

1. `dmi:product_uuid` — `/sys/class/dmi/id/product_uuid` (usually readable by root only),
2. `dmi:board_serial` — `/sys/class/dmi/id/board_serial` (idem),
3. `mac:<ifname>` — the MAC address of the first network interface, by name, that is
   backed by a device (`/sys/class/net/<ifname>/device` exists). Virtual interfaces
   (bridges, veth, ifb, tun) are skipped on purpose: their addresses are often random
   per boot, which would lock the owner out of their own data.
4. `none` — the machine id alone.

The name of the source that was used (never its value) is recorded in the key file, so the
same source is read again when the key file is opened, even if another one (say the DMI
UUID, readable only when running as root) becomes readable later.

`ROOST_DEVICE_ID` overrides all of this: when set (non-empty), the fingerprint is derived
from its value alone. It exists for tests (to simulate another machine) and for containers,
which have no machine id of their own and whose MAC addresses change when the container is
recreated; give such a container a stable random value, kept outside the image.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.crypto.errors import FingerprintError

ENV_DEVICE_ID = "ROOST_DEVICE_ID"
FINGERPRINT_VERSION = b"roost-device-fingerprint/v1"

SOURCE_ENV = "env"
SOURCE_NONE = "none"
_DMI_SOURCES = ("dmi:product_uuid", "dmi:board_serial")
_MACHINE_ID_FILES = ("etc/machine-id", "var/lib/dbus/machine-id")
_DMI_PLACEHOLDERS = frozenset(
    {
        "",
        "0",
        "none",
        "n/a",
        "unknown",
        "not specified",
        "not applicable",
        "not available",
        "default string",
        "to be filled by o.e.m.",
        "system serial number",
        "0123456789",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "03000200-0400-0500-0006-000700080009",
    }
)


@dataclass(frozen=True)
class DeviceIdentity:
    """A device fingerprint and the name of the hardware source it includes."""

    fingerprint: bytes
    source: str


def device_fingerprint() -> bytes:
    """Return this device's 32-byte fingerprint (honours `ROOST_DEVICE_ID`)."""
    return read_identity().fingerprint


def read_identity(
    source: str | None = None,
    *,
    root: Path | str = "/",
    environ: Mapping[str, str] | None = None,
) -> DeviceIdentity:
    """Read this device's identity, from the named hardware source or the best available one.

    `ROOST_DEVICE_ID` wins over `source`. `root` lets tests point at a fake filesystem.
    Raises FingerprintError when the machine id or the requested source cannot be read.
    """
    env = os.environ if environ is None else environ
    override = env.get(ENV_DEVICE_ID, "").strip()
    if override:
        return DeviceIdentity(_digest(b"env", override.encode("utf-8")), SOURCE_ENV)
    if source == SOURCE_ENV:
        raise FingerprintError(
            f"the fingerprint was taken from {ENV_DEVICE_ID}, which is not set now; "
            f"set {ENV_DEVICE_ID} to the same value as before"
        )
    base = Path(root)
    machine_id = _machine_id(base)
    if source is None:
        source, value = _best_hardware(base)
    else:
        value = _hardware_value(base, source)
    return DeviceIdentity(_digest(b"machine-id", machine_id, source.encode("utf-8"), value), source)


def _digest(*parts: bytes) -> bytes:
    """SHA-256 over the version tag and length-prefixed parts (no ambiguity between parts)."""
    h = hashlib.sha256(FINGERPRINT_VERSION)
    for part in parts:
        h.update(len(part).to_bytes(4, "big"))
        h.update(part)
    return h.digest()


def _read_text(path: Path) -> str | None:
    """The stripped content of a small text file, or None if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def _machine_id(base: Path) -> bytes:
    """The systemd machine id, from the first file that holds one."""
    for name in _MACHINE_ID_FILES:
        text = _read_text(base / name)
        if text and text != "uninitialized":
            return text.lower().encode("ascii", "replace")
    raise FingerprintError(
        "cannot identify this device: neither /etc/machine-id nor /var/lib/dbus/machine-id "
        "holds a machine id (run `systemd-machine-id-setup`, or, in a container, set "
        f"{ENV_DEVICE_ID} to a stable random value kept outside the image)"
    )


def _dmi_value(base: Path, source: str) -> bytes | None:
    """The DMI field behind `dmi:<field>`, or None if unreadable or a vendor placeholder."""
    text = _read_text(base / "sys/class/dmi/id" / source.split(":", 1)[1])
    if text is None or text.lower() in _DMI_PLACEHOLDERS:
        return None
    if source == "dmi:product_uuid":
        text = text.lower()
    return text.encode("utf-8")


def _mac_value(base: Path, ifname: str) -> bytes | None:
    """The MAC address of a device-backed interface, or None."""
    if not ifname or "/" in ifname or ifname in (".", ".."):
        return None
    iface = base / "sys/class/net" / ifname
    if ifname == "lo" or not (iface / "device").exists():
        return None
    text = _read_text(iface / "address")
    if not text or set(text) <= {"0", ":"}:
        return None
    return text.lower().encode("ascii", "replace")


def _best_hardware(base: Path) -> tuple[str, bytes]:
    """Pick the first available hardware source, in the documented order."""
    for source in _DMI_SOURCES:
        value = _dmi_value(base, source)
        if value is not None:
            return source, value
    try:
        names = sorted(os.listdir(base / "sys/class/net"))
    except OSError:
        names = []
    for name in names:
        value = _mac_value(base, name)
        if value is not None:
            return f"mac:{name}", value
    return SOURCE_NONE, b""


def _hardware_value(base: Path, source: str) -> bytes:
    """Read the named hardware source again; raise FingerprintError if it is gone."""
    if source == SOURCE_NONE:
        return b""
    if source in _DMI_SOURCES:
        value = _dmi_value(base, source)
        where = f"/sys/class/dmi/id/{source.split(':', 1)[1]}"
        hint = "it is usually readable by root only: run Roost as the same user as before"
    elif source.startswith("mac:"):
        ifname = source[4:]
        value = _mac_value(base, ifname)
        where = f"the MAC address of network interface {ifname!r}"
        hint = "the interface is missing or is no longer backed by a device"
    else:
        raise FingerprintError(f"unknown hardware source {source!r} (expected dmi:*, mac:*, none)")
    if value is None:
        raise FingerprintError(f"hardware identifier {source} ({where}) cannot be read: {hint}")
    return value
