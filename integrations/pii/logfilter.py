"""A logging filter that lets no raw PII into a log line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

__all__ = ["PiiLogFilter", "install_log_filter"]


class _Scrubs(Protocol):
    """Anything with the Sanitizer's ``scrub(text) -> str``."""

    def scrub(self, text: str) -> str:
        """Irreversibly mask sensitive spans."""
        ...


class PiiLogFilter(logging.Filter):
    """Formats each record's message, scrubs it, and leaves no arguments to re-format.

    Attach it to handlers (a logger's own filters do not see records of child loggers).
    Exception text and stack information are scrubbed as well.
    """

    def __init__(self, scrubber: _Scrubs | Callable[[str], str], name: str = "") -> None:
        super().__init__(name)
        scrub = getattr(scrubber, "scrub", scrubber)
        if not callable(scrub):
            raise TypeError(
                f"expected a sanitizer with scrub(text) or a callable, got {scrubber!r}"
            )
        self._scrub: Callable[[str], str] = scrub

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is, still scrubbed
            message = f"{record.msg} {record.args!r}"
        record.msg = self._scrub(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self._scrub(record.stack_info)
        return True


def install_log_filter(
    scrubber: _Scrubs | Callable[[str], str], logger: logging.Logger | None = None
) -> PiiLogFilter:
    """Add one PiiLogFilter to every handler of logger (the root logger by default)."""
    target = logger if logger is not None else logging.getLogger()
    log_filter = PiiLogFilter(scrubber)
    for handler in target.handlers:
        handler.addFilter(log_filter)
    return log_filter
