"""The `roost.backup` action: the store, its key file and the configuration copied while Roost runs, and the newest kept.

An automation says when (the shipped `backup.yaml` blueprint: every night, and `/backup` at the console), so
backups are scheduled, traced and retried as every run is. The copy is `roost backup`'s (core.store.backup),
made in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import voluptuous as vol

from core.automation.actions import ActionError
from core.store.backup import BACKUP_DATABASE, MIB, NoRoomError, backup, backups_in, prune_backups
from core.store.configuration_files import BACKUPS
from core.validation import humanize

if TYPE_CHECKING:
    from core.gateway import Gateway

_LOGGER = logging.getLogger(__name__)
DATA = vol.Schema({
    vol.Optional("folder", default=BACKUPS): vol.All(str, vol.Length(min=1)),
    vol.Optional("keep", default=7): vol.All(vol.Coerce(int), vol.Range(min=1)),
})
"""`folder`: where the backups go (relative to the configuration directory); `keep`: how many of the newest stay."""
BACKUP_BLUEPRINT = "backup.yaml"


@dataclass(slots=True)
class BackupFolder:
    """Where an automation of the backup blueprint puts its backups, and those there now (oldest first)."""

    automation_id: str
    folder: Path
    made: list[Path]

    def newest(self) -> os.stat_result | None:
        """The newest backup's database file (its time and size), or None before the first."""
        return (self.made[-1] / BACKUP_DATABASE).stat() if self.made else None


def scheduled_backups(gateway: Gateway) -> list[BackupFolder]:
    """Each automation of the backup blueprint with its folder and backups (reads the disk: not on the event loop)."""
    found = []
    for automation in gateway.engine.automations.values():
        if automation.blueprint == BACKUP_BLUEPRINT:
            folder = _within(gateway.config_dir, str(automation.inputs["folder"]))  # the blueprint's default too
            found.append(BackupFolder(automation.id, folder, backups_in(folder)))
    return found


def _within(config_dir: Path, folder: str) -> Path:
    """A backup folder as written: ~ expanded, a relative one within the configuration directory."""
    path = Path(folder).expanduser()
    return path if path.is_absolute() else config_dir / path


async def backup_action(gateway: Gateway, _ctx: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Back the store up into data's folder and keep its newest `keep` backups: {folder, bytes, seconds, removed}."""
    try:
        settings = DATA(data)
    except vol.Invalid as err:
        raise ActionError(f"roost.backup: {humanize(err, data)}") from None
    if gateway.store is None:
        raise ActionError("roost.backup: the store is not open")
    folder = _within(gateway.config_dir, settings["folder"])
    started = time.monotonic()
    made, size, removed = await asyncio.to_thread(_backup, gateway.store.db.path, gateway.config_dir, folder,
                                                  settings["keep"])
    seconds = time.monotonic() - started
    _LOGGER.info("Backed up the store to %s (%.1f MiB in %.1f s)%s", made, size / MIB, seconds,
                 f"; removed the {len(removed)} oldest" if removed else "")
    return {"folder": str(made), "bytes": size, "seconds": round(seconds, 2), "removed": [str(p) for p in removed]}


def _backup(database: Path, config_dir: Path, folder: Path, keep: int) -> tuple[Path, int, list[Path]]:
    """The copy, its bytes, and the old copies removed."""
    try:
        made = backup(database, config_dir, folder)
    except NoRoomError as err:
        raise ActionError(f"roost.backup: {err} (the blueprint's folder input)") from None
    return made, sum(path.stat().st_size for path in made.rglob("*") if path.is_file()), prune_backups(folder, keep)
