"""`roost backup` and `roost restore`: copies of the store and its key file, and putting one back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.common import add_config_arg, config_dir, config_store_settings
from core.store.backup import backup, restore
from core.store.open import InstanceLock


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add backup and restore."""
    make = sub.add_parser("backup", help="copy the store and its key file (also while Roost runs)")
    add_config_arg(make)
    make.add_argument("--output", "-o", metavar="DIR", default=None,
                      help="where to put the backup folder (default: CONFIG/backups)")
    make.set_defaults(func=cmd_backup)

    put = sub.add_parser("restore", help="put a backup in place of the store (Roost must be stopped)")
    add_config_arg(put)
    put.add_argument("backup", help="a folder `roost backup` made")
    put.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    """Make a backup folder and print its path."""
    directory = config_dir(args)
    database, _settings = config_store_settings(directory)
    folder = Path(args.output).expanduser() if args.output else directory / "backups"
    target = backup(database, directory, folder)
    print(f"Backed up {database} and its key file to {target}")
    print(f"Restore it with: roost restore {target} --config {directory}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the store and key file with a backup's; what they replace is moved aside."""
    directory = config_dir(args)
    database, _settings = config_store_settings(directory)
    lock = InstanceLock(directory)
    lock.acquire("restore a backup")
    try:
        moved = restore(Path(args.backup).expanduser(), database, directory)
    finally:
        lock.release()
    for path in moved:
        print(f"Moved the replaced {path.name.split('.replaced-')[0]} to {path}")
    print(f"Restored {args.backup} into {directory}", file=sys.stdout)
    return 0
