"""The log lines of an outage: a WARNING when it starts, quiet tries, a reminder every ten minutes, one line at its end."""

from __future__ import annotations

import logging

from core.outage import REMIND_EVERY, OutageLog


def test_one_warning_quiet_tries_a_reminder_and_one_line_when_it_answers(caplog) -> None:
    now = [1000.0]
    outage = OutageLog(logging.getLogger("roost.test.outage"), "Telegram", clock=lambda: now[0])
    caplog.set_level(logging.DEBUG, logger="roost.test.outage")
    outage.reached()
    assert not caplog.records, "nothing to say while it answers"
    for _ in range(30):
        outage.failed("Telegram getUpdates failed", "Telegram is unreachable (timeout)", 20.0)
        now[0] += 20.0
    now[0] += REMIND_EVERY  # 10 min of tries, then one more
    outage.failed("Telegram getUpdates failed", "Telegram is unreachable (timeout)", 30.0)
    levels = [r.levelno for r in caplog.records]
    assert levels == [logging.WARNING] + [logging.DEBUG] * 29 + [logging.WARNING]
    assert "a line every 10 minutes" in caplog.records[0].getMessage()
    assert "still failing after 31 tries in 20 min" in caplog.records[-1].getMessage()
    now[0] += 3600
    outage.reached()
    assert caplog.records[-1].levelno == logging.INFO
    assert caplog.records[-1].getMessage() == "Telegram answers again, after 31 failed tries in 1 h 20 min"
    assert not outage.failing
    outage.failed("Telegram getUpdates failed", "again", 1.0)
    assert caplog.records[-1].levelno == logging.WARNING, "a new outage is told again"
