"""The machine's local time as Roost goes by it: its zone's name, and whether a time server keeps the clock right."""

from __future__ import annotations

import sys

import pytest

from core.localtime import synchronized, zone_name


@pytest.mark.parametrize(("tz", "name"), [("Europe/Berlin", "Europe/Berlin"), (":America/New_York", "America/New_York"),
                                          ("/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo")])
def test_the_zone_is_named_as_iana_names_it_whichever_way_tz_gives_it(monkeypatch, tz: str, name: str) -> None:
    monkeypatch.setenv("TZ", tz)
    assert zone_name() == name


@pytest.mark.skipif(sys.platform != "linux", reason="adjtimex(2) is Linux's")
def test_the_kernel_is_asked_whether_the_clock_is_synchronized() -> None:
    assert isinstance(synchronized(), bool)
