"""A run that takes Roost down each time it runs (a crash in a model's native code, the kernel killing Roost for
its memory) is given up after max_attempts and one more alone, with a dead letter, a trace and a word to its chat:
a service manager starting Roost again does not meet the same crash forever, and the runs beside it are kept."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import LoadSetup, RunningRoost, roost, roost_env, wait_for

CRASHER = '''
import os
import signal

from core.hookspecs import hookimpl


@hookimpl
def roost_setup(gateway, config):
    gateway.register_action("crasher.crash", crash)


async def crash(ctx, data):
    os.kill(os.getpid(), signal.SIGKILL)  # as an abort in native code, or the kernel's OOM killer, would
'''
# The other runs take longer than the poison's, so that they are running each time it takes Roost down.
AUTOMATIONS = """
  - id: poison
    triggers: [{trigger: message, pattern: "^poison"}]
    actions: [{delay: 0.3}, {call: crasher.crash}]
  - id: echo
    triggers: [{trigger: message, pattern: "^hi"}]
    actions: [{delay: 1}, {reply: "re: {{ trigger.text }}"}]
"""
MAX_ATTEMPTS = 5  # the default


@pytest.mark.slow
def test_a_run_that_kills_roost_each_time_is_given_up_and_the_others_are_kept(load_setup: LoadSetup,
                                                                          tmp_path: Path) -> None:
    crasher = load_setup.config_dir / "integrations" / "crasher"
    crasher.mkdir(parents=True)
    (crasher / "manifest.json").write_text('{"domain": "crasher", "name": "Crasher", "version": "1.0.0",'
                                           ' "kind": "action"}')
    (crasher / "__init__.py").write_text(CRASHER)
    load_setup.write(automations=AUTOMATIONS, extra="crasher:", log_level="info")
    platform = load_setup.platform
    platform.post([("chat-1", "ann", "poison pill"), ("chat-1", "ann", "hi after"), ("chat-2", "bob", "hi there")])
    log, env = tmp_path / "roost.log", roost_env()

    posted = time.time()
    # Its attempts, the others running beside it, then its last attempt alone: the others must not be given up.
    for start in range(1, MAX_ATTEMPTS + 2):  # as systemd's Restart=on-failure would
        run = RunningRoost(load_setup.config_dir, log, env)
        code = run.wait(60)
        assert code == -signal.SIGKILL, f"start {start} ended with {code}:\n{run.output()[-3000:]}"
    last_start = time.time()
    run = RunningRoost(load_setup.config_dir, log, env)
    try:
        wait_for(lambda: platform.sink_count() >= 3 or run.proc.poll() is not None, 60, "the replies")
        assert run.proc.poll() is None, f"the run took Roost down again:\n{run.output()[-3000:]}"
        replies = {(chat, text) for _, _, chat, text, _ in platform.sink()}
        [(_, told)] = [reply for reply in replies if reply[0] == "chat-1" and reply[1].startswith("Sorry")]
        assert replies == {("chat-1", told), ("chat-1", "re: hi after"), ("chat-2", "re: hi there")}
    finally:
        assert run.terminate() == 0
    said = run.output()
    assert said.count("Roost started") == MAX_ATTEMPTS + 2
    # The poison's last attempt ran alone, and so did each other run's that was running at every end of Roost (the
    # first start may not have leased all three; test_scheduler.py checks the others' last attempts exactly).
    assert f"Task 1 (automation_run) was running when Roost last ended, after {MAX_ATTEMPTS} attempts" in said
    assert f"gave up after {MAX_ATTEMPTS + 1} attempts: Roost ended while this ran (a crash, or killed: out of memory?)" \
        in said
    run_id = told.split("roost trace ")[1][:8]
    shown = roost("trace", run_id, "--config", str(load_setup.config_dir), "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    [trace] = json.loads(shown.stdout)
    assert trace["automation_id"] == "poison" and trace["status"] == "failed"
    assert posted <= trace["started"] < last_start < trace["finished"]  # from its message to its giving up
    assert "Roost ended while this ran" in trace["error"], trace
    letters = roost("queue", "list", "--config", str(load_setup.config_dir), env=env)
    assert "Roost ended while this ran" in letters.stdout, letters.stdout
