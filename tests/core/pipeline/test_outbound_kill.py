"""A kill repeats at most the one send per chat that the platform confirmed but Roost had not recorded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import LoadSetup, RunningRoost, roost_env, wait_for

MESSAGES = 400
KILLS = 8


@pytest.mark.slow
def test_each_kill_resends_at_most_one_reply_of_a_busy_chat(load_setup: LoadSetup, tmp_path: Path) -> None:
    load_setup.write(log_level="info", loadchannel="batch: 200")
    platform = load_setup.platform
    platform.post([("chat-1", "u", f"message {n:03d}") for n in range(MESSAGES)])
    log, env = tmp_path / "roost.log", roost_env()
    kills = 0
    for _ in range(KILLS):
        before = platform.sink_count()
        run = RunningRoost(load_setup.config_dir, log, env)
        wait_for(lambda before=before, run=run: platform.sink_count() >= before + 30 or run.proc.poll() is not None, 60,
                 "replies going out")
        assert run.proc.poll() is None, run.output()[-3000:]
        run.kill()  # in the middle of delivering the chat's replies
        kills += 1
    assert platform.sink_count() < MESSAGES, "every reply went out before the last kill: the test proves nothing"
    final = RunningRoost(load_setup.config_dir, log, env)
    try:
        wait_for(lambda: platform.sink_count() >= MESSAGES, 120, "every reply")
        time.sleep(0.3)
    finally:
        assert final.terminate() == 0
    replies = [row[3] for row in platform.sink()]
    assert replies == [f"re: message {n:03d}" for n in range(MESSAGES)]  # each once, in order
    resent = sum(1 for attempt in platform.attempts() if attempt[3] == "duplicate")
    print(f"\n{kills} kills of a busy chat: {resent} replies sent again (the platform dropped them by key)")
    assert resent <= kills
