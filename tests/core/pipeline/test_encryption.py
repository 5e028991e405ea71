"""Encryption at rest end to end: no plaintext on disk, bound to the device, rotation, tampering."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from core.cli.common import open_config_store
from core.message import Message
from core.store import RowDecryptError
from tests.core.pipeline.conftest import LoadSetup, roost, roost_env, wait_for


def _markers(count: int) -> list[str]:
    return [f"PLAINTEXT-MARKER-{uuid.uuid4().hex}" for _ in range(count)]


def _db_bytes(config_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (config_dir / "roost.db", config_dir / "roost.db-wal") if p.exists())


async def _run_markers(load_setup: LoadSetup, make_gateway: Any, markers: list[str]) -> Any:
    platform = load_setup.platform
    platform.post([(f"c{n % 4}", "u", text) for n, text in enumerate(markers)])
    gateway = await make_gateway(load_setup.config_dir)
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == len(markers), 20, "the replies")
    await gateway.conversations.remember("load:c0", f"question {markers[0]}", f"answer {markers[1]}")
    await gateway.wait_idle()
    return gateway


@pytest.mark.parametrize("encryption", [True, False])
async def test_database_and_wal_bytes_hold_no_message_text(
    load_setup: LoadSetup, make_gateway: Any, encryption: bool
) -> None:
    load_setup.write(extra=f"store:\n  encryption: {str(encryption).lower()}")
    markers = _markers(40)
    gateway = await _run_markers(load_setup, make_gateway, markers)
    while_running = _db_bytes(load_setup.config_dir)
    assert (load_setup.config_dir / "roost.db-wal").stat().st_size > 0  # the WAL is read too
    await gateway.stop()
    after_stop = _db_bytes(load_setup.config_dir)

    platform_bytes = load_setup.platform_db.read_bytes() + Path(f"{load_setup.platform_db}-wal").read_bytes()
    assert all(m.encode() in platform_bytes for m in markers)  # the search finds plaintext where it is
    found = [m for m in markers if m.encode() in while_running or m.encode() in after_stop]
    if encryption:
        assert found == [], f"{len(found)} message texts readable in roost.db, e.g. {found[:2]}"
    else:  # the same check catches plaintext when encryption is off
        assert len(found) == len(markers)


async def test_copied_config_dir_refuses_to_start_on_another_device(
    load_setup: LoadSetup, make_gateway: Any, tmp_path: Path
) -> None:
    gateway = await _run_markers(load_setup, make_gateway, _markers(3))
    await gateway.stop()
    copied = tmp_path / "copied"
    shutil.copytree(load_setup.config_dir, copied)

    elsewhere = roost_env(ROOST_DEVICE_ID=f"another-machine-{uuid.uuid4().hex}", ROOST_PASSPHRASE=None)
    result = roost("run", "--config", str(copied), env=elsewhere, timeout=60)
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "another device" in result.stderr
    assert "roost keys export --passphrase" in result.stderr and "roost keys import" in result.stderr
    assert "Traceback" not in result.stderr
    queue = roost("queue", "stats", "--config", str(copied), env=elsewhere)
    assert queue.returncode == 1 and "another device" in queue.stderr

    # On this device the copy opens: the binding is to the machine, not to the path.
    here = roost("queue", "stats", "--json", "--config", str(copied))
    assert here.returncode == 0, here.stderr
    assert json.loads(here.stdout)["tasks"]["done"] == 3


async def test_key_rotation_keeps_every_stored_message_readable(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    markers = _markers(30)
    gateway = await _run_markers(load_setup, make_gateway, markers)
    await gateway.stop()
    db = load_setup.config_dir / "roost.db"

    def key_ids() -> set[bytes]:
        with sqlite3.connect(db) as conn:
            blobs = [r[0] for r in conn.execute(
                "SELECT text FROM inbox UNION ALL SELECT body FROM outbox UNION ALL SELECT content FROM history"
                " UNION ALL SELECT data FROM traces UNION ALL SELECT value FROM state")]
        return {bytes(blob[1:5]) for blob in blobs}

    before = key_ids()
    assert len(before) == 1
    rotated = roost("keys", "rotate", "--config", str(load_setup.config_dir))
    assert rotated.returncode == 0, rotated.stderr
    assert "Rotated to key" in rotated.stdout
    rows = re.search(r"re-encrypting the store: ([\d,]+) / ([\d,]+) rows \(100%\)", rotated.stderr)
    assert rows is not None and rows[1] == rows[2], rotated.stderr  # progress shown, to the end
    after = key_ids()
    assert len(after) == 1 and after != before  # every value re-encrypted with the new key
    keyfile = json.loads((load_setup.config_dir / "keys.json").read_text())
    assert len(keyfile["key_ids"]) == 1  # the old key is retired

    store = await open_config_store(load_setup.config_dir)
    try:
        inbox = await store.db.fetchall("SELECT id FROM inbox ORDER BY id")
        texts = [(await store.inbox.get(row[0])).text for row in inbox]  # type: ignore[union-attr]
        assert sorted(texts) == sorted(markers)
        outbox = await store.db.fetchall("SELECT id FROM outbox")
        bodies = {(await store.outbox.get(row[0])).body for row in outbox}  # type: ignore[union-attr]
        assert bodies == {f"re: {m}" for m in markers}
        assert await store.history.recent("load:c0", 10) == [
            ("user", f"question {markers[0]}"), ("assistant", f"answer {markers[1]}")]
        assert await store.state.get("loadchannel", "cursor") == 30
        assert not store.db.row_errors
    finally:
        await store.close()
    traces = roost("trace", "--json", "--limit", "100", "--config", str(load_setup.config_dir))
    assert traces.returncode == 0, traces.stderr
    shown = json.loads(traces.stdout)
    assert len(shown) == 30
    assert {t["trigger"]["text"] for t in shown} == set(markers)


def _flip_last_byte(db: Path, table: str, column: str, row_id: int) -> None:
    with sqlite3.connect(db) as conn:
        (blob,) = conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)).fetchone()
        changed = bytearray(blob)
        changed[-1] ^= 0x01
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (bytes(changed), row_id))


async def test_flipped_byte_is_a_clear_error_for_its_row_and_the_gateway_keeps_answering(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    platform = load_setup.platform
    platform.set_control("offline", True)  # replies stay in the outbox
    platform.post([(f"c{n}", "u", f"held {n}") for n in range(3)])
    gateway = await make_gateway(load_setup.config_dir)

    async def held() -> None:
        while await gateway.store.outbox.pending_count("load") < 3:
            await asyncio.sleep(0.05)

    await asyncio.wait_for(held(), 20)
    await gateway.wait_idle()
    await gateway.stop()

    db = load_setup.config_dir / "roost.db"
    with sqlite3.connect(db) as conn:
        [(damaged,)] = conn.execute("SELECT id FROM outbox WHERE chat_id = 'c1'")  # the chats' runs end in any order
        inbox_id = conn.execute("SELECT MIN(id) FROM inbox").fetchone()[0]
        trace_id = conn.execute("SELECT MIN(id) FROM traces").fetchone()[0]
    _flip_last_byte(db, "outbox", "body", damaged)
    _flip_last_byte(db, "inbox", "text", inbox_id)
    _flip_last_byte(db, "traces", "data", trace_id)
    platform.set_control("offline", False)

    gateway = await make_gateway(load_setup.config_dir)
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 2, 20, "the intact replies")
    assert await gateway.ingest(Message.create("load", "c9", "u", "still there?"))
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 3, 20, "an answer after the damage")
    await gateway.wait_idle()
    assert sorted(row[3] for row in platform.sink()) == ["re: held 0", "re: held 2", "re: still there?"]

    letters = await gateway.store.dead.list()
    assert [(d.source, d.ref_id) for d in letters] == [("outbox", damaged)]
    assert f"outbox row {damaged}, column 'body': the stored ciphertext failed to decrypt" in letters[0].reason
    errors = [(e.table, e.row, e.column) for e in gateway.store.db.row_errors]
    assert ("outbox", damaged, "body") in errors
    with pytest.raises(RowDecryptError, match=f"inbox row {inbox_id}, column 'text'"):
        await gateway.store.inbox.get(inbox_id)
    await gateway.stop()

    traces = roost("trace", "--json", "--limit", "100", "--config", str(load_setup.config_dir))
    assert traces.returncode == 0, traces.stderr  # the damaged trace is skipped and reported
    assert f"skipped traces row {trace_id}" in traces.stderr
    assert len(json.loads(traces.stdout)) == 3
