"""The private directories of one run and the checks on paths a caller hands to the sandbox."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass

from core.sandbox.errors import SandboxError
from core.sandbox.isolation import Identity

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Workspace:
    """A run's directory: `work` (the child's cwd and HOME unless given) and `tmp`."""

    root: str
    work: str
    tmp: str


def create(identity: Identity | None, workdir: str | None) -> Workspace:
    """Make the run's private directories, owned by the sandbox user when there is one."""
    root = tempfile.mkdtemp(prefix="roost-sandbox-")
    try:
        work = workdir or os.path.join(root, "work")
        tmp = os.path.join(root, "tmp")
        made = [tmp] if workdir else [work, tmp]
        for path in made:
            os.mkdir(path, 0o700)
            if identity is not None:
                # Owned by the sandbox user; group root may enter, so that bwrap, which
                # runs as root without capabilities, can change into it.
                os.chown(path, identity.uid, 0)
                os.chmod(path, 0o710)
        if identity is not None:
            # Root keeps the run directory itself, so the child cannot swap its entries.
            os.chmod(root, 0o711)
        return Workspace(root=root, work=work, tmp=tmp)
    except BaseException:
        remove(root)
        raise


def remove(path: str) -> None:
    """Delete a run directory, even where the child made parts of it unreadable."""
    for _ in range(3):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.lexists(path):
            return
        _make_walkable(path)
    _LOGGER.warning("could not remove the sandbox directory %s completely", path)


def _make_walkable(top: str) -> None:
    for root, dirs, _files in os.walk(top):
        for target in [root, *(os.path.join(root, d) for d in dirs)]:
            try:
                fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            except OSError:
                continue
            try:
                os.fchmod(fd, 0o700)
            except OSError:
                pass
            finally:
                os.close(fd)


def check_path(path: str, what: str) -> str:
    """An absolute, existing host path, symlinks resolved; SandboxError otherwise."""
    if not isinstance(path, str) or not path:
        raise SandboxError(f"{what} must be a non-empty string, got {path!r}")
    if "\0" in path:
        raise SandboxError(f"{what} {path!r} contains a NUL byte")
    if not os.path.isabs(path):
        raise SandboxError(f"{what} {path!r} must be an absolute path")
    real = os.path.realpath(path)
    if real == "/":
        raise SandboxError(f"{what} {path!r} would expose the whole file system")
    if not os.path.exists(real):
        raise SandboxError(f"{what} {path!r} does not exist")
    return real


def check_workdir(path: str) -> str:
    """The caller's working directory: an existing directory."""
    real = check_path(path, "workdir")
    if not stat.S_ISDIR(os.stat(real).st_mode):
        raise SandboxError(f"workdir {path!r} is not a directory")
    return real
