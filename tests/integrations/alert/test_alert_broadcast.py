"""alert.broadcast through the shipped blueprint: every target, the sender's confirmation, the record."""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest
import voluptuous as vol
from alert_setup import say, texts, wait_until

from core.errors import PermanentError
from integrations.alert.config import CONFIG_SCHEMA, Target

REPO = Path(__file__).resolve().parents[3]
ALERT_ID = re.compile(r"ALERT ([A-Z2-9]{4})")


def test_manifest_is_complete_and_sorted() -> None:
    raw = (REPO / "integrations" / "alert" / "manifest.json").read_text(encoding="utf-8")
    manifest = orjson.loads(raw)
    assert list(manifest) == sorted(manifest)
    assert manifest["domain"] == "alert" and manifest["kind"] == "action"
    assert manifest["name"] == "Emergency alerts" and manifest["version"] == "0.1.0"
    assert manifest["after_dependencies"] == [] and manifest["dependencies"] == []


def test_config_schema_defaults_and_errors() -> None:
    config = CONFIG_SCHEMA({"targets": [{"platform": "telegram", "chat_id": 123}, "whatsapp:+49 170"]})
    assert config["targets"] == [Target("telegram", "123"), Target("whatsapp", "+49 170")]
    assert (config["repeat_minutes"], config["max_repeats"], config["ack_command"], config["priority"]) == (
        0.0, 10, "ack", 1000)
    assert CONFIG_SCHEMA(None)["targets"] == []
    with pytest.raises(vol.Invalid, match="telegram:123"):
        CONFIG_SCHEMA({"targets": ["telegram"]})
    with pytest.raises(vol.Invalid, match="minutes"):
        CONFIG_SCHEMA({"repeat_minutes": -1})
    with pytest.raises(vol.Invalid, match="without the slash"):
        CONFIG_SCHEMA({"ack_command": "/ack"})


async def test_alert_reaches_every_target_and_the_sender_learns_its_id(start_alerts: Any, alert_dir: Path) -> None:
    gateway = await start_alerts()
    telegram, whatsapp = gateway.data["recorder"]["telegram"], gateway.data["recorder"]["whatsapp"]

    await say(gateway, "whatsapp", "W7", "!alert Server room is flooding, cut the power", sender="+4917")
    await wait_until(lambda: texts(telegram, "T1") and texts(whatsapp, "W1") and texts(whatsapp, "W7"),
                     what="the alert and the confirmation")
    await gateway.wait_idle()

    [on_telegram] = texts(telegram, "T1")
    [on_whatsapp] = texts(whatsapp, "W1")
    alert_id = ALERT_ID.search(on_telegram).group(1)  # type: ignore[union-attr]
    assert on_telegram == on_whatsapp
    assert "Server room is flooding, cut the power" in on_telegram
    assert f"/ack {alert_id}" in on_telegram
    assert texts(whatsapp, "W7") == [f"Alert {alert_id} sent to 2 targets."]

    record = await gateway.store.state.get("alert", f"alert:{alert_id}")
    assert record["text"] == "Server room is flooding, cut the power"
    assert record["targets"] == [["telegram", "T1"], ["whatsapp", "W1"]]
    assert record["raised_by"] == "whatsapp:+4917" and record["raised_in"] == "whatsapp:W7"
    assert record["acked_at"] is None and record["repeats_sent"] == 0
    await gateway.stop()
    with sqlite3.connect(alert_dir / "roost.db") as conn:  # the alert text is stored encrypted
        values = [v for (v,) in conn.execute("SELECT value FROM state WHERE domain = 'alert'")]
    assert values and not any(b"flooding" in bytes(v) for v in values)


async def test_a_target_without_a_channel_is_reported_and_the_others_still_get_it(start_alerts: Any) -> None:
    gateway = await start_alerts("""\
        targets: ["telegram:T1", "discord:D1", "whatsapp:W1"]
        """)
    telegram, whatsapp = gateway.data["recorder"]["telegram"], gateway.data["recorder"]["whatsapp"]
    await say(gateway, "telegram", "T9", "!alert fire in the kitchen")
    await wait_until(lambda: texts(telegram, "T9"), what="the confirmation")
    await gateway.wait_idle()
    assert len(texts(telegram, "T1")) == 1 and len(texts(whatsapp, "W1")) == 1
    [confirmation] = texts(telegram, "T9")
    assert "sent to 2 of 3 targets" in confirmation
    assert "discord:D1: no channel for platform 'discord' is set up" in confirmation


async def test_a_retried_run_raises_the_same_alert_and_sends_nothing_twice(start_alerts: Any) -> None:
    gateway = await start_alerts()
    telegram = gateway.data["recorder"]["telegram"]

    class Run:  # what a RunContext offers a handler: the run id survives retries of the run
        run_id = "run-1"
        message = None

    broadcast = gateway.actions["alert.broadcast"]
    first = await broadcast(Run(), {"text": "gas leak"})
    again = await broadcast(Run(), {"text": "gas leak"})
    other = await broadcast(Run(), {"text": "another thing"})
    await gateway.wait_idle()
    assert first["id"] == again["id"] != other["id"]
    assert len(texts(telegram, "T1")) == 2  # gas leak once, another thing once
    assert first["sent"] == 2 and first["failed"] == {}


async def test_targets_and_repeat_can_be_given_per_call_and_bad_data_is_refused(start_alerts: Any) -> None:
    gateway = await start_alerts()
    whatsapp = gateway.data["recorder"]["whatsapp"]
    broadcast = gateway.actions["alert.broadcast"]
    result = await broadcast(None, {"text": "only W5", "targets": ["whatsapp:W5"], "repeat_minutes": ""})
    await gateway.wait_idle()
    assert result["targets"] == ["whatsapp:W5"] and result["repeat_minutes"] == 0
    assert len(texts(whatsapp, "W5")) == 1 and not texts(whatsapp, "W1")
    with pytest.raises(PermanentError, match="alert text is empty"):
        await broadcast(None, {"text": ""})
    with pytest.raises(PermanentError, match="telegram:123"):
        await broadcast(None, {"text": "x", "targets": ["nonsense"]})


async def test_without_any_target_the_error_says_where_to_add_them(start_alerts: Any) -> None:
    gateway = await start_alerts("repeat_minutes: 0\n")
    with pytest.raises(PermanentError, match="alert: targets"):
        await gateway.actions["alert.broadcast"](None, {"text": "anyone there?"})


async def test_the_blueprint_route_can_be_limited_to_platforms(start_alerts: Any) -> None:
    gateway = await start_alerts("targets: ['telegram:T1']\n", automations="""\
automations:
  - id: emergency
    use_blueprint:
      path: emergency_alert.yaml
""")
    telegram, whatsapp = gateway.data["recorder"]["telegram"], gateway.data["recorder"]["whatsapp"]
    await say(gateway, "telegram", "T9", "!alert not from here")  # the default route is whatsapp only
    await say(gateway, "whatsapp", "W9", "!ALERT  from whatsapp\nsecond line  ")
    await wait_until(lambda: texts(whatsapp, "W9"), what="the confirmation")
    await gateway.wait_idle()
    [alert] = texts(telegram, "T1")
    assert "from whatsapp\nsecond line\n" in alert and "not from here" not in alert
    assert not texts(telegram, "T9")


async def test_the_start_line_tells_the_automations_an_integration_brings_from_the_configurations(
        start_alerts, caplog) -> None:
    caplog.set_level(logging.INFO, logger="core.gateway")
    await start_alerts()
    started = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Roost started")]
    assert len(started) == 1 and started[0].endswith(
        "3 automations of the configuration and 1 that integrations bring (alert_ack)"), started
