"""`roost doctor`: is this configuration directory healthy? Configuration, file modes, keys, store."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from core.cli.common import (
    add_config_arg,
    config_store_settings,
    configuration_problems,
    prepared_gateway,
)
from core.crypto import KEY_FILE_NAME, CryptoError, open_key_file
from core.errors import RoostError
from core.permissions import check_modes
from core.store.backup import check_database


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add doctor."""
    doctor = sub.add_parser("doctor", help="check configuration, file modes, keys and the store (fixes modes)")
    add_config_arg(doctor)
    doctor.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print one line per check (ok, fixed, PROBLEM); exit 1 when a problem remains."""
    gateway = prepared_gateway(args)
    directory = gateway.config_dir
    lines: list[tuple[str, str]] = []
    problems = configuration_problems(gateway)
    lines.extend(("PROBLEM", f"configuration: {error}") for error in problems)
    if not problems:
        lines.append(("ok", f"configuration: {len(gateway.integrations)} integrations,"
                            f" {len(gateway.engine.automations)} automations"))
    findings = check_modes(directory)
    lines.extend(("fixed" if f.fixed else "PROBLEM", f"file mode: {f}") for f in findings)
    if not findings:
        lines.append(("ok", f"file modes: private files and {directory} are closed to others"))
    database, settings = config_store_settings(directory)
    lines.append(_keys(directory, settings["encryption"]))
    lines.append(_store(database))
    for status, text in lines:
        print(f"{status:<8}{text}")
    return 1 if any(status == "PROBLEM" for status, _ in lines) else 0


def _keys(directory: Path, encryption: bool) -> tuple[str, str]:
    if not encryption:
        return "ok", "keys: encryption at rest is off (store: encryption: false)"
    path = directory / KEY_FILE_NAME
    if not path.exists():
        return "ok", "keys: no key file yet; the first start makes one"
    try:
        ring = open_key_file(path, os.environ.get("ROOST_PASSPHRASE") or None)
    except CryptoError as err:
        return "PROBLEM", f"keys: {err}"
    return "ok", f"keys: {path} opens on this device ({len(ring.key_ids)} key(s))"


def _store(database: Path) -> tuple[str, str]:
    if not database.exists():
        return "ok", "store: no database yet; the first start makes one"
    try:
        complete = check_database(database)
    except RoostError as err:
        return "PROBLEM", f"store: {err}"
    if not complete:
        return "ok", f"store: {database} passed the first 10 s of its integrity check"
    return "ok", f"store: {database} passed its integrity check"
