"""A flipped bit in the alert integration's stored state costs that value only: alerts keep working."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alert_setup import say, texts, wait_until

ALERT_ID = re.compile(r"ALERT ([A-Z2-9]{4})")


def flip_state_value(config_dir: Path, key: str) -> None:
    """Flip one bit in the middle of a stored (encrypted) alert state value."""
    conn = sqlite3.connect(config_dir / "roost.db")
    try:
        [(value,)] = conn.execute("SELECT value FROM state WHERE domain = 'alert' AND key = ?", (key,)).fetchall()
        damaged = bytearray(value)
        damaged[len(damaged) // 2] ^= 0x01
        conn.execute("UPDATE state SET value = ? WHERE domain = 'alert' AND key = ?", (bytes(damaged), key))
        conn.commit()
    finally:
        conn.close()


async def _two_alerts(start_alerts: Any) -> tuple[Any, list[str]]:
    gateway = await start_alerts()
    telegram = gateway.data["recorder"]["telegram"]
    await say(gateway, "telegram", "T9", "!alert freezer is warm")
    await say(gateway, "telegram", "T9", "!alert door is open")
    await wait_until(lambda: len(texts(telegram, "T1")) >= 2, what="both alerts")
    await gateway.wait_idle()
    ids = [m.group(1) for text in texts(telegram, "T1") if (m := ALERT_ID.search(text))]
    await gateway.stop()
    return gateway, ids


@pytest.mark.allow_logged_errors
async def test_a_damaged_index_is_rebuilt_and_alert_and_ack_keep_working(start_alerts: Any, alert_dir: Path,
                                                                          caplog) -> None:
    _old, ids = await _two_alerts(start_alerts)
    flip_state_value(alert_dir, "index")
    gateway = await start_alerts()
    assert "alert index was damaged on disk; rebuilt it from the 2 alert records" in caplog.text
    telegram = gateway.data["recorder"]["telegram"]
    await say(gateway, "telegram", "T1", f"/ack {ids[0]}")
    await wait_until(lambda: f"Alert {ids[0]} acknowledged." in texts(telegram, "T1"), what="the ack")
    await say(gateway, "telegram", "T9", "!alert smoke in the kitchen")
    await wait_until(lambda: any("smoke in the kitchen" in t for t in texts(telegram, "T1")), what="a new alert")
    await say(gateway, "telegram", "T9", "/alerts")
    await wait_until(lambda: any(ids[1] in t and "freezer" in t for t in texts(telegram, "T9")), what="the list")


@pytest.mark.allow_logged_errors
async def test_a_damaged_alert_record_is_dropped_alone(start_alerts: Any, alert_dir: Path, caplog) -> None:
    _old, ids = await _two_alerts(start_alerts)
    flip_state_value(alert_dir, f"alert:{ids[0]}")
    gateway = await start_alerts()
    assert f"Alert {ids[0]} was damaged on disk and is dropped" in caplog.text
    telegram = gateway.data["recorder"]["telegram"]
    await say(gateway, "telegram", "T1", f"/ack {ids[1]}")
    await wait_until(lambda: f"Alert {ids[1]} acknowledged." in texts(telegram, "T1"), what="the other ack")
    await say(gateway, "telegram", "T1", f"/ack {ids[0]}")
    await wait_until(lambda: any(ids[0] in t and "acknowledged" not in t for t in texts(telegram, "T1")[-1:]),
                     what="an answer about the dropped alert")
