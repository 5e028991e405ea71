"""Logging a person can read, with every line passed through the sanitizers first."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class FirstTime:
    """Says whether a key (an address, a webhook id) is new, so that a complaint repeated by a stranger is
    logged once; it remembers at most `keep` keys (then starts afresh), so a flood of keys cannot grow it."""

    def __init__(self, keep: int = 1024) -> None:
        self.keep = keep
        self._seen: set[str] = set()

    def __call__(self, key: str) -> bool:
        """True the first time key is seen."""
        if key in self._seen:
            return False
        if len(self._seen) >= self.keep:
            self._seen.clear()
        self._seen.add(key)
        return True


def redactor(secrets: Iterable[str]) -> Callable[[str], str]:
    """A scrub function that replaces each secret (of 4 characters or more) with [secret]."""
    pattern = "|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True) if len(s) >= 4)
    if not pattern:
        return lambda text: text
    compiled = re.compile(pattern)
    return lambda text: compiled.sub("[secret]", text)


class ScrubFilter(logging.Filter):
    """Rewrites each record's message through a scrub function (PII never reaches a log)."""

    def __init__(self, scrub: Callable[[str], str]) -> None:
        super().__init__()
        self.scrub = scrub

    def filter(self, record: logging.LogRecord) -> bool:
        """Format the message, scrub it and any traceback, and drop the arguments."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw template
            message = str(record.msg)
        record.args = ()
        try:
            record.msg = self.scrub(message)
            if record.exc_info or record.exc_text:
                # Scrub even a traceback another handler already formatted (and cached) raw.
                text = record.exc_text or logging.Formatter().formatException(record.exc_info)  # type: ignore[arg-type]
                record.exc_text = self.scrub(text)
            if record.stack_info:
                record.stack_info = self.scrub(record.stack_info)
        except Exception as err:  # never let a failing scrubber leak the raw text, or raise
            record.msg = f"[log line withheld: scrubbing it failed with {type(err).__name__}]"
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


class JournalFormatter(logging.Formatter):
    """Lines for journald: its priority prefix (``<3>``), no time (the journal keeps one), one line each."""

    PRIORITIES = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """The record on one line, a traceback's lines joined with " | "."""
        priority = self.PRIORITIES.get(record.levelno, 6)
        return f"<{priority}>" + super().format(record).replace("\n", " | ")


def writes_to_journal(stream: Any, environ: dict[str, str] | None = None) -> bool:
    """Whether stream is journald's (systemd sets $JOURNAL_STREAM to its device:inode)."""
    expected = (os.environ if environ is None else environ).get("JOURNAL_STREAM", "")
    try:
        info = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return False
    return bool(expected) and expected == f"{info.st_dev}:{info.st_ino}"


def set_levels(levels: dict[str, str], modules: dict[str, str]) -> None:
    """Per-part log levels (``roost: log_levels``): an integration's domain, or a logger name such as core.pipeline."""
    for name, level in levels.items():
        logging.getLogger(modules.get(name, name)).setLevel(level.upper())


def setup_logging(level: str = "info", *, stream: object = None) -> logging.Handler:
    """Send logs to stderr in a readable format (journald's under systemd); returns the handler for filters."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)  # type: ignore[call-overload]
    journal = writes_to_journal(stream)
    handler.setFormatter(JournalFormatter() if journal else logging.Formatter(FORMAT, DATE_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_roost", False):
            root.removeHandler(old)
    handler._roost = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    logging.getLogger("asyncio").setLevel(logging.WARNING)
    return handler
