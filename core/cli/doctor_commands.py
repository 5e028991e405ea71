"""`roost doctor`: is this machine and configuration ready? Python, llama.cpp, the sandbox, files, keys, the store,
and each integration's own checks (a chat platform's token, a model's file, the http address)."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import stat
import sys
import time
from pathlib import Path

from core.backups import BACKUP_BLUEPRINT, scheduled_backups
from core.cli.common import (
    add_config_arg,
    ask_integrations,
    config_store_settings,
    configuration_problems,
    prepared_gateway,
)
from core.cli.processes import started_at
from core.crypto import KEY_FILE_NAME, CryptoError, open_key_file
from core.doctor import FIXED, OK, PROBLEM, WARNING, Finding
from core.errors import RoostError
from core.gateway import Gateway
from core.localtime import synchronized, zone_name
from core.permissions import check_modes
from core.sandbox.isolation import bubblewrap_works
from core.store.backup import UPGRADE_PREFIX, backups_in, check_database
from core.store.configuration_files import BACKUPS
from core.store.disk_space import MIB
from core.store.open import InstanceLock

PYTHON_AT_LEAST = (3, 11)
CODE_FOLDERS = tuple(Path(__file__).resolve().parents[2] / name for name in ("core", "integrations"))
"""Roost's code, whose files' times say when it was last installed or changed."""
BACKUP_OVERDUE = 2 * 86400.0
"""A nightly backup older than this is a WARNING."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add doctor."""
    doctor = sub.add_parser("doctor", help="check Python, llama.cpp, the sandbox, configuration, file modes, keys,"
                                           " the store, channels' tokens and the http address; fixes file modes")
    add_config_arg(doctor)
    doctor.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print one line per check (ok, fixed, WARNING, PROBLEM); exit 1 when a problem remains."""
    gateway = prepared_gateway(args)
    findings = asyncio.run(_examine(gateway))
    for finding in findings:
        print(f"{finding.status:<8}{finding.text}")
    problems = sum(f.status == PROBLEM for f in findings)
    if problems:
        print(f"\n{problems} problem(s): each PROBLEM line says what to do.")
    return 1 if problems else 0


async def _examine(gateway: Gateway) -> list[Finding]:
    directory = gateway.config_dir
    found = [_python(), await _sandbox(), _clock()]
    problems = configuration_problems(gateway)
    found += [Finding(PROBLEM, f"configuration: {error}") for error in problems]
    if not problems:
        found.append(Finding(OK, f"configuration: {len(gateway.integrations)} integrations,"
                                 f" {len(gateway.engine.automations)} automations"))
    modes = await asyncio.to_thread(check_modes, directory)
    found += [Finding(FIXED if m.fixed else PROBLEM, f"file mode: {m}") for m in modes]
    if not modes:
        found.append(Finding(OK, f"file modes: private files and {directory} are closed to others"))
    found += await asyncio.to_thread(_running, directory)
    database, settings = config_store_settings(directory)
    found.append(await asyncio.to_thread(_keys, directory, settings["encryption"]))  # scrypt: ~50 ms
    found.append(await asyncio.to_thread(_store, database))
    found.append(await asyncio.to_thread(_disk, database, settings["low_disk_mib"]))
    found += await asyncio.to_thread(_backups, gateway)
    return found + _open_to_anyone(gateway) + await _integrations(gateway)


def _open_to_anyone(gateway: Gateway) -> list[Finding]:
    """A WARNING for each chat channel anyone may write to (dm_policy or group_policy open) with no sender_limit."""
    found = []
    for domain, state in gateway.integrations.items():
        config = state.config if isinstance(state.config, dict) else {}
        opened = [key for key in ("dm_policy", "group_policy") if config.get(key) == "open"]
        if opened and "sender_limit" in config and config["sender_limit"] is None:
            found.append(Finding(WARNING, f"{domain}: {' and '.join(opened)} open, sender_limit off: anyone who finds"
                                          " the bot can keep the model busy; set sender_limit (say 20/minute)"))
    return found


def _python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < PYTHON_AT_LEAST:
        return Finding(PROBLEM, f"python: {version} is too old; Roost needs 3.11 or newer")
    return Finding(OK, f"python: {version} ({sys.executable})")


def _clock() -> Finding:
    now, kept_right = f"{time.strftime('%Y-%m-%d %H:%M')} in {zone_name()}, the zone schedules go by", synchronized()
    if kept_right is False:
        return Finding(WARNING, f"clock: {now}; no time server keeps it right (the kernel says it is not"
                                " synchronized): schedules, timers and token expiry go by it. Enable one"
                                " (systemd-timesyncd, chrony)")
    return Finding(OK, f"clock: {now}" + ("; a time server keeps it right" if kept_right else ""))


async def _sandbox() -> Finding:
    if await bubblewrap_works():
        return Finding(OK, "sandbox: bubblewrap isolates programs the `run` action starts")
    return Finding(WARNING, "sandbox: bubblewrap is missing or may not create namespaces here; programs run with"
                            " reduced isolation (Debian: apt-get install bubblewrap)")


def _keys(directory: Path, encryption: bool) -> Finding:
    if not encryption:
        return Finding(OK, "keys: encryption at rest is off (store: encryption: false)")
    path = directory / KEY_FILE_NAME
    if not path.exists():
        return Finding(OK, "keys: no key file yet; the first start makes one")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Finding(PROBLEM, f"keys: {path} has mode {mode:o}; others may read it: chmod 600 {path}")
    try:
        ring = open_key_file(path, os.environ.get("ROOST_PASSPHRASE") or None)
    except CryptoError as err:
        return Finding(PROBLEM, f"keys: {err}")
    return Finding(OK, f"keys: {path} (mode {mode:o}) opens on this device ({len(ring.key_ids)} key(s))")


def _store(database: Path) -> Finding:
    if not database.exists():
        return Finding(OK, "store: no database yet; the first start makes one")
    wal = Path(f"{database}-wal")
    sizes = f"{database.stat().st_size / 1e6:.1f} MB, write-ahead log {wal.stat().st_size / 1e6 if wal.exists() else 0:.1f} MB"
    try:
        complete = check_database(database)
    except RoostError as err:
        return Finding(PROBLEM, f"store: {err}")
    checked = "passed its integrity check" if complete else "passed the first 10 s of its integrity check"
    return Finding(OK, f"store: {database} ({sizes}) {checked}")


def _disk(database: Path, low_mib: int) -> Finding:
    folder = next(p for p in (database.parent, *database.parents) if p.exists())
    free_mib = shutil.disk_usage(folder).free // MIB
    if free_mib < low_mib:
        return Finding(WARNING, f"disk: only {free_mib} MiB free where the store is ({folder}; store: low_disk_mib is"
                                f" {low_mib}); once it is full Roost cannot keep what it is sent: free some space")
    return Finding(OK, f"disk: {free_mib} MiB free where the store is ({folder})")


def _backups(gateway: Gateway) -> list[Finding]:
    """The newest backup each automation of the backup blueprint made (a WARNING when the nightly ones stopped)."""
    found = _upgrade_copies(gateway.config_dir / BACKUPS)
    scheduled = scheduled_backups(gateway)
    if not scheduled:
        return [Finding(OK, f"backups: none scheduled; the {BACKUP_BLUEPRINT} blueprint makes one every night (see"
                            " README)"), *found]
    for each in scheduled:
        newest = each.newest()
        if newest is None:
            found.append(Finding(OK, f"backups: none yet in {each.folder}; automation {each.automation_id} makes them"))
            continue
        age = time.time() - newest.st_mtime
        said = (f"backups: {len(each.made)} in {each.folder}, the newest made"
                f" {time.strftime('%Y-%m-%d %H:%M', time.localtime(newest.st_mtime))} ({newest.st_size / MIB:.1f} MiB)")
        if age > BACKUP_OVERDUE:
            found.append(Finding(WARNING, f"{said}, {age / 86400:.0f} days ago: the nightly ones stopped; `roost"
                                          f" trace --automation {each.automation_id}` says why"))
        else:
            found.append(Finding(OK, said))
    return found


def _running(directory: Path) -> list[Finding]:
    """The Roost running on the configuration, and whether it runs the code installed now (after an upgrade it
    runs the code it started with until it is restarted)."""
    try:
        holder = InstanceLock(directory).holder()
    except (RoostError, OSError):  # a disk that cannot be written (the store's line says why)
        return []
    started = None if holder is None or not holder.isdigit() else started_at(int(holder))
    if started is None:
        return []
    since = time.strftime("%Y-%m-%d %H:%M", time.localtime(started))
    changed = max((entry.stat().st_mtime for folder in CODE_FOLDERS for entry in folder.rglob("*.py")), default=0.0)
    if changed > started + 1:
        return [Finding(WARNING, f"running: Roost (pid {holder}) has run since {since}, and its code changed at"
                                 f" {time.strftime('%Y-%m-%d %H:%M', time.localtime(changed))}: restart it to run the"
                                 " code installed now (`sudo systemctl restart roost` for the service)")]
    return [Finding(OK, f"running: Roost (pid {holder}) since {since}, on the code installed now")]


def _upgrade_copies(folder: Path) -> list[Finding]:
    """The copies of the store made before upgrades: kept until someone removes them, so their room is said."""
    copies = backups_in(folder, UPGRADE_PREFIX)
    if not copies:
        return []
    size = sum(file.stat().st_size for copy in copies for file in copy.rglob("*") if file.is_file())
    newest = time.strftime("%Y-%m-%d", time.localtime(max(copy.stat().st_mtime for copy in copies)))
    return [Finding(OK, f"copies made before upgrades: {len(copies)} in {folder} ({size / MIB:.1f} MiB), the newest"
                        f" {newest}; remove one once the upgrade has proven itself")]


async def _integrations(gateway: Gateway) -> list[Finding]:
    found: list[Finding] = []
    answers = await ask_integrations(gateway, "roost_doctor", store_optional=True,  # the store's line says why not
                                     config_dir=gateway.config_dir)
    for domain, answer in answers:
        if isinstance(answer, Exception):
            found.append(Finding(PROBLEM, f"{domain}: its check failed: {type(answer).__name__}: {answer}"))
        else:
            found += answer or []
    return found
