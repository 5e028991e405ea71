"""Reminders every N minutes until someone answers /ack ID; alert.list; reminders survive a restart."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from alert_setup import say, texts, wait_until

from integrations.alert.service import AlertNotFoundError

REMINDER = re.compile(r"ALERT ([A-Z2-9]{4}) \(reminder (\d+)/(\d+)\)")
FAST = """\
    targets: ["telegram:T1", "whatsapp:W1"]
    repeat_minutes: 0.005
    max_repeats: 10
    """  # a reminder every 0.3 s


def reminders(channel: Any, chat_id: str) -> list[int]:
    """The reminder numbers a chat received, in order."""
    return [int(m.group(2)) for text in texts(channel, chat_id) if (m := REMINDER.search(text))]


def alert_id(channel: Any, chat_id: str) -> str:
    """The id in the first alert a chat received."""
    return re.search(r"ALERT ([A-Z2-9]{4})", texts(channel, chat_id)[0]).group(1)  # type: ignore[union-attr]


async def test_reminders_repeat_until_ack_then_stop_and_the_list_shows_who_answered(start_alerts: Any) -> None:
    gateway = await start_alerts(FAST)
    telegram, whatsapp = gateway.data["recorder"]["telegram"], gateway.data["recorder"]["whatsapp"]
    await say(gateway, "whatsapp", "W7", "!alert pump failure in basement")
    await wait_until(lambda: len(reminders(telegram, "T1")) >= 2, what="two reminders")
    alert = alert_id(telegram, "T1")
    assert reminders(telegram, "T1")[:2] == [1, 2]
    assert "pump failure in basement" in texts(telegram, "T1")[1]

    await say(gateway, "telegram", "T1", f"/ack {alert.lower()}", sender="alice")
    await wait_until(lambda: f"Alert {alert} acknowledged." in texts(telegram, "T1"), what="the ack reply")
    await wait_until(lambda: f"Alert {alert} was acknowledged by telegram:alice." in texts(whatsapp, "W1"),
                     what="the other target to hear who answered")
    await gateway.wait_idle()
    seen = (len(texts(telegram, "T1")), len(texts(whatsapp, "W1")))
    await asyncio.sleep(0.7)  # more than two intervals: no reminder may come now
    await gateway.wait_idle()
    assert (len(texts(telegram, "T1")), len(texts(whatsapp, "W1"))) == seen

    record = await gateway.store.state.get("alert", f"alert:{alert}")
    assert record["acked_by"] == "telegram:alice" and record["acked_at"] is not None
    assert record["repeats_sent"] == max(reminders(telegram, "T1"))

    await say(gateway, "telegram", "T9", "/alerts")
    [listing] = await wait_until(lambda: texts(telegram, "T9"), what="the list")
    assert listing.startswith("Alerts, newest first:")
    assert f"{alert}  " in listing and "acknowledged by telegram:alice" in listing
    assert "pump failure in basement" in listing and "to telegram:T1, whatsapp:W1" in listing


async def test_reminders_stop_after_max_repeats_and_the_alert_stays_open(start_alerts: Any) -> None:
    gateway = await start_alerts("""\
        targets: ["telegram:T1"]
        repeat_minutes: 0.002
        max_repeats: 2
        """)
    telegram = gateway.data["recorder"]["telegram"]
    await say(gateway, "telegram", "T9", "!alert door open")
    await wait_until(lambda: reminders(telegram, "T1") == [1, 2], what="both reminders")
    await asyncio.sleep(0.5)  # four intervals
    assert reminders(telegram, "T1") == [1, 2]
    listing = await gateway.actions["alert.list"](None, {"state": "open"})
    assert "open, 2/2 reminders sent (no more reminders)" in listing
    assert await gateway.actions["alert.list"](None, {"state": "acknowledged"}) == "No alerts yet."


async def test_only_alerted_chats_and_the_raiser_can_ack_and_unknown_ids_are_named(start_alerts: Any) -> None:
    gateway = await start_alerts(FAST)
    telegram, whatsapp = gateway.data["recorder"]["telegram"], gateway.data["recorder"]["whatsapp"]
    await say(gateway, "whatsapp", "W7", "!alert generator on fire")
    await wait_until(lambda: texts(telegram, "T1"), what="the alert")
    alert = alert_id(telegram, "T1")

    await say(gateway, "telegram", "T5", f"/ack {alert}", sender="mallory")
    await say(gateway, "telegram", "T5", "/ack ZZZZ", sender="mallory")
    await wait_until(lambda: len(texts(telegram, "T5")) == 2, what="two refusals")
    assert texts(telegram, "T5") == [f"Only the chats alert {alert} went to can acknowledge it.",
                                     "There is no alert ZZZZ."]
    assert (await gateway.store.state.get("alert", f"alert:{alert}"))["acked_at"] is None

    await say(gateway, "whatsapp", "W7", "/ack", sender="+4917")  # the raiser; the only open alert
    await wait_until(lambda: f"Alert {alert} acknowledged." in texts(whatsapp, "W7"), what="the ack")
    await say(gateway, "whatsapp", "W1", f"/ack {alert}", sender="bob")
    await wait_until(lambda: texts(whatsapp, "W1")[-1].startswith(f"Alert {alert} was already"),
                     what="the second answer")
    assert texts(whatsapp, "W1")[-1] == f"Alert {alert} was already acknowledged by whatsapp:+4917."


async def test_the_ack_action_for_blueprints(start_alerts: Any) -> None:
    gateway = await start_alerts(FAST)
    telegram = gateway.data["recorder"]["telegram"]
    result = await gateway.actions["alert.broadcast"](None, {"text": "tank level low"})
    ack = gateway.actions["alert.ack"]
    assert await ack(None, {"id": result["id"].lower(), "by": "ops"}) == f"Alert {result['id']} acknowledged."
    assert await ack(None, {"id": result["id"], "by": "someone"}) == (
        f"Alert {result['id']} was already acknowledged by ops.")
    with pytest.raises(AlertNotFoundError, match="no alert ZZZZ"):
        await ack(None, {"id": "zzzz"})
    await gateway.wait_idle()
    await asyncio.sleep(0.4)  # more than one interval
    assert reminders(telegram, "T1") == []


async def test_pending_reminders_resume_after_a_restart(start_alerts: Any) -> None:
    gateway = await start_alerts(FAST)
    telegram = gateway.data["recorder"]["telegram"]
    await say(gateway, "telegram", "T9", "!alert freezer temperature rising")
    await wait_until(lambda: reminders(telegram, "T1"), what="a first reminder")
    alert = alert_id(telegram, "T1")
    await gateway.stop()
    before = reminders(telegram, "T1")

    gateway = await start_alerts()
    telegram = gateway.data["recorder"]["telegram"]
    await wait_until(lambda: [n for n in reminders(telegram, "T1") if n > max(before)],
                     what="a reminder after the restart")
    after = reminders(telegram, "T1")
    assert before + after == sorted(set(before + after)), (before, after)  # none twice, in order
    await say(gateway, "telegram", "T1", f"/ack {alert}")
    await wait_until(lambda: f"Alert {alert} acknowledged." in texts(telegram, "T1"), what="the ack")
    await gateway.wait_idle()
    count = len(reminders(telegram, "T1"))
    await asyncio.sleep(0.7)
    assert len(reminders(telegram, "T1")) == count



async def test_acks_are_durable_runs_of_the_alert_ack_automation(start_alerts: Any) -> None:
    gateway = await start_alerts(FAST)
    assert "alert_ack" in gateway.engine.automations
    telegram = gateway.data["recorder"]["telegram"]
    await say(gateway, "telegram", "T1", "/ack")
    await wait_until(lambda: texts(telegram, "T1"), what="the answer")
    assert texts(telegram, "T1") == ["There is no open alert to acknowledge."]
    rows = await gateway.store.db.fetchall("SELECT idempotency_key, priority FROM tasks")
    assert [(key.split(":")[2], priority) for key, priority in rows] == [("alert_ack", 1000)]
