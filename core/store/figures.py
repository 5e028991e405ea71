"""What the store's writer did: commits, operations, failures, the largest group, how long commits took."""

from __future__ import annotations

import bisect
from typing import Any

__all__ = ["COMMIT_BUCKETS", "WriterFigures"]

COMMIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
"""Upper bounds (seconds) of the commit-time histogram; one more bucket holds everything longer."""


class WriterFigures:
    """The writer's counters; updated once per group of writes, never per operation."""

    __slots__ = ("commit_counts", "commit_seconds", "commits", "failed_operations", "largest_group", "operations")

    def __init__(self) -> None:
        self.commits = 0
        self.operations = 0
        self.failed_operations = 0
        self.largest_group = 0
        self.commit_counts = [0] * (len(COMMIT_BUCKETS) + 1)
        self.commit_seconds = 0.0

    def committed(self, size: int, failed: int) -> None:
        """A transaction of size operations committed; failed of them were rolled back alone."""
        self.commits += 1
        self.operations += size
        self.failed_operations += failed
        if size > self.largest_group:
            self.largest_group = size

    def timed(self, seconds: float) -> None:
        """A group of writes was answered (committed, or lost) this long after it was handed to the writer."""
        self.commit_counts[bisect.bisect_left(COMMIT_BUCKETS, seconds)] += 1
        self.commit_seconds += seconds

    def lost(self, size: int) -> None:
        """size operations were not saved (each failed alone, or their transaction was lost or never ran)."""
        self.failed_operations += size

    def as_dict(self) -> dict[str, Any]:
        """The figures for stats(): counters, and the commit times as [upper bound, count] pairs (the last
        bound None: longer than every other) and their sum."""
        return {
            "commits": self.commits,
            "operations": self.operations,
            "failed_operations": self.failed_operations,
            "largest_group": self.largest_group,
            "commit_seconds": {
                "buckets": [[bound, count] for bound, count in zip((*COMMIT_BUCKETS, None), self.commit_counts,
                                                                    strict=True)],
                "sum": self.commit_seconds,
            },
        }
