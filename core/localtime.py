"""The machine's local time as Roost goes by it: the name of its time zone, and whether a time server keeps its clock
right (schedules, timers, retries and token expiry all go by that clock)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
from pathlib import Path

TIME_ERROR = 5
"""What adjtimex(2) answers while the kernel counts the clock as not synchronized."""


def zone_name() -> str:
    """This machine's time zone as an IANA name (as Home Assistant's clients expect it): TZ, else the zone
    /etc/localtime links to, else /etc/timezone (Debian's), else UTC."""
    import zoneinfo  # here, not at start: 8 ms of import that few need

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(os.path.realpath("/etc/localtime"))
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for candidate in candidates:
        name = candidate.rpartition("zoneinfo/")[2].removeprefix("posix/").removeprefix("right/")
        try:
            if name and zoneinfo.ZoneInfo(name):
                return name
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):  # a POSIX TZ string ("CET-1CEST"), a stray file
            continue
    return "UTC"


class _Timex(ctypes.Structure):
    """struct timex of <sys/timex.h>: the fields before status, then room for the rest."""

    _fields_ = [("modes", ctypes.c_uint), ("offset", ctypes.c_long), ("freq", ctypes.c_long),
                ("maxerror", ctypes.c_long), ("esterror", ctypes.c_long), ("status", ctypes.c_int),
                ("rest", ctypes.c_long * 32)]


def synchronized() -> bool | None:
    """Whether the kernel counts the clock as kept right by a time server (systemd-timesyncd, chrony and ntpd tell
    it so); None where it cannot be asked."""
    library = ctypes.util.find_library("c")
    if library is None:
        return None
    try:
        adjtimex = ctypes.CDLL(library, use_errno=True).adjtimex
    except (OSError, AttributeError):  # not Linux
        return None
    state = adjtimex(ctypes.byref(_Timex()))  # modes 0: only read
    return None if state < 0 else state != TIME_ERROR
