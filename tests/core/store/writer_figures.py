"""Reading the store writer's figures in store tests."""

from __future__ import annotations

from typing import Any


def commit_times(stats: dict[str, Any]) -> tuple[int, float]:
    """How many groups the commit-time histogram of db.stats() holds, and their total seconds."""
    return sum(count for _, count in stats["commit_seconds"]["buckets"]), stats["commit_seconds"]["sum"]
