"""Before a Roost migrates a store an older Roost wrote, it copies it as it was: going back is a restore."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path

import pytest

import core.store.backup
from core.cli import main
from core.crypto import KEY_FILE_NAME
from core.store.backup import UPGRADE_PREFIX, backup_before_upgrade, backups_in
from core.store.errors import SchemaVersionError
from core.store.open import open_cipher, open_store, store_settings
from core.store.schema import MIGRATIONS, migrate, stored_version
from tests.helpers.configdir import PING, write_config

KNOWN = len(MIGRATIONS)


def _older_store(directory: Path) -> Path:
    """A configuration whose store an older Roost wrote (schema version KNOWN - 1), holding one queued task."""
    write_config(directory, PING)
    cipher = open_cipher(directory, True)  # makes the key file, as that Roost did
    path = directory / "roost.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, list(MIGRATIONS[:KNOWN - 1]), str(path))
    conn.execute("INSERT INTO tasks(id, kind, payload, priority, chat_key, lane, state, head, available_at,"
                 " created_at) VALUES (1, 'run', ?, 0, 'console|local', 'default', 'queued', 1, 0, 0)",
                 (cipher.encrypt(b"payload", table="tasks", row=1, column="payload"),))
    conn.close()
    return path


def _tasks(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM tasks")]
    finally:
        conn.close()


async def test_an_older_store_is_copied_before_it_is_upgraded_and_restoring_the_copy_goes_back(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "config"
    path = _older_store(directory)
    with caplog.at_level(logging.INFO, "core.store.open"):
        store = await open_store(directory, store_settings(None), writer="thread")
    try:
        assert store.db.schema_version == KNOWN
        assert (await store.tasks.counts())["queued"] == 1
    finally:
        await store.close()
    [copy] = backups_in(directory / "backups", UPGRADE_PREFIX)
    assert copy.name.startswith(f"{UPGRADE_PREFIX}{KNOWN - 1}-")
    assert stored_version(copy / "roost.db") == KNOWN - 1 and _tasks(copy / "roost.db") == [1]
    assert (copy / KEY_FILE_NAME).read_bytes() == (directory / KEY_FILE_NAME).read_bytes()
    assert copy.stat().st_mode & 0o077 == 0 and (copy / "roost.db").stat().st_mode & 0o077 == 0
    first, said = [r.getMessage() for r in caplog.records if r.name == "core.store.open"]
    assert first.startswith(f"Copying {path} (") and first.endswith(
        f" MiB) as it is before upgrading it from schema version {KNOWN - 1} to {KNOWN}"), "said before the copy"
    assert f"from schema version {KNOWN - 1} to {KNOWN}" in said
    assert f"roost restore {copy} --config {directory}" in said

    store = await open_store(directory, store_settings(None), writer="thread")
    await store.close()
    assert backups_in(directory / "backups", UPGRADE_PREFIX) == [copy], "a current store is not copied again"

    assert main(["restore", "--config", str(directory), str(copy)]) == 0
    assert stored_version(path) == KNOWN - 1 and _tasks(path) == [1], "the older Roost's store, as it was"
    assert "Restored" in capsys.readouterr().out


async def test_a_new_store_is_not_copied(tmp_path: Path) -> None:
    directory = write_config(tmp_path / "config", PING)
    for _ in range(2):
        store = await open_store(directory, store_settings(None), writer="thread")
        await store.close()
    assert not (directory / "backups").exists()


async def test_without_room_for_the_copy_the_upgrade_goes_on_and_says_so(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "config"
    _older_store(directory)
    monkeypatch.setattr(core.store.backup, "ROOM_TO_SPARE", 2**60)
    with caplog.at_level(logging.WARNING, "core.store.open"):
        store = await open_store(directory, store_settings(None), writer="thread")
    await store.close()
    assert store.db.schema_version == KNOWN
    assert not (directory / "backups").exists()
    [said] = [r.getMessage() for r in caplog.records if "Upgrading" in r.getMessage()]
    assert "without a copy of it as it was" in said and "MiB free, and a copy of the store and the configuration needs" in said


async def test_a_store_a_newer_roost_upgraded_is_refused_naming_the_copy_it_made(tmp_path: Path) -> None:
    directory = write_config(tmp_path / "config", PING)
    store = await open_store(directory, store_settings(None), writer="thread")
    await store.close()
    path = directory / "roost.db"
    copy = backup_before_upgrade(path, directory, KNOWN)  # what a Roost with one migration more does first
    (directory / "backups" / f"{UPGRADE_PREFIX}{KNOWN + 1}-29991231-000000").mkdir()  # no store in it: not a copy
    newer = directory / "backups" / f"{UPGRADE_PREFIX}{KNOWN + 1}-29991231-000001"
    newer.mkdir()
    (newer / "roost.db").write_bytes((copy / "roost.db").read_bytes())  # a version this Roost does not know
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO schema_version(version, applied_at) VALUES (?, 0)", (KNOWN + 1,))
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(SchemaVersionError) as raised:
        await open_store(directory, store_settings(None), writer="process")  # the error crosses from the writer
    said = str(raised.value)
    assert f"has schema version {KNOWN + 1}" in said and "written by a newer Roost" in said
    assert f"`roost restore {copy} --config {directory}`" in said
    assert str(newer) not in said
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "the file was not changed"
