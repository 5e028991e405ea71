"""A box without a real-time clock, started after a power cut before it reaches a time server: its clock is hours
behind the store's. What was waiting when the power went (a reply Telegram had refused, a run that was running) goes
on at once, not once the clock has caught up; and once the time server sets the clock, a schedule keeps its time."""

from __future__ import annotations

import re
import signal
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import RunningRoost, roost_env, wait_for
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.telegram_wire import Failure
from tests.helpers.configdir import write_config
from tests.helpers.kill_rounds import FakeInThread

AHEAD = 3 * 3600
SHIFTED_CLOCK = """
import os
import signal
import time

_ahead = float(os.environ["ROOST_TEST_CLOCK_AHEAD"])
_time = time.time
time.time = lambda: _time() + _ahead


def _set_by_a_time_server(*_args):
    global _ahead
    _ahead = 0.0


signal.signal(signal.SIGUSR2, _set_by_a_time_server)
"""
AUTOMATIONS = """
automations:
  - id: echo
    triggers: [{trigger: message, platform: telegram, pattern: "^hi"}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
  - id: slow
    triggers: [{trigger: message, platform: telegram, pattern: "^slow"}]
    actions: [{delay: 5}, {reply: done}]
"""


@pytest.mark.slow
def test_after_a_power_cut_and_a_clock_set_back_what_was_waiting_goes_on_at_once(tmp_path: Path) -> None:
    server = FakeInThread(FakeTelegram())
    fake = server.fake
    config = tmp_path / "config"
    write_config(config, f"roost: {{log_level: info}}\ntelegram:\n  bot_token: \"{fake.token}\"\n"
                         f"  base_url: {fake.base_url}\n  poll_timeout: 1\n  dm_policy: open\n" + AUTOMATIONS)
    config.chmod(0o700)
    clock = tmp_path / "clock"
    clock.mkdir()
    (clock / "sitecustomize.py").write_text(SHIFTED_CLOCK)
    log = tmp_path / "roost.log"
    ahead = roost_env(PYTHONPATH=str(clock), ROOST_TEST_CLOCK_AHEAD=str(AHEAD))
    try:
        server.do(fake.fail_next, "sendMessage", *[Failure()] * 100)  # Telegram refuses every reply: it waits
        first = RunningRoost(config, log, ahead)
        server.do(fake.user_says, "hi there", user_id=111)
        server.do(fake.user_says, "slow one", user_id=112)
        wait_for(lambda: len(server.do(lambda: fake.failures["sendmessage"])) < 98, 30, "two refused replies")
        first.kill()  # the power goes: the reply waits for its next try, the slow run was running
        server.do(lambda: fake.failures.clear())

        second = RunningRoost(config, log, roost_env())  # the clock is three hours behind the first run's
        try:
            wait_for(lambda: {s.text for s in fake.sent} >= {"echo: hi there", "done"}, 15, "both replies")
        finally:
            assert second.terminate() == 0
    finally:
        server.stop()
    output = log.read_text()
    assert re.search(r"The clock is 2 h 59 min behind the newest time in the store.*\(tasks: \d+, replies: 1\)",
                     output), output[-3000:]
    assert "Recovered 1 interrupted tasks" in output
    assert "Traceback" not in output, output[-3000:]


@pytest.mark.slow
def test_a_schedule_keeps_its_time_when_a_time_server_sets_the_clock_forward(tmp_path: Path) -> None:
    server = FakeInThread(FakeTelegram())
    fake = server.fake
    server.do(fake.chats.__setitem__, 111, {"id": 111, "type": "private", "first_name": "Ann"})
    due = datetime.now() + timedelta(seconds=12)
    config = tmp_path / "config"
    write_config(config, f"roost: {{log_level: info}}\ntelegram:\n  bot_token: \"{fake.token}\"\n"
                         f"  base_url: {fake.base_url}\n  poll_timeout: 1\n" f"""
automations:
  - id: morning
    triggers: [{{trigger: schedule, at: "{due:%H:%M:%S}"}}]
    actions: [{{send: {{platform: telegram, chat_id: "111", text: good morning}}}}]
  - id: hourly
    triggers: [{{trigger: schedule, every: 1h}}]
    actions: [{{send: {{platform: telegram, chat_id: "111", text: an hour went}}}}]
""")
    config.chmod(0o700)
    clock = tmp_path / "clock"
    clock.mkdir()
    (clock / "sitecustomize.py").write_text(SHIFTED_CLOCK)
    log = tmp_path / "roost.log"
    try:  # started with the clock three hours behind: the run is due in 3 h 12 s by it
        run = RunningRoost(config, log, roost_env(PYTHONPATH=str(clock), ROOST_TEST_CLOCK_AHEAD=str(-AHEAD)))
        try:
            wait_for(lambda: "Roost started" in run.output(), 30, "roost to start")
            run.proc.send_signal(signal.SIGUSR2)  # the time server answers: the clock jumps three hours forward
            wait_for(lambda: fake.sent, 30, "the scheduled message")
            sent_at = time.time()
        finally:
            assert run.terminate() == 0
    finally:
        server.stop()
    assert [s.text for s in fake.sent] == ["good morning"], "an hour of `every` is an hour, however the clock jumps"
    assert abs(sent_at - due.timestamp()) < 2.5, f"sent {sent_at - due.timestamp():+.1f} s from its time"
