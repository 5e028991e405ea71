"""A real process killed with SIGKILL mid-stream loses no write that had returned."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from store_ciphers import AesGcmTestCipher

from core.store import Store

CHILD = Path(__file__).with_name("store_crash_child.py")


def _read_all(db_path: Path, key: bytes, round_id: str, kill_after: int) -> list[list[str]]:
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(db_path), key.hex(), round_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    seen: list[list[str]] = []
    try:
        while len(seen) < kill_after:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(
                    f"child exited early: {proc.wait()} {proc.stderr.read().decode()}"
                )
            seen.append(line.decode().split())
        os.kill(proc.pid, signal.SIGKILL)
        rest = proc.stdout.read().decode()
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    seen.extend(line.split() for line in rest.split("\n")[:-1])
    return seen


@pytest.mark.slow
async def test_sigkill_mid_stream_loses_no_returned_write(tmp_path: Path) -> None:
    db_path = tmp_path / "roost.db"
    key = AesGcmTestCipher().key
    rng = random.Random()
    acknowledged: list[list[str]] = []
    for round_no in range(3):
        acknowledged += _read_all(db_path, key, f"r{round_no}", rng.randrange(300, 2500))

    inbox = {mid: int(row_id) for kind, mid, row_id in acknowledged if kind == "inbox"}
    tasks = {mid: int(row_id) for kind, mid, row_id in acknowledged if kind == "task"}
    assert len(inbox) > 1000 and len(tasks) > 100

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = await Store.open(db_path, AesGcmTestCipher(key))
    try:
        rows = await store.db.fetchall("SELECT platform_msg_id, id FROM inbox")
        stored = dict(rows)
        missing = [mid for mid, row_id in inbox.items() if stored.get(mid) != row_id]
        assert missing == [], f"{len(missing)} acknowledged rows lost, e.g. {missing[:5]}"
        assert len(set(stored.values())) == len(stored)
        for mid, row_id in rng.sample(sorted(inbox.items()), 50):
            entry = await store.inbox.get(row_id)
            assert entry.text == f"text {mid}"
        stored_tasks = dict(await store.db.fetchall("SELECT idempotency_key, id FROM tasks"))
        lost = [mid for mid, task_id in tasks.items() if stored_tasks.get(f"task-{mid}") != task_id]
        assert lost == []
    finally:
        await store.close()
