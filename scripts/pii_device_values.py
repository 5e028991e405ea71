"""Device identifiers for the pii evaluation: MAC addresses as network tools, routers and home automation systems print
them, and IMEIs after their labels, with the sentences that hold them and the hard negatives beside them (fingerprints,
a multicast group, the broadcast, times, an IMEI whose check digit is wrong)."""

from __future__ import annotations

import random
from collections.abc import Callable

from pii_values import luhn_digit

__all__ = ["DEVICES", "DEVICE_NEGATIVE", "imei", "mac_address", "windows_mac_address"]


def mac_address(rng: random.Random) -> str:
    """A card's own address: its first byte even (no group's), in lower or upper case, colons between."""
    octets = [rng.randrange(0, 256, 2)] + [rng.randrange(256) for _ in range(5)]
    text = ":".join(f"{octet:02x}" for octet in octets)
    return text.upper() if rng.random() < 0.4 else text


def windows_mac_address(rng: random.Random) -> str:
    """A card's own address as Windows writes it: in capitals, dashes between."""
    return mac_address(rng).upper().replace(":", "-")


def _imei_digits(rng: random.Random) -> str:
    body = f"{rng.choice(('35', '86', '01', '49'))}{rng.randrange(10**12):012d}"
    return body + luhn_digit(body)


def imei(rng: random.Random) -> str:
    """A phone's IMEI: a type's code, a serial number and the check digit, maybe grouped as printed on its box."""
    digits = _imei_digits(rng)
    separator = rng.choice(("", "", "-", " "))
    if not separator:
        return digits
    return separator.join((digits[:2], digits[2:8], digits[8:14], digits[14]))


def _wrong_imei(rng: random.Random) -> str:
    digits = _imei_digits(rng)
    return digits[:14] + str((int(digits[14]) + rng.randint(1, 9)) % 10)


DEVICES: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("DEVICE_ID", mac_address, ["device {v} joined the network", "{v}", "MAC address: {v}", "Gerät {v} ist zu Hause",
                                "设备 {v} 已连接", "device_tracker.phone ({v}) is home"]),
    ("DEVICE_ID", windows_mac_address, ["Physical Address. . . . . . . . . : {v}", "MAC {v}", "物理地址：{v}",
                                        "the router shows mac address {v} twice"]),
    ("DEVICE_ID", imei, ["IMEI: {v}", "my phone's IMEI is {v}", "手机串号：{v}", "IMEI {v}, bought in 2021"]),
]
"""Device identifiers: a stream of their own, so that the other types' sentences stay as they were."""

DEVICE_NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: r.choice([
        "SHA256 fingerprint " + ":".join(f"{r.randrange(256):02X}" for _ in range(16)),
        f"mDNS answers go to 01:00:5e:00:00:fb at {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
        "ARP broadcast to ff:ff:ff:ff:ff:ff",
        "ticket " + "-".join(f"{r.randrange(256):02X}" for _ in range(6)) + " was closed",
        f"IMEI {_wrong_imei(r)} was mistyped",
        f"meeting at {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d} on 2024-{r.randint(1, 12):02d}-"
        f"{r.randint(1, 28):02d}",
        f"the IMEI is printed under the battery, {r.randint(10, 99)} digits in all",
    ]),
]
