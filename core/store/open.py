"""The one way to open a configuration's store: settings, instance lock, key check, cipher, writer.

The gateway, the CLI and tests open ``roost.db`` through ``open_store``: one gateway per
configuration directory (a lock file), a database whose key file is missing is refused (never
given a new key), and the writer runs in a child process unless told otherwise.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import fcntl
import logging
import os
from pathlib import Path
from typing import Any

import voluptuous as vol

from core.crypto import KEY_FILE_NAME, Cipher, KeyFileError, NullCipher, load_or_create
from core.errors import RoostError
from core.store.backup import (
    CHECK_SECONDS,
    NoRoomError,
    StoreUnopenableError,
    backup_before_upgrade,
    check_database,
    read_only_disk,
    upgrade_copies,
)
from core.store.configuration_files import BACKUPS
from core.store.errors import SchemaVersionError
from core.store.process import StoreProcessError
from core.store.schema import MIGRATIONS, stored_version
from core.store.sealing import ValueCipher
from core.store.store import Store

_LOGGER = logging.getLogger(__name__)
LOCK_FILE = "roost.lock"

STORE_SCHEMA = vol.Schema(vol.Any(None, {
    vol.Optional("path", default="roost.db"): str,
    vol.Optional("encryption", default=True): bool,
    vol.Optional("synchronous", default="FULL"): vol.All(str, vol.Upper, vol.In(["FULL", "NORMAL"])),
    # process: SQLite writes run in a child process, beside the event loop (see core.store.process).
    vol.Optional("writer", default="process"): vol.In(["process", "thread"]),
    vol.Optional("delivery_max_attempts", default=20): vol.All(int, vol.Range(min=1)),
    # Retention (core.pipeline.retention): how long each table keeps what is finished.
    vol.Optional("keep_days", default=7.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("trace_days", default=7.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("traces_per_automation", default=100): vol.All(int, vol.Range(min=1)),
    vol.Optional("dead_letter_days", default=30.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("history_days", default=30.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("history_turns", default=200): vol.All(int, vol.Range(min=1)),
    vol.Optional("prune_interval", default=3600.0): vol.All(vol.Coerce(float), vol.Range(min=1)),
    # core.store.disk_space: a WARNING while the disk holding the store has less than this left (0: never).
    vol.Optional("low_disk_mib", default=200): vol.All(int, vol.Range(min=0)),
}))


def store_settings(raw: Any) -> dict[str, Any]:
    """The store section of a configuration with its defaults (raw: the section, or None)."""
    return STORE_SCHEMA(raw or {}) or STORE_SCHEMA({})


def database_path(config_dir: Path, settings: dict[str, Any]) -> Path:
    """The database file of a configuration directory."""
    path = Path(settings["path"]).expanduser()
    return path if path.is_absolute() else config_dir / path


class InstanceBusyError(RoostError):
    """Another Roost process holds this configuration directory."""

    def __init__(self, message: str, holder: str) -> None:
        super().__init__(message)
        self.holder = holder
        """The process id of the one that holds it (or "another process" when it wrote none)."""


class InstanceLock:
    """An exclusive lock on the configuration directory for the lifetime of a gateway."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, purpose: str = "run a gateway") -> None:
        """Take the lock, or raise InstanceBusyError naming the process that holds it."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as err:
            read_only = read_only_disk(self.path.parent)
            if read_only is None:
                raise
            raise StoreUnopenableError(f"cannot take the lock {self.path} ({err.strerror}): {read_only}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise InstanceBusyError(
                f"cannot {purpose}: Roost (pid {holder}) is running on {self.path.parent}; stop it first", holder
            ) from None
        self._fd = fd
        try:  # who holds it, for the message above; the lock is the flock, which a full disk leaves whole
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError as err:
            _LOGGER.debug("could not write this process's id into %s: %s", self.path, err)

    def holder(self) -> str | None:
        """The process id of the Roost that holds the lock now, or None when none does (the lock is not kept)."""
        try:
            self.acquire()
        except InstanceBusyError as err:
            return err.holder
        self.release()
        return None

    def release(self) -> None:
        """Give the lock back."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def require_key_for(config_dir: Path, database: Path) -> None:
    """Refuse to make a new key when a database exists without its key file."""
    if database.exists() and not (config_dir / KEY_FILE_NAME).exists():
        raise KeyFileError(
            f"{database} exists but its key file {config_dir / KEY_FILE_NAME} is missing, so the "
            "data cannot be read. Restore the key file (or import one with `roost keys import FILE`); "
            "to start over, move the database away."
        )


def _copy_before_upgrade(path: Path, config_dir: Path) -> None:
    """Copy a store an older Roost wrote before this one migrates it, so going back to that Roost is a restore."""
    version, known = stored_version(path), len(MIGRATIONS)
    if not 0 < version < known:
        return
    _LOGGER.info("Copying %s (%.1f MiB) as it is before upgrading it from schema version %d to %d", path,
                 path.stat().st_size / 2**20, version, known)  # a large store on an SD card takes a while
    try:
        copy = backup_before_upgrade(path, config_dir, version)
    except NoRoomError as err:
        _LOGGER.warning("Upgrading %s from schema version %d to %d without a copy of it as it was: %s", path,
                        version, known, err)
        return
    _LOGGER.warning("Upgrading %s from schema version %d to %d. The store as it was is in %s: to go back to the Roost"
                    " before, stop Roost, install that one and run `roost restore %s --config %s`", path, version,
                    known, copy, copy, config_dir)


def open_cipher(config_dir: Path, encryption: bool, database: Path | None = None) -> ValueCipher:
    """The cipher for data at rest: AES-256-GCM with the device-bound key, or none.

    A new key is made only for a new database: an existing one without its key file is an error.
    """
    if not encryption:
        return NullCipher()
    if database is not None:
        require_key_for(config_dir, database)
    keyring = load_or_create(config_dir, os.environ.get("ROOST_PASSPHRASE") or None)
    return Cipher(keyring)


_AHEAD: dict[Path, concurrent.futures.Future[ValueCipher]] = {}
"""Keys being opened ahead (``open_key_ahead``), by database file; ``open_store`` takes its own."""


def open_key_ahead(config_dir: Path, section: Any) -> None:
    """Start opening an existing store's key in a thread, for ``open_store`` to take: its scrypt
    (~50 ms) runs while the caller imports integrations (`roost run` ready 0.62 -> 0.58 s).
    Nothing for a store section with errors, without encryption, or a new store (its key is
    made only as it is opened)."""
    try:
        settings = store_settings(section)
    except vol.Invalid:
        return
    path = database_path(config_dir, settings)
    if settings["encryption"] and path.exists():
        pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="roost-key")
        _AHEAD[path] = pool.submit(open_cipher, config_dir, True, path)
        pool.shutdown(wait=False)


async def open_store(config_dir: Path, settings: dict[str, Any], *, exclusive: str | None = "run a gateway",
                     writer: str = "thread", cipher: ValueCipher | None = None) -> Store:
    """Open (creating and migrating if needed) a configuration's store.

    exclusive: take the configuration's instance lock for this purpose (None: another process
    may be running on it, e.g. `roost trace`); the store releases it when closed.
    writer: "process" (the gateway's) or "thread"; a process that cannot be started falls
    back to a thread, with a warning. cipher: instead of the device-bound one (key rotation).
    """
    lock = None
    if exclusive is not None:
        lock = InstanceLock(config_dir)
        lock.acquire(exclusive)  # one gateway per configuration: recovery assumes no other writer
    try:
        path = database_path(config_dir, settings)
        if not await asyncio.to_thread(check_database, path):
            _LOGGER.warning("The integrity check of %s did not finish within %g s; opening it unchecked",
                            path, CHECK_SECONDS)
        ahead = _AHEAD.pop(path, None)
        if cipher is None and ahead is not None:
            cipher = await asyncio.wrap_future(ahead)
        elif cipher is None:
            cipher = await asyncio.to_thread(open_cipher, config_dir, settings["encryption"], path)
        await asyncio.to_thread(_copy_before_upgrade, path, config_dir)
        try:
            store = await Store.open(path, cipher, synchronous=settings["synchronous"], writer=writer)
        except StoreProcessError as err:  # e.g. no way to start a child here: slower, still durable
            _LOGGER.warning("%s; writing from a thread of this process instead", err)
            store = await Store.open(path, cipher, synchronous=settings["synchronous"])
        except SchemaVersionError as err:
            copies = await asyncio.to_thread(upgrade_copies, config_dir / BACKUPS, len(MIGRATIONS))
            if copies:
                raise SchemaVersionError(f"{err} The copy made before a newer Roost upgraded it: `roost restore"
                                         f" {copies[-1]} --config {config_dir}` (what was written since is not in"
                                         " it).") from None
            raise
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    store.lock = lock
    return store
