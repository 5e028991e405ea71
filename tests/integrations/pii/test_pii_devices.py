"""Device identifiers (DEVICE_ID): MAC addresses (with dashes after a word that names one), IMEIs after their labels."""

from __future__ import annotations

import pytest

from integrations.pii.policies import normalize
from integrations.pii.recognizers import default_registry


def devices(text: str) -> list[tuple[str, float]]:
    """The DEVICE_ID findings the whole registry keeps in text, with their confidence."""
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "DEVICE_ID"]


@pytest.mark.parametrize(("text", "value"), [
    ("device_tracker.phone (b8:27:eb:12:34:56) is home", "b8:27:eb:12:34:56"),
    ("Physical Address. . . . . . . . . : B8-27-EB-12-34-56", "B8-27-EB-12-34-56"),  # Windows' ipconfig /all
    ("Anna's phone (MAC B8-27-EB-12-34-56) joined the Wi-Fi", "B8-27-EB-12-34-56"),
    ("物理地址：3C-22-FB-9A-01-7E", "3C-22-FB-9A-01-7E"),
    ("MAC地址：3C:22:FB:9A:01:7E，已连接", "3C:22:FB:9A:01:7E"),
    ("ether 02:42:ac:11:00:02  txqueuelen 0", "02:42:ac:11:00:02"),  # a locally administered address is still one card's
])
def test_a_mac_address_is_found(text: str, value: str) -> None:
    assert devices(text) == [(value, 0.85)]


@pytest.mark.parametrize(("text", "value"), [
    ("IMEI: 35-693803-564380-9", "35-693803-564380-9"),
    ("my phone's IMEI is 356938035643809.", "356938035643809"),
    ("meine IMEI ist 35 693803 564380 9", "35 693803 564380 9"),
    ("手机串号：356938035643809", "356938035643809"),
    ("IMEI码 356938035643809", "356938035643809"),
    ("IMEISV 3569380356438091", "3569380356438091"),  # the software version's two digits, no check digit
])
def test_an_imei_is_found_after_its_label(text: str, value: str) -> None:
    assert devices(text) == [(value, 0.9)]


@pytest.mark.parametrize("text", [
    "ARP broadcast to ff:ff:ff:ff:ff:ff",
    "mDNS answers go to 01:00:5e:00:00:fb",  # a multicast group's: its first byte is odd
    "no card: 00:00:00:00:00:00",
    "SHA256 fingerprint AB:CD:EF:01:23:45:67:89:AB:CD:EF:01",  # a chain longer than six pairs
    "meeting at 12:30:45 on 2024-01-05",
    "ticket 12-34-56-78-90-ab was closed",  # dashes without a word that names a MAC address
    "IMEI 356938035643808 was mistyped",  # its check digit is wrong
    "order 356938035643809 shipped",  # fifteen digits with a right check digit, but no label
    "the IMEI is printed under the battery",
    "Meine Meinung: 35 693803 564380 9",  # "mei" of another word
])
def test_what_is_no_device_identifier_stays(text: str) -> None:
    assert devices(text) == []


def test_one_address_written_two_ways_is_one_value() -> None:
    """Equal values share a placeholder: the separators and the case of a MAC address do not count."""
    assert normalize("DEVICE_ID", "b8:27:eb:12:34:56") == normalize("DEVICE_ID", "B8-27-EB-12-34-56")
    assert normalize("DEVICE_ID", "35-693803-564380-9") == "356938035643809"
