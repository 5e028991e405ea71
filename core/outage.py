"""How a platform that cannot be reached reads in the log: once when it starts, a reminder now and then, once when it ends.

A box that is offline for a night tries its chat platforms again and again; a WARNING for every
try would bury everything else in the log. So the first failure is a WARNING, the tries after it
are DEBUG lines, a WARNING reminds every REMIND_EVERY seconds that it still fails, and one INFO
line says when the platform answers again and how long it did not. A store whose disk is full
is logged the same way, its first line and reminders as ERRORs (``core.store.lost_groups``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

__all__ = ["REMIND_EVERY", "OutageLog", "duration_text"]

REMIND_EVERY = 600.0
"""Seconds between the reminders of a failure that goes on."""


class OutageLog:
    """The log lines of one platform's unreachability (the tries of a start and of a connection alike), at level."""

    def __init__(self, logger: logging.Logger, platform: str, clock: Callable[[], float] = time.monotonic, *,
                 level: int = logging.WARNING) -> None:
        self.logger = logger
        self.platform = platform
        self.level = level  # of the first line and the reminders
        self._clock = clock
        self._since: float | None = None
        self._reminded = 0.0
        self._failures = 0

    @property
    def failing(self) -> bool:
        """True from a failed try until the platform answers again."""
        return self._since is not None

    def failed(self, what: str, error: object, wait: float | None = None) -> None:
        """A try failed (what: "Telegram getUpdates failed"); the next one is in wait seconds (None: not for it to say)."""
        now = self._clock()
        self._failures += 1
        again = "" if wait is None else f"; trying again in {wait:.1f} s"
        if self._since is None:
            self._since = self._reminded = now
            self.logger.log(self.level, "%s: %s%s (while it fails, a line every %d minutes)",
                            what, error, again, REMIND_EVERY // 60)
        elif now - self._reminded >= REMIND_EVERY:
            self._reminded = now
            self.logger.log(self.level, "%s: %s; still failing after %d tries in %s%s",
                            what, error, self._failures, duration_text(now - self._since), again)
        else:
            self.logger.debug("%s: %s%s", what, error, again)

    def reached(self) -> None:
        """The platform answered: end the outage (one INFO line when there was one)."""
        if self._since is None:
            return
        self.logger.info("%s answers again, after %d failed tries in %s", self.platform, self._failures,
                         duration_text(self._clock() - self._since))
        self._since = None
        self._failures = 0


def duration_text(seconds: float) -> str:
    """45 s, 12 min, 3 h 5 min."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
