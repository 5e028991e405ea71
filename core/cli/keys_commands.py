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
from core.meter import Meter
from core.store.open import InstanceBusyError, InstanceLock, require_key_for


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `roost keys export|import|rotate`."""
    keys = sub.add_parser("keys", help="export, import or rotate the encryption keys")
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION")
    ksub.required = True
    export = ksub.add_parser("export", help="write the keys wrapped with a passphrase, for a planned move")
    export.add_argument("--output", "-o", default="roost-keys.export", help="file to write")
    imp = ksub.add_parser("import", help="take keys exported on the old device")
    imp.add_argument("file", help="the export file")
    for parser in (export, imp):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--passphrase-stdin", action="store_true",
                            help="read the passphrase from the first line of standard input")
        source.add_argument("--passphrase-fd", type=int, metavar="FD",
                            help="read the passphrase from the first line of this open file descriptor")
        source.add_argument("--passphrase", nargs="?", const="", default=None, metavar="VALUE",
                            help="without VALUE: ask on the terminal (the default). With VALUE: visible in"
                                 " `ps` and shell history, so better not")
    rotate = ksub.add_parser("rotate", help="new data key; re-encrypt everything (stop the gateway first)")
    for parser in (export, imp, rotate):
        add_config_arg(parser)
    keys.set_defaults(func=cmd_keys)


def _passphrase(args: argparse.Namespace, prompt: str, *, confirm: bool) -> str:
    """The passphrase from a file descriptor, standard input, the command line or the terminal."""
    if args.passphrase_fd is not None:
        try:
            with os.fdopen(args.passphrase_fd, encoding="utf-8", closefd=False) as source:
                return source.readline().rstrip("\r\n")
        except OSError as err:
            raise SystemExit(f"roost keys: cannot read file descriptor {args.passphrase_fd}: {err.strerror}") from None
    if args.passphrase_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if args.passphrase:
        print("roost keys: warning: a passphrase on the command line is visible to other users (ps) and in"
              " shell history; use the prompt, --passphrase-stdin or --passphrase-fd", file=sys.stderr)
        return str(args.passphrase)
    if not sys.stdin.isatty():
        raise SystemExit("roost keys: no terminal to ask for the passphrase: give it with --passphrase-stdin"
                         " or --passphrase-fd FD")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != first:
        raise SystemExit("roost keys: the passphrases differ")
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
            output = Path(args.output)
            if output.exists():  # said before the passphrase is asked for; an export is never overwritten
                print(f"roost keys: {output} exists already: give another --output, or move it away first",
                      file=sys.stderr)
                return 1
            require_key_for(directory, config_store_settings(directory)[0])
            ring = load_or_create(directory)
            data = export_keys(ring, _passphrase(args, "Passphrase for the export (12+ characters): ", confirm=True))
            try:
                write_private_file(output, data)
            except OSError as err:
                print(f"roost keys: cannot write {output}: {err.strerror or err}", file=sys.stderr)
                return 1
            print(f"Wrote {output}. On the new device: roost keys import {output} --config DIR")
            return 0
        lock.acquire(f"{args.keys_command} keys")  # not while a gateway uses the old key
        if args.keys_command == "import":
            data = Path(args.file).read_bytes()  # a path that cannot be read: one line from the CLI's OSError handler
            ring = import_keys(data, _passphrase(args, "Passphrase of the export: ", confirm=False), directory)
            print(f"Imported {len(ring.key_ids)} keys into {directory}; this device can open the database now.")
            return 0
        return asyncio.run(_rotate(directory))
    except (CryptoError, InstanceBusyError) as err:
        print(f"roost keys: {err}", file=sys.stderr)
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
    meter = Meter("re-encrypting the store", 0, unit="rows")
    try:
        report = await store.rekey(cipher, on_progress=meter.update)
    finally:
        meter.finish()
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
