"""An /ack stored just before a crash is answered after the restart: acks are durable runs."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import (
    LoadSetup,
    RunningRoost,
    install_loadchannel,
    roost_env,
    wait_for,
)

AUTOMATIONS = """
  - id: emergency
    use_blueprint:
      path: emergency_alert.yaml
      input:
        platforms: []
  - id: slow
    triggers: [{trigger: message, command: slow}]
    actions:
      - delay: 60
      - reply: slow done
"""
EXTRA = """
scheduler: {workers: 1}
alert:
  targets: ["load:T1"]
  repeat_minutes: 0
"""


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


@pytest.mark.slow
def test_an_ack_stored_before_a_kill_is_answered_after_the_restart(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    install_loadchannel(config_dir)
    setup = LoadSetup(config_dir, tmp_path / "platform.db")
    setup.write(automations=AUTOMATIONS, extra=EXTRA, log_level="info")
    platform, db = setup.platform, config_dir / "roost.db"
    log, env = tmp_path / "roost.log", roost_env()
    try:
        run = RunningRoost(config_dir, log, env)
        wait_for(lambda: "Roost started" in run.output() or run.proc.poll() is not None, 30, "roost to start")
        platform.post([("T9", "bob", "!alert boiler pressure high")])
        alert_text = wait_for(lambda: [r[3] for r in platform.sink() if r[2] == "T1"], 20, "the alert")[0]
        alert = re.search(r"ALERT ([A-Z2-9]{4})", alert_text).group(1)  # type: ignore[union-attr]
        # The only worker is busy with a long run, so the ack waits in the queue, stored.
        platform.post([("S", "carol", "/slow")])
        wait_for(lambda: _count(db, "SELECT COUNT(*) FROM tasks WHERE state = 'leased'"
                                    " AND idempotency_key LIKE 'msg:%:slow:%'") == 1, 20, "the slow run")
        [ack_row] = platform.post([("T1", "alice", f"/ack {alert}")])
        wait_for(lambda: _count(db, "SELECT COUNT(*) FROM tasks WHERE state = 'queued' AND idempotency_key"
                                    " LIKE 'msg:%:alert_ack:%'") == 1, 20, "the ack stored with its run")
        run.kill()
        assert not [r for r in platform.sink() if "acknowledged" in r[3]]  # not answered before the kill

        again = RunningRoost(config_dir, log, env)
        try:
            wait_for(lambda: [r for r in platform.sink() if "acknowledged" in r[3]], 30, "the ack's answer")
        finally:
            assert again.terminate() == 0
        answers = [r[3] for r in platform.sink() if r[2] == "T1" and "acknowledged" in r[3]]
        assert answers == [f"Alert {alert} acknowledged."]
        assert ack_row > 0
    finally:
        setup.close()
