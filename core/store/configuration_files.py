"""The configuration directory's own files in a backup: what its owner wrote, so a backup is a whole restore point.

A backup holds them in its ``configuration`` folder: everything in the configuration directory but what Roost
writes there (``WRITTEN_BY_ROOST``: the store and its key file, which a backup copies on their own, the knowledge
index, fetched models, backups, locks, key exports, files moved aside) and the store wherever it is; in folders,
also no bytecode, pipes or sockets. So configuration.yaml, secrets.yaml, what ``!include`` brings from anywhere
in the directory, blueprints, drop-in integrations and knowledge documents are all in it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from core.store.errors import StoreError

CONFIGURATION = "configuration"
"""The folder of a backup that holds the configuration directory's own files."""
BACKUPS = "backups"
"""The configuration directory's folder of backups, where no other is named."""
WRITTEN_BY_ROOST = ("roost.db*", "roost.lock", "console.sock", "keys.json*", "knowledge.db*", "models", "*.export",
                    BACKUPS, "*.replaced-*")
"""What Roost writes at the top of a configuration directory: its data, not its owner's (`roost init` copies none
of it from the example)."""


def configuration_entries(config_dir: Path) -> list[Path]:
    """The files and folders at the top of config_dir that its owner wrote."""
    try:
        return sorted(p for p in config_dir.iterdir() if not any(p.match(written) for written in WRITTEN_BY_ROOST))
    except OSError:
        return []


def entries_size(entries: list[Path], leave_out: Callable[[Path], bool]) -> int:
    """The bytes the entries hold (a folder's files, but what a backup leaves out)."""
    size = 0
    for entry in entries:
        if entry.is_symlink() or _left_out(entry, leave_out):
            continue  # a link is copied as a link
        if entry.is_file():
            size += entry.stat().st_size
            continue
        for folder, dirs, files in os.walk(entry):
            dirs[:] = [d for d in dirs if not _left_out(Path(folder, d), leave_out)]
            size += sum(Path(folder, name).stat().st_size for name in files
                        if not (Path(folder, name).is_symlink() or _left_out(Path(folder, name), leave_out)))
    return size


def copy_configuration(entries: list[Path], target: Path, leave_out: Callable[[Path], bool]) -> None:
    """Copy the entries into target/configuration (links as links; not what leave_out says), readable by their owner
    only, as all of a backup is (so the check of file modes at start finds nothing to fix)."""
    into = target / CONFIGURATION
    into.mkdir(mode=0o700)
    for entry in entries:
        if _left_out(entry, leave_out):
            continue
        if entry.is_symlink() or entry.is_file():
            shutil.copy2(entry, into / entry.name, follow_symlinks=False)
        else:
            shutil.copytree(entry, into / entry.name, symlinks=True,
                            ignore=lambda folder, names: [n for n in names if _left_out(Path(folder, n), leave_out)])
    for folder, dirs, files in os.walk(into):
        for name in dirs:
            Path(folder, name).chmod(0o700)
        for name in files:
            if not Path(folder, name).is_symlink():
                Path(folder, name).chmod(0o600)


def configuration_in(backup: Path) -> Path:
    """The folder of a backup holding the configuration's files; StoreError when it has none."""
    folder = backup / CONFIGURATION
    if not (folder / "configuration.yaml").is_file():
        raise StoreError(f"{backup} holds no {CONFIGURATION}/configuration.yaml (a backup made before backups held"
                         " the configuration): restore it without --configuration")
    return folder


def restore_configuration(source: Path, config_dir: Path, stamp: str) -> list[Path]:
    """Put a backup's configuration files back in config_dir; return where the ones they replace were moved."""
    moved = []
    for entry in sorted(configuration_in(source).iterdir()):
        current = config_dir / entry.name
        if current.exists() or current.is_symlink():
            moved.append(move_aside(current, stamp))
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, current, symlinks=True)
        else:
            shutil.copy2(entry, current, follow_symlinks=False)
    return moved


def move_aside(path: Path, stamp: str) -> Path:
    """Rename what a restore replaces to NAME.replaced-STAMP beside it (never deleted); where it went."""
    aside = path.with_name(f"{path.name}.replaced-{stamp}")
    path.rename(aside)
    return aside


def _left_out(path: Path, leave_out: Callable[[Path], bool]) -> bool:
    """Bytecode, what leave_out says (the store, backups), and what is no file, folder or link (a named pipe or a
    socket: reading one would block or fail)."""
    if path.name == "__pycache__" or leave_out(path):
        return True
    return not (path.is_symlink() or path.is_dir() or path.is_file())
