"""A progress line on stderr for long command-line work (a model download, a reindex, a key rotation).

On a terminal the line is redrawn in place, at most ten times a second; otherwise (a log file, a
pipe) a line is printed at every quarter.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

REDRAW_EVERY = 0.1


def count(n: int) -> str:
    """A plain count."""
    return f"{n:,}"


def megabytes(n: int) -> str:
    """Bytes as MB."""
    return f"{n / 1_000_000:.1f} MB"


class Meter:
    """Progress of label: done out of total, each shown with show (count or megabytes) and a unit."""

    def __init__(self, label: str, total: int, *, show: Callable[[int], str] = count, unit: str = "",
                 enabled: bool = True, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.show = show
        self.unit = f" {unit}" if unit else ""
        self.stream = stream or sys.stderr
        self.wanted = enabled
        self.tty = enabled and _isatty(self.stream)
        self._next_mark = 0.25
        self._drawn = 0.0
        self._shown = False

    def update(self, done: int, total: int | None = None) -> None:
        """done of total are finished (total: when it is known only now)."""
        if total is not None:
            self.total = total
        if not self.wanted or self.total <= 0:
            return
        self._shown = True
        fraction = min(done / self.total, 1.0)
        line = f"{self.label}: {self.show(done)} / {self.show(self.total)}{self.unit} ({fraction:.0%})"
        if self.tty:
            now = time.monotonic()
            if now - self._drawn >= REDRAW_EVERY or done >= self.total:
                self._drawn = now
                self.stream.write(f"\r{line}")  # done only grows: the line never gets shorter
                self.stream.flush()
        elif fraction >= self._next_mark:
            self.stream.write(line + "\n")
            while self._next_mark <= fraction:
                self._next_mark += 0.25

    def finish(self) -> None:
        """End the line on a terminal."""
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
