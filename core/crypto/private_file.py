"""Files only their owner may read, written atomically and durably (key files, exports)."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path


def write_private_file(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write `data` atomically to a mode-0600 file.

    The content goes to a temporary file created with O_CREAT|O_EXCL and mode 0600, is
    fsynced, then linked (new file: fails with FileExistsError if `path` exists) or renamed
    (overwrite) into place; the directory is fsynced after.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(path.parent)


def _link_new(tmp: Path, path: Path) -> None:
    """Put `tmp` in place as `path` only if `path` does not exist yet."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as err:  # filesystems without hard links (FAT, some network mounts)
        if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if path.exists():
            raise FileExistsError(errno.EEXIST, "file exists", str(path)) from err
        os.replace(tmp, path)


def _fsync_dir(directory: Path) -> None:
    """Make a rename or link in `directory` durable (best effort where unsupported)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
