"""Importable test helpers: configuration directories, drop-in integrations, installed packages."""

from __future__ import annotations

from tests.helpers.channels import RECORDING_CHANNEL, RecordingChannel
from tests.helpers.configdir import (
    forget_modules,
    write_config,
    write_dist_info,
    write_integration,
)
from tests.helpers.runs import FinishedRuns

__all__ = [
    "FinishedRuns",
    "RECORDING_CHANNEL",
    "RecordingChannel",
    "forget_modules",
    "write_config",
    "write_dist_info",
    "write_integration",
]
