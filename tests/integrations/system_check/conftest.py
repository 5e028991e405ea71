"""Fixtures: a folder of real log files per call, and the moment the analysis ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from system_check_logs import LogSet, write_logs


@pytest.fixture
def now() -> float:
    """The end of the analysed window: the current second."""
    return float(int(time.time()))


@pytest.fixture
def make_logs(tmp_path: Path, now: float) -> Callable[..., LogSet]:
    """Write a set of log files under tmp_path (a new folder per call)."""
    counter = iter(range(1000))

    def make(**kwargs: bool) -> LogSet:
        return write_logs(tmp_path / f"logs{next(counter)}", now, **kwargs)

    return make
