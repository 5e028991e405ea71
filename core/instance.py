"""One gateway per configuration directory, and no silent new key beside an existing database."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from core.crypto import KEY_FILE_NAME, KeyFileError
from core.errors import RoostError

LOCK_FILE = "roost.lock"


class InstanceBusyError(RoostError):
    """Another Roost process holds this configuration directory."""


class InstanceLock:
    """An exclusive lock on the configuration directory for the lifetime of a gateway."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, purpose: str = "run a gateway") -> None:
        """Take the lock, or raise InstanceBusyError naming the process that holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise InstanceBusyError(
                f"cannot {purpose}: Roost (pid {holder}) is running on {self.path.parent}; stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

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
