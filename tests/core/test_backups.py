"""The `roost.backup` action and the shipped backup blueprint: copies made while Roost runs, the newest kept."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import core.store.backup
from core.crypto import KEY_FILE_NAME
from core.message import Message
from core.store.backup import BACKUP_DATABASE, BACKUP_PREFIX
from tests.core.test_gateway import gateway_config

BACKUP = """\
- id: backup
  use_blueprint:
    path: backup.yaml
    input: {{platforms: [test], folder: {folder}, keep: 2, at: "{at}"}}
- id: echo
  triggers: [{{trigger: message, command: echo}}]
  actions: [{{reply: "echo {{{{ trigger.args_text }}}}"}}]
"""


def backups(folder: Path) -> list[Path]:
    """The backup folders in folder, oldest first."""
    return sorted(folder.glob(f"{BACKUP_PREFIX}*"))


async def say(gateway, text: str) -> str:
    """Roost's reply to text at the test platform."""
    channel = gateway.data["testchan"]
    await gateway.ingest(Message.create("test", "c1", "alice", text))
    return (await channel.wait_for(len(channel.sent) + 1))[-1][1]


async def test_backup_at_the_console_copies_the_store_while_it_runs_and_keeps_the_newest(make_config,
                                                                                        make_gateway) -> None:
    directory = gateway_config(make_config, BACKUP.format(folder="kept", at="03:30"))
    gateway = await make_gateway(directory)
    assert await say(gateway, "/echo one") == "echo one"
    replies = [await say(gateway, "/backup") for _ in range(3)]
    folder = directory / "kept"
    made = backups(folder)
    assert len(made) == 2  # keep: 2
    assert replies[0].startswith(f"Backed up to {folder}/{BACKUP_PREFIX}") and "MiB in" in replies[0]
    assert replies[2].startswith(f"Backed up to {made[-1]} (") and replies[2].endswith("; removed the 1 oldest.")
    assert str(made[0]) in replies[1]  # the first was the one removed
    assert (made[-1] / KEY_FILE_NAME).read_bytes() == (directory / KEY_FILE_NAME).read_bytes()
    copy = sqlite3.connect(made[-1] / BACKUP_DATABASE)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM inbox").fetchone()[0] >= 4  # the messages before it
    finally:
        copy.close()
    assert oct((made[-1]).stat().st_mode & 0o777) == oct(folder.stat().st_mode & 0o777) == "0o700"


async def test_the_nightly_backup_comes_at_its_time(make_config, make_gateway) -> None:
    due = datetime.now() + timedelta(seconds=2)
    directory = gateway_config(make_config, BACKUP.format(folder="nightly", at=f"{due:%H:%M:%S}"))
    await make_gateway(directory)
    async with asyncio.timeout(10):
        while not backups(directory / "nightly"):
            await asyncio.sleep(0.05)
    assert datetime.now() >= due - timedelta(seconds=1)


async def test_a_disk_without_room_for_the_copy_is_said_and_nothing_is_removed(make_config, make_gateway,
                                                                              monkeypatch) -> None:
    directory = gateway_config(make_config, BACKUP.format(folder="full", at="03:30"))
    gateway = await make_gateway(directory)
    await say(gateway, "/backup")
    monkeypatch.setattr(core.store.backup, "ROOM_TO_SPARE", shutil.disk_usage(directory).free + 2**30)
    reply = await say(gateway, "/backup")
    assert "did not work" in reply  # the failure reply, with the run to look at
    [trace] = await gateway.traces(1, "backup")
    assert trace["status"] == "failed" and "MiB free, and a copy of the store and the configuration needs" in trace["error"]
    assert len(backups(directory / "full")) == 1
