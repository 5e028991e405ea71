"""File modes in the configuration directory: private files are made private, risky ones are named.

Checked at every start and by `roost doctor`. Files that hold secrets or data (secrets.yaml, the
store, the key file, the knowledge base, key exports, backups) are set to 0600 (folders 0700)
when group or others could read them. Files that steer Roost (configuration.yaml, blueprints,
drop-in integrations: code) are reported when group or others could write them, since whoever
can change them can make Roost do anything; their modes are the owner's choice and not changed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from core.store.configuration_files import BACKUPS

PRIVATE_PATTERNS = ("secrets.yaml", "keys.json*", "roost.db*", "knowledge.db*", "*.export", "roost.lock")
PRIVATE_FOLDERS = (BACKUPS,)


@dataclass(frozen=True, slots=True)
class ModeFinding:
    """One file whose mode was changed (fixed) or should be (a warning)."""

    path: Path
    mode: int
    message: str
    fixed: bool

    def __str__(self) -> str:
        return f"{self.path} (mode {self.mode:04o}): {self.message}"


def create_private(path: Path) -> None:
    """Create a file (and its folder) readable by its owner only, unless it exists: a database made this way keeps
    its data private from its first byte (SQLite gives its WAL and shared-memory files the same mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def check_modes(config_dir: Path, *, fix: bool = True) -> list[ModeFinding]:
    """Every mode problem in a configuration directory; private files are fixed when fix is true."""
    findings: list[ModeFinding] = []
    root_mode = _mode(config_dir)
    if root_mode is not None and root_mode & 0o077:
        findings.append(_private(config_dir, root_mode, 0o700, fix, "the configuration directory is open to others"))
    for path in _walk(config_dir):
        mode = _mode(path)
        if mode is None:
            continue
        if _is_private(config_dir, path):
            if mode & 0o077:
                target = 0o700 if path.is_dir() else 0o600
                findings.append(_private(path, mode, target, fix, "holds secrets or data, readable by others"))
        elif mode & 0o022:
            findings.append(ModeFinding(path, mode, "writable by group or others: whoever can change it can"
                                        " make Roost run what they want (chmod go-w)", fixed=False))
    return findings


def _private(path: Path, mode: int, target: int, fix: bool, why: str) -> ModeFinding:
    if fix:
        try:
            os.chmod(path, target)
        except OSError as err:
            return ModeFinding(path, mode, f"{why}; could not set it to {target:04o}: {err.strerror}", fixed=False)
        return ModeFinding(path, mode, f"{why}; Roost changed it to {target:04o}", fixed=True)
    return ModeFinding(path, mode, f"{why} (chmod {target:o})", fixed=False)


def _is_private(config_dir: Path, path: Path) -> bool:
    relative = path.relative_to(config_dir)
    if relative.parts[0] in PRIVATE_FOLDERS:
        return True
    return len(relative.parts) == 1 and any(path.match(pattern) for pattern in PRIVATE_PATTERNS)


def _walk(config_dir: Path) -> list[Path]:
    """Files and folders under the directory, not following links; models and caches left out."""
    found = []
    for folder, dirs, files in os.walk(config_dir):
        dirs[:] = [d for d in dirs if d not in ("models", "__pycache__")]
        here = Path(folder)
        found.extend(here / d for d in dirs)
        found.extend(here / f for f in files)
    return found


def _mode(path: Path) -> int | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return None
    return stat.S_IMODE(info.st_mode)
