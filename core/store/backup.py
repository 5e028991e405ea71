"""The store's health and its copies: a bounded integrity check at open, online backups, restore.

A backup is a folder holding an online SQLite copy of the store (``sqlite3`` backup API: a
consistent snapshot, taken while the gateway writes), a copy of the key file that opens it, and the
configuration directory's own files (core.store.configuration_files). Restoring moves what it
replaces aside (``NAME.replaced-TIMESTAMP``); it never deletes. Before a
Roost migrates a store an older Roost wrote, it copies it as it was (``backup_before_upgrade``), so
going back to the older Roost is a restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from core.crypto import KEY_FILE_NAME
from core.store.configuration_files import (
    BACKUPS,
    configuration_entries,
    configuration_in,
    copy_configuration,
    entries_size,
    move_aside,
    restore_configuration,
)
from core.store.errors import StoreError

CHECK_SECONDS = 10.0
"""How long the integrity check at open may take; a larger store is checked this long, then opened."""
BACKUP_DATABASE = "roost.db"
BACKUP_PREFIX = "roost-backup-"
"""How the folders `roost backup` makes are named (then the time: roost-backup-20261204-071034)."""
UPGRADE_PREFIX = "roost-schema-"
"""How the copies made before an upgrade are named: the schema version they hold, then the time
(roost-schema-8-20261206-143000). The backup blueprint's pruning leaves them alone."""
MIB = 1024 * 1024
ROOM_TO_SPARE = 50 * MIB
"""Free space a backup must leave on its disk beyond the copy itself."""
FULL_BELOW = 16 * 1024 * 1024
"""Free bytes under which an I/O error opening the store is put down to a full disk: SQLite then needs room for
its shared-memory file (32 KiB) and the WAL it writes on opening."""


class StoreCorruptError(StoreError):
    """The database file is damaged: nothing was changed; restore a backup or move it away."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        made = backups_in(path.parent / BACKUPS)
        restore = (f"Restore the latest backup with `roost restore {made[-1]} --config {path.parent}`" if made else
                   f"Restore the latest backup with `roost restore BACKUP --config {path.parent}` (backups are made"
                   " by `roost backup` and the backup blueprint)")
        super().__init__(f"{path} is damaged ({detail}). Roost stopped before changing anything. {restore}, or move"
                         f" {path.name} and its -wal file away to start with an empty store.")


class NoRoomError(StoreError):
    """The disk a backup would go to has too little room for it: nothing was written."""


class StoreUnopenableError(StoreError):
    """The database could not be opened for a reason outside it (a full disk, a failing one, permissions)."""


def read_only_disk(folder: Path) -> str | None:
    """What to say when the disk holding folder is mounted read-only (as Linux remounts an SD card after errors on
    it), else None."""
    try:
        flags = os.statvfs(folder).f_flag
    except OSError:
        return None
    if not flags & os.ST_RDONLY:
        return None
    return (f"the disk holding {folder} is mounted read-only, so Roost can keep nothing on it. Linux does that after"
            " errors on a disk (`dmesg` says which): check the disk (or the SD card), then start Roost again. The"
            " store is not known to be damaged by this")


def _not_damage(path: Path, err: sqlite3.OperationalError) -> StoreError:
    """What an error opening the database means: damage only when SQLite says so (a full disk, whose first sign is
    often "disk I/O error" as SQLite sizes its shared-memory file, must not send anyone to delete a sound store)."""
    name = getattr(err, "sqlite_errorname", "")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StoreCorruptError(path, str(err))
    if (read_only := read_only_disk(path.parent)) is not None:
        return StoreUnopenableError(f"cannot open {path}: {err}; {read_only}")
    free = shutil.disk_usage(path.parent).free
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) and free < FULL_BELOW:
        return StoreUnopenableError(
            f"cannot open {path}: {err}; the disk holding it is full ({free // 1024} KiB free). Free some space and"
            " start Roost again: the store is not damaged by this")
    return StoreUnopenableError(f"cannot open {path}: {err} ({name or 'no SQLite error code'}, {free // 1024 // 1024}"
                                " MiB free on its disk). It is not known to be damaged: look at the disk and at the"
                                " file's permissions (`dmesg` shows failing hardware)")


def check_database(path: Path, seconds: float = CHECK_SECONDS) -> bool:
    """PRAGMA quick_check, for at most `seconds`; StoreCorruptError when damaged, False when cut short."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    deadline = time.monotonic() + seconds
    conn = sqlite3.connect(path, isolation_level=None)  # not read-only: it may have to read a WAL left by a crash
    try:
        conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
        rows = conn.execute("PRAGMA quick_check(20)").fetchall()
    except sqlite3.OperationalError as err:
        if str(err) == "interrupted":
            return False
        raise _not_damage(path, err) from None
    except sqlite3.DatabaseError as err:
        raise StoreCorruptError(path, str(err)) from None
    finally:
        conn.close()
    problems = [" ".join(str(row[0]).replace("*** in database main ***", "").split()) for row in rows
                if row[0] != "ok"]
    if problems:
        more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise StoreCorruptError(path, "; ".join(problems[:3]) + more)
    return True


def backup(database: Path, config_dir: Path, folder: Path) -> Path:
    """Copy the store (online), its key file and the configuration's own files into a new folder under `folder`;
    return it."""
    if not database.exists():
        raise StoreError(f"{database} does not exist yet: nothing to back up")
    check_database(database)
    return _copy(database, config_dir, folder, BACKUP_PREFIX)


def backup_before_upgrade(database: Path, config_dir: Path, version: int) -> Path:
    """Copy the store, still at schema `version`, with its key file and the configuration into CONFIG/backups before
    this Roost migrates it; return the copy (the store's integrity was checked as it opened)."""
    return _copy(database, config_dir, config_dir / BACKUPS, f"{UPGRADE_PREFIX}{version}-")


def upgrade_copies(folder: Path, known: int) -> list[Path]:
    """The copies made before upgrades in folder that hold a schema version up to `known`, oldest first."""
    found = []
    for path in backups_in(folder, UPGRADE_PREFIX):
        version, _, made = path.name.removeprefix(UPGRADE_PREFIX).partition("-")
        if version.isdigit() and int(version) <= known:
            found.append((made, path))
    return [path for _, path in sorted(found)]


def _copy(database: Path, config_dir: Path, folder: Path, prefix: str) -> Path:
    """The store, its key file and the configuration's own files copied into a new folder `prefix` + the time under
    folder, when its disk has room (NoRoomError otherwise)."""
    entries = configuration_entries(config_dir)
    leave_out = _not_configuration(folder, database)
    needed = ROOM_TO_SPARE + entries_size(entries, leave_out) + sum(  # at most what the store and its WAL hold
        path.stat().st_size for path in (database, Path(f"{database}-wal")) if path.exists())
    existing = next(parent for parent in (folder, *folder.parents) if parent.exists())
    free = shutil.disk_usage(existing).free
    if free < needed:
        raise NoRoomError(f"{folder} has {free // MIB} MiB free, and a copy of the store and the configuration needs"
                          f" {needed // MIB}: free some room, or make the copy on another disk")
    target = folder / time.strftime(f"{prefix}%Y%m%d-%H%M%S")
    suffix = 1
    while target.exists():
        suffix += 1
        target = folder / time.strftime(f"{prefix}%Y%m%d-%H%M%S-{suffix}")
    if not folder.exists():  # closed to others when made here (`roost doctor` checks)
        folder.mkdir(mode=0o700, parents=True)
    target.mkdir(mode=0o700)
    try:
        source = sqlite3.connect(database)
        copy = sqlite3.connect(target / BACKUP_DATABASE)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        (target / BACKUP_DATABASE).chmod(0o600)
        key_file = config_dir / KEY_FILE_NAME
        if key_file.exists():
            shutil.copy2(key_file, target / KEY_FILE_NAME)
            (target / KEY_FILE_NAME).chmod(0o600)
        copy_configuration(entries, target, leave_out)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # a backup folder that is there is whole (pruning counts it)
        raise
    return target


def _not_configuration(folder: Path, database: Path) -> Callable[[Path], bool]:
    """What a backup into folder leaves out of the configuration's files: the store wherever it is, the folder itself
    and every backup (a backup copies no backups, wherever they are kept)."""
    store = {Path(f"{database}{end}").resolve() for end in ("", "-wal", "-shm", "-journal")}
    into = folder.resolve()

    def left_out(path: Path) -> bool:
        if path.name.startswith((BACKUP_PREFIX, UPGRADE_PREFIX)) and path.is_dir():
            return True
        return path.resolve() in store or (path.is_dir() and path.resolve() == into)

    return left_out


def backups_in(folder: Path, prefix: str = BACKUP_PREFIX) -> list[Path]:
    """The backup folders `backup` made in folder (or those named from prefix), oldest first (by name)."""
    try:
        return sorted(p for p in folder.glob(f"{prefix}*") if p.is_dir() and (p / BACKUP_DATABASE).is_file())
    except OSError:  # a folder that cannot be read holds none that can be restored
        return []


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backup folders in folder; the deleted."""
    made = backups_in(folder)
    old = made[:-keep] if keep else made
    for path in old:
        shutil.rmtree(path)
    return old


def restore(source: Path, database: Path, config_dir: Path, *, configuration: bool = False) -> list[Path]:
    """Put a backup in place of the store and key file (and with configuration, of the configuration's own files);
    return where the replaced files were moved."""
    copy = source / BACKUP_DATABASE
    if not source.is_dir():
        raise StoreError(f"{source} does not exist or is not a folder: give the folder `roost backup` made")
    if not copy.is_file():
        made = backups_in(source)
        hint = f"; it holds backups, the latest is {made[-1]}" if made else ""
        raise StoreError(f"{source} is not a Roost backup: it holds no {BACKUP_DATABASE}{hint}")
    check_database(copy, seconds=float("inf"))
    if configuration:
        configuration_in(source)  # before anything is moved
    stamp = time.strftime("%Y%m%d-%H%M%S")
    replaced = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    key_copy = source / KEY_FILE_NAME
    if key_copy.exists():
        replaced.append(config_dir / KEY_FILE_NAME)
    moved = [move_aside(path, stamp) for path in replaced if path.exists()]
    shutil.copy2(copy, database)
    database.chmod(0o600)
    if key_copy.exists():
        shutil.copy2(key_copy, config_dir / KEY_FILE_NAME)
        (config_dir / KEY_FILE_NAME).chmod(0o600)
    if configuration:
        moved += restore_configuration(source, config_dir, stamp)
    return moved
