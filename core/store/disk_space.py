"""Room left on the store's disk: a WARNING while there is still some, not only ERRORs once there is none.

A box that runs for months fills its SD card slowly (logs, backups, the store itself), and once the disk is full
Roost can keep nothing it is sent (``core.store.lost_groups``). So the free space of the disk holding roost.db is
read at start and every CHECK_SECONDS (``shutil.disk_usage``, in a thread). Below ``store: low_disk_mib`` (default 200;
0: never) a WARNING says how much is left, again every REMIND_SECONDS while it stays low (sooner when half of it
went), and one INFO line says when there is room again. Health and metrics report the figure.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.outage import duration_text

_LOGGER = logging.getLogger(__name__)
CHECK_SECONDS = 60.0
REMIND_SECONDS = 3600.0
MIB = 1024 * 1024


class DiskSpace:
    """The free space of the disk holding the database, read now and then and logged when it runs low."""

    def __init__(self, database: Path, low_bytes: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.database = database
        self.low_bytes = low_bytes
        self.free_bytes: int | None = None
        """Free bytes at the last reading (None before the first, or when the disk could not be read)."""
        self._clock = clock
        self._low_since: float | None = None
        self._warned_at = 0.0
        self._warned_free = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def low(self) -> bool:
        """True while the last reading was below the low mark."""
        return self._low_since is not None

    def reading(self) -> dict[str, Any]:
        """free_bytes (None before the first reading) and low."""
        return {"free_bytes": self.free_bytes, "low": self.low}

    async def check(self) -> int | None:
        """Read the free space now (and log what changed); the free bytes."""
        try:
            free = (await asyncio.to_thread(shutil.disk_usage, self.database.parent)).free
        except OSError as err:
            _LOGGER.debug("Cannot read the free space of %s: %s", self.database.parent, err)
            self.free_bytes = None
            return None
        self.free_bytes = free
        self._log(free)
        return free

    def _log(self, free: int) -> None:
        now = self._clock()
        if free >= self.low_bytes:
            if self._low_since is not None:
                _LOGGER.info("The disk holding %s has room again: %s free (it was low for %s)", self.database,
                             _mib(free), duration_text(now - self._low_since))
                self._low_since = None
            return
        if self._low_since is None:
            self._low_since = now
        elif now - self._warned_at < REMIND_SECONDS and free > self._warned_free // 2:
            return
        self._warned_at, self._warned_free = now, free
        _LOGGER.warning("The disk holding %s is low on space: %s free (store: low_disk_mib is %d). Once it is full,"
                        " Roost cannot keep the messages it is sent: free some space (old logs, backups) or move"
                        " the store to a larger disk", self.database, _mib(free), self.low_bytes // MIB)

    async def start(self) -> None:
        """Read the free space now, then every CHECK_SECONDS in the background."""
        await self.check()
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="disk space")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            await self.check()

    async def stop(self) -> None:
        """Stop reading."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


def _mib(free: int) -> str:
    return f"{free / MIB:.0f} MiB" if free >= 10 * MIB else f"{free / MIB:.1f} MiB"
