"""Fast conversion of the timestamp shapes found in logs to epoch seconds.

The converters cache what they computed: whole timestamps for the formats with one-second
resolution (many lines share a second), the minute for ISO-8601 (fractions vary per line), so
the costly calendar arithmetic runs once per second or minute of log, not per line.
"""

from __future__ import annotations

import re
import time
from calendar import timegm

MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip

_ISO_TAIL = re.compile(r"([.,]\d+)?\s?(Z|z|UTC|GMT|[+-]\d\d(?::?\d\d)?)?")
_CACHE_LIMIT = 100_000


def _local_minute(year: int, month: int, day: int, hour: int, minute: int) -> float:
    """Epoch of a wall-clock minute in the local time zone."""
    return time.mktime((year, month, day, hour, minute, 0, 0, 0, -1))


def _tz_offset(tz: str) -> int:
    """Seconds east of UTC for 'Z', '+0100', '+01:00' or '-05'."""
    if tz in ("Z", "z", "UTC", "GMT"):
        return 0
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4]) if len(digits) >= 4 else 0
    return sign * (hours * 3600 + minutes * 60)


class TimeParser:
    """Converts log timestamps to epoch seconds; one instance per file (the year hint is per file)."""

    __slots__ = ("_ref", "_ref_year", "_syslog", "_iso_local", "_iso_utc", "_clf", "_slash")

    def __init__(self, ref_time: float | None = None) -> None:
        self._ref = time.time() if ref_time is None else ref_time
        self._ref_year = time.localtime(self._ref).tm_year
        self._syslog: dict[str, float] = {}
        self._iso_local: dict[str, float] = {}
        self._iso_utc: dict[str, float] = {}
        self._clf: dict[str, float] = {}
        self._slash: dict[str, float] = {}

    def syslog(self, text: str) -> float | None:
        """'Nov 24 03:07:30' (local time, year inferred so the result is not in the future)."""
        ts = self._syslog.get(text)
        if ts is None:
            try:
                month = MONTHS[text[:3]]
                day, hour, minute = int(text[4:6]), int(text[7:9]), int(text[10:12])
                ts = _local_minute(self._ref_year, month, day, hour, minute)
                if ts > self._ref + 2 * 86400:
                    ts = _local_minute(self._ref_year - 1, month, day, hour, minute)
                ts += int(text[13:15])
            except (KeyError, ValueError, OverflowError):
                return None
            if len(self._syslog) > _CACHE_LIMIT:
                self._syslog.clear()
            self._syslog[text] = ts
        return ts

    def iso(self, text: str) -> float | None:
        """'2026-11-24T03:07:30.123+01:00', '2026-11-24 03:07:30,123', '...Z'; naive means local."""
        try:
            if text[16:17] == ":":
                sec = int(text[17:19])
                tail = text[19:]
            else:
                sec = 0
                tail = text[16:]
            offset = None
            frac = 0.0
            if tail:
                head = tail[0]
                if head in ".," and tail[-1] == "Z" and tail[1:-1].isdigit():
                    frac = float("." + tail[1:-1])
                    offset = 0
                elif head in ".," and tail[1:].isdigit():
                    frac = float("." + tail[1:])
                else:
                    m = _ISO_TAIL.match(tail)
                    if m is None:
                        return None
                    if m.group(1):
                        frac = float("." + m.group(1)[1:])
                    if m.group(2):
                        offset = _tz_offset(m.group(2))
        except ValueError:
            return None
        key = text[:16]
        if offset is None:
            base = self._iso_local.get(key)
            if base is None:
                base = self._iso_minute(key, True)
                if base is None:
                    return None
            return base + sec + frac
        base = self._iso_utc.get(key)
        if base is None:
            base = self._iso_minute(key, False)
            if base is None:
                return None
        return base + sec + frac - offset

    def _iso_minute(self, key: str, local: bool) -> float | None:
        try:
            fields = (int(key[0:4]), int(key[5:7]), int(key[8:10]), int(key[11:13]), int(key[14:16]))
            if local:
                base = _local_minute(*fields)
            else:
                base = float(timegm((*fields, 0)))
        except (ValueError, OverflowError):
            return None
        cache = self._iso_local if local else self._iso_utc
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        cache[key] = base
        return base

    def clf(self, text: str) -> float | None:
        """Common Log Format '24/Nov/2026:03:07:30 +0000' (access logs)."""
        ts = self._clf.get(text)
        if ts is None:
            try:
                ts = float(timegm((
                    int(text[7:11]), MONTHS[text[3:6]], int(text[0:2]),
                    int(text[12:14]), int(text[15:17]), int(text[18:20]),
                )))  # fmt: skip
                tz = text[21:].strip()
                if tz:
                    ts -= _tz_offset(tz)
            except (KeyError, ValueError, OverflowError, IndexError):
                return None
            if len(self._clf) > _CACHE_LIMIT:
                self._clf.clear()
            self._clf[text] = ts
        return ts

    def slashed(self, text: str) -> float | None:
        """'2026/11/24 03:07:30' (nginx error log, local time)."""
        ts = self._slash.get(text)
        if ts is None:
            try:
                ts = time.mktime((
                    int(text[0:4]), int(text[5:7]), int(text[8:10]),
                    int(text[11:13]), int(text[14:16]), int(text[17:19]), 0, 0, -1,
                ))  # fmt: skip
            except (ValueError, OverflowError):
                return None
            if len(self._slash) > _CACHE_LIMIT:
                self._slash.clear()
            self._slash[text] = ts
        return ts

    def epoch_number(self, value: float) -> float:
        """Epoch seconds from a number in seconds, milliseconds, microseconds or nanoseconds."""
        if value > 1e17:
            return value / 1e9
        if value > 1e14:
            return value / 1e6
        if value > 1e11:
            return value / 1e3
        return float(value)
