"""`roost backup` and `roost restore`: copies of the store and its key file, and putting one back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.common import add_config_arg, config_dir, config_store_settings
from core.config import load_config
from core.store.backup import backup, restore
from core.store.configuration_files import BACKUPS, CONFIGURATION, configuration_in
from core.store.open import InstanceLock, database_path, store_settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add backup and restore."""
    make = sub.add_parser("backup", help="copy the store, its key file and the configuration's own files (also while"
                                         " Roost runs)")
    add_config_arg(make)
    make.add_argument("--output", "-o", metavar="DIR", default=None,
                      help="where to put the backup folder (default: CONFIG/backups)")
    make.set_defaults(func=cmd_backup)

    put = sub.add_parser("restore", help="put a backup in place of the store (Roost must be stopped)")
    add_config_arg(put)
    put.add_argument("backup", help="a folder `roost backup` made")
    put.add_argument("--configuration", action="store_true",
                     help="put back the configuration files it holds too (configuration.yaml, secrets.yaml, blueprints,"
                          " integrations, knowledge, ...); the current ones are moved aside")
    put.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    """Make a backup folder and print its path."""
    directory = config_dir(args)
    database, _settings = config_store_settings(directory)
    folder = Path(args.output).expanduser() if args.output else directory / BACKUPS
    target = backup(database, directory, folder)
    print(f"Backed up {database}, its key file and the configuration's own files to {target}")
    print(f"Restore it with: roost restore {target} --config {directory}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the store and key file (and with --configuration, the configuration's files) with a backup's; what
    they replace is moved aside."""
    directory = config_dir(args)
    source = Path(args.backup).expanduser()
    if args.configuration:  # the configuration it puts back says where the store is (a new device has none yet)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        database = database_path(directory, store_settings(load_config(configuration_in(source)).raw.get("store")))
    else:
        database, _settings = config_store_settings(directory)
    lock = InstanceLock(directory)
    lock.acquire("restore a backup")
    try:
        moved = restore(source, database, directory, configuration=args.configuration)
    finally:
        lock.release()
    for path in moved:
        print(f"Moved the replaced {path.name.split('.replaced-')[0]} to {path}")
    print(f"Restored {args.backup} into {directory}", file=sys.stdout)
    if not args.configuration and (source / CONFIGURATION).is_dir():
        print(f"The configuration files as they were are in {source / CONFIGURATION}; `roost restore {source}"
              f" --configuration --config {directory}` puts them back too")
    return 0
