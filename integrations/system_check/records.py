"""A parsed log record and the vocabulary of levels every log format maps to."""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["DEBUG", "ERROR", "INFO", "LEVELS", "SYSLOG_SEVERITY", "WARNING", "ParsedLine", "keyword_level"]


class ParsedLine(NamedTuple):
    """One log record: epoch time (None if unknown), level, message, source and the raw line."""

    ts: float | None
    level: str
    message: str
    source: str
    raw: str


ERROR, WARNING, INFO, DEBUG = "error", "warning", "info", "debug"

LEVELS: dict[str, str] = {
    "emerg": ERROR, "emergency": ERROR, "alert": ERROR, "crit": ERROR, "critical": ERROR,
    "fatal": ERROR, "panic": ERROR, "err": ERROR, "error": ERROR, "severe": ERROR,
    "warn": WARNING, "warning": WARNING,
    "notice": INFO, "info": INFO, "information": INFO, "informational": INFO, "log": INFO,
    "debug": DEBUG, "trace": DEBUG, "verbose": DEBUG, "fine": DEBUG,
}  # fmt: skip

# syslog severities 0..7 (RFC 5424 section 6.2.1)
SYSLOG_SEVERITY = (ERROR, ERROR, ERROR, ERROR, WARNING, INFO, INFO, DEBUG)

_ERROR_WORDS = re.compile(
    r"\b(?:errors?|err|fail|failed|failure|failing|fatal|crit|critical|panic|emerg|emergency"
    r"|exception|traceback|segfault|segmentation fault|denied|refused|unreachable"
    r"|out of memory|oom-kill|oom killer|aborted|core dumped)\b"
)
_WARNING_WORDS = re.compile(
    r"\b(?:warn|warning|timeout|timed out|deprecated|retrying|unable|cannot|could not|couldn't"
    r"|not found|invalid|rejected|dropped|throttl\w*)\b"
)


def keyword_level(message: str) -> str:
    """Guess a level from words in a message without a level field."""
    low = message.lower()
    if _ERROR_WORDS.search(low):
        return ERROR
    if _WARNING_WORDS.search(low):
        return WARNING
    return INFO
