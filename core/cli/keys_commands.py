"""`roost keys`: move the encryption key to another device on purpose, or rotate it."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from core.cli.common import add_config_arg, config_dir, config_store_settings
from core.crypto import (
    Cipher,
    CryptoError,
    export_keys,
    import_keys,
    load_or_create,
    write_private_file,
)
from core.store.open import InstanceBusyError, InstanceLock, require_key_for


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `roost keys export|import|rotate`."""
    keys = sub.add_parser("keys", help="export, import or rotate the encryption keys")
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION")
    ksub.required = True
    export = ksub.add_parser("export", help="write the keys wrapped with a passphrase, for a planned move")
    export.add_argument("--passphrase", nargs="?", const="", default=None,
                        help="passphrase for the export (asked for when given without a value)")
    export.add_argument("--output", "-o", default="roost-keys.export", help="file to write")
    imp = ksub.add_parser("import", help="take keys exported on the old device")
    imp.add_argument("file", help="the export file")
    imp.add_argument("--passphrase", default=None, help="its passphrase (asked for when missing)")
    rotate = ksub.add_parser("rotate", help="new data key; re-encrypt everything (stop the gateway first)")
    for parser in (export, imp, rotate):
        add_config_arg(parser)
    keys.set_defaults(func=cmd_keys)


def _passphrase(value: str | None, prompt: str, *, confirm: bool) -> str:
    if value:
        return value
    if not sys.stdin.isatty():
        raise SystemExit("a passphrase is needed: pass --passphrase VALUE")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != first:
        raise SystemExit("the passphrases differ")
    return first


def cmd_keys(args: argparse.Namespace) -> int:
    """Run one keys action."""
    directory = config_dir(args)
    lock = InstanceLock(directory)
    try:
        if not (directory / "configuration.yaml").is_file():
            print(f"roost keys: {directory} holds no Roost configuration", file=sys.stderr)
            return 1
        if args.keys_command == "export":
            require_key_for(directory, config_store_settings(directory)[0])
            ring = load_or_create(directory)
            data = export_keys(ring, _passphrase(args.passphrase, "Passphrase for the export: ", confirm=True))
            write_private_file(Path(args.output), data)
            print(f"Wrote {args.output}. On the new device: roost keys import {args.output} --config DIR")
            return 0
        lock.acquire(f"{args.keys_command} keys")  # not while a gateway uses the old key
        if args.keys_command == "import":
            data = Path(args.file).read_bytes()
            ring = import_keys(data, _passphrase(args.passphrase, "Passphrase of the export: ", confirm=False), directory)
            print(f"Imported {len(ring.key_ids)} keys into {directory}; this device can open the database now.")
            return 0
        return asyncio.run(_rotate(directory))
    except (CryptoError, InstanceBusyError) as err:
        print(f"roost keys: {err}", file=sys.stderr)
        return 1
    except FileNotFoundError as err:
        print(f"roost keys: {err.filename}: no such file", file=sys.stderr)
        return 1
    finally:
        lock.release()


async def _rotate(directory: Path) -> int:
    from core.store.open import open_store

    path, settings = config_store_settings(directory)
    require_key_for(directory, path)
    ring = await asyncio.to_thread(load_or_create, directory, os.environ.get("ROOST_PASSPHRASE") or None)
    old_ids = [k for k in ring.key_ids if k != ring.current_id]
    previous = ring.current_id
    new_id = await asyncio.to_thread(ring.rotate)
    cipher = Cipher(ring)
    store = await open_store(directory, settings, exclusive=None, cipher=cipher)  # the caller holds the lock
    try:
        report = await store.rekey(cipher)
    finally:
        await store.close()
    if report.failed:
        for table, row, reason in report.failed:
            print(f"  {table} row {row}: {reason}", file=sys.stderr)
        print(f"Rotated to key {new_id}, but {len(report.failed)} values could not be re-encrypted; "
              f"old keys are kept so they stay readable.", file=sys.stderr)
        return 1
    for key_id in [previous, *old_ids]:
        await asyncio.to_thread(ring.retire, key_id)
    total = sum(report.rewritten.values())
    print(f"Rotated to key {new_id}: re-encrypted {total} values; the old key is retired.")
    return 0
