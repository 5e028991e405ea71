"""Records of the systemd journal (`journalctl -o json`) as ParsedLine values."""

from __future__ import annotations

import time

from .records import SYSLOG_SEVERITY, ParsedLine, keyword_level

__all__ = ["parse_journal_entry"]


def _journal_message(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # journald sends non-UTF-8 messages as a list of byte values
        try:
            return bytes(value).decode("utf-8", "replace")
        except (TypeError, ValueError):
            return ""
    return "" if value is None else str(value)


def parse_journal_entry(entry: dict) -> ParsedLine:
    """A record of `journalctl -o json` (MESSAGE, PRIORITY, __REALTIME_TIMESTAMP, identifiers)."""
    msg = _journal_message(entry.get("MESSAGE"))
    ts = None
    realtime = entry.get("__REALTIME_TIMESTAMP")
    if realtime is not None:
        try:
            ts = int(realtime) / 1e6
        except (TypeError, ValueError):
            ts = None
    try:
        level = SYSLOG_SEVERITY[int(entry.get("PRIORITY", 6)) & 7]
    except (TypeError, ValueError):
        level = keyword_level(msg)
    source = (
        entry.get("SYSLOG_IDENTIFIER") or entry.get("_COMM") or entry.get("_SYSTEMD_UNIT") or "journal"
    )
    if not isinstance(source, str):
        source = "journal"
    pid = entry.get("_PID") or entry.get("SYSLOG_PID")
    raw = f"{source}[{pid}]: {msg}" if pid else f"{source}: {msg}"
    if ts is not None:
        raw = _format_time(ts) + " " + raw
    return ParsedLine(ts, level, msg, source, raw)


def _format_time(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))
