"""A real `roost run` killed with SIGKILL again and again loses no message and sends no reply twice."""

from __future__ import annotations

import random
import re
import sqlite3
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.core.pipeline.conftest import LoadSetup, RunningRoost, roost_env, wait_for

MESSAGES = 3000
CHATS = 20
ROUNDS = 12  # each round posts more messages, starts roost and kills it with SIGKILL
DUPLICATES_PER_KILL = CHATS
"""Replies one kill may leave sent but not yet recorded as delivered (sent again, dropped by key):
a chat's next reply is sent only once its previous one is recorded, so at most one per chat."""


def _started(run: RunningRoost) -> int:
    return run.output().count("Roost started")


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_and_doubles_nothing(
    load_setup: LoadSetup, tmp_path: Path, record_property: Any
) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    load_setup.write(log_level="info", loadchannel="batch: 200")
    platform = load_setup.platform
    texts = [f"msg-{n:05d}-{rng.randrange(1 << 30):08x}" for n in range(MESSAGES)]
    rows = [(f"chat-{n % CHATS}", f"user-{n % 7}", texts[n]) for n in range(MESSAGES)]
    chunk = MESSAGES // ROUNDS
    log = tmp_path / "roost.log"
    env = roost_env()
    kills = 0
    started = 0
    busy_kills = 0  # kills while replies were still owed
    began = time.monotonic()

    for round_no in range(ROUNDS):
        platform.post(rows[round_no * chunk:(round_no + 1) * chunk])
        run = RunningRoost(load_setup.config_dir, log, env)
        if round_no in (3, 8):  # now and then while it is still starting
            time.sleep(rng.uniform(0.05, 0.5))
        else:
            wait_for(lambda run=run, seen=started: _started(run) > seen or run.proc.poll() is not None, 30,
                     f"roost to start (seed {seed})")
            assert run.proc.poll() is None, f"roost exited early (seed {seed}):\n{run.output()[-3000:]}"
            # A round's replies are out within about 0.1 s of the start: most kills land before that,
            # some after (busy_kills below must be at least a quarter of them).
            time.sleep(rng.uniform(0.0, 0.15))
        owed = platform.sink_count() < (round_no + 1) * chunk
        run.kill()
        busy_kills += owed
        assert run.proc.returncode == -9
        kills += 1
        started = _started(run)
    delivered_before_last_start = platform.sink_count()
    platform.post(rows[ROUNDS * chunk:])

    final = RunningRoost(load_setup.config_dir, log, env)
    try:
        # every reply, from a run that has started (the replies may all be out before it did)
        wait_for(lambda: (platform.sink_count() >= MESSAGES and _started(final) > started)
                 or final.proc.poll() is not None, 60, f"every reply (seed {seed}); have {platform.sink_count()}")
        time.sleep(0.5)  # nothing more may arrive
    finally:
        code = final.terminate()
    elapsed = time.monotonic() - began
    output = final.output()
    assert code == 0, f"roost did not stop cleanly: {code}\n{output[-3000:]}"
    assert "Traceback" not in output, output[-5000:]

    sink = platform.sink()
    attempts = platform.attempts()
    duplicates = sum(1 for a in attempts if a[3] == "duplicate")
    assert busy_kills >= ROUNDS // 4, f"only {busy_kills} kills hit work in progress (seed {seed})"
    record_property("kills", kills)
    record_property("duplicate_send_attempts", duplicates)
    record_property("seconds", round(elapsed, 1))
    print(f"\ncrash test: seed {seed}, {kills} kills ({busy_kills} mid-work), {len(attempts)} send attempts, "
          f"{duplicates} duplicates dropped by the platform, {delivered_before_last_start} replies "
          f"before the last start, {elapsed:.1f} s")

    # every inbound message got exactly one reply: none lost, none twice
    replies = [row[3] for row in sink]
    assert len(sink) == MESSAGES, f"{len(sink)} replies for {MESSAGES} messages (seed {seed})"
    assert sorted(replies) == sorted(f"re: {t}" for t in texts), f"seed {seed}"
    assert len(set(row[1] for row in sink)) == MESSAGES  # one idempotency key per reply
    assert duplicates <= kills * DUPLICATES_PER_KILL, f"{duplicates} duplicate sends (seed {seed})"
    per_chat: dict[str, int] = defaultdict(int)
    for _key, chat, _at, outcome in attempts:
        per_chat[chat] += outcome == "duplicate"
    assert max(per_chat.values()) <= kills, f"a chat got more than one resend per kill: {dict(per_chat)}"
    assert all(a[3] in ("ok", "duplicate") for a in attempts)

    # per chat, replies arrived in the order the messages were sent
    order: dict[str, list[int]] = defaultdict(list)
    for _pid, _key, chat, text, _reply_to in sink:
        order[chat].append(int(re.match(r"re: msg-(\d+)-", text).group(1)))  # type: ignore[union-attr]
    assert set(order) == {f"chat-{c}" for c in range(CHATS)}
    for chat, numbers in order.items():
        assert numbers == sorted(numbers), f"{chat} out of order (seed {seed}): {numbers[:20]}"

    # and the gateway's own books agree: every task done, every reply delivered
    with sqlite3.connect(load_setup.config_dir / "roost.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM inbox").fetchone() == (MESSAGES,)
        assert conn.execute("SELECT state, COUNT(*) FROM tasks GROUP BY state").fetchall() == [("done", MESSAGES)]
        assert conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall() == [
            ("delivered", MESSAGES)]
        delivered_ids = dict(conn.execute("SELECT idempotency_key, platform_msg_id FROM outbox").fetchall())
    assert delivered_ids == {key: str(pid) for pid, key, *_ in sink}
