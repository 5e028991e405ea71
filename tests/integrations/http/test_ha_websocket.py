"""Home Assistant's WebSocket protocol at /api/websocket, with HA's own client libraries, unchanged."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import aiohttp
import pytest
from hass_client import HomeAssistantClient
from hass_client.exceptions import AuthenticationFailed, FailedCommand

from core.pipeline import STOPPED
from integrations.websocket_api import entities
from tests.helpers.ha_socket import ha_socket

JS = Path(__file__).resolve().parents[2] / "js"
ECHO = """
automations:
  - id: echo
    triggers: [{trigger: message, platform: [websocket, websocket_chat]}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
"""


async def test_the_python_client_connects_subscribes_fires_and_converses(serve, monkeypatch) -> None:
    served = await serve(extra=ECHO)
    token = await served.token("hass-client")
    url = served.url.replace("http", "ws") + "/api/websocket"
    seen: list[dict] = []
    done = asyncio.Event()

    def on_event(event: dict) -> None:
        seen.append(event["data"])
        if event["data"].get("done"):
            done.set()

    async with HomeAssistantClient(url, token) as client:
        assert client.version == "2026.2.0"
        unsubscribe = await client.subscribe_events(on_event, event_type="roost_reply")
        fired = await client.send_command("fire_event", event_type="roost_reply", event_data={"text": "manual"})
        assert set(fired) == {"context"} and fired["context"]["user_id"] == "hass-client"
        result = await client.send_command("call_service", domain="roost", service="send_message",
                                           service_data={"text": "hello", "conversation_id": "c1"},
                                           return_response=True)
        assert result["response"] == {"conversation_id": "c1", "replies": ["echo: hello"]}
        await asyncio.wait_for(done.wait(), 5)
        assert seen == [{"text": "manual"}, {"conversation_id": "c1", "text": "echo: hello", "done": True}]
        processed = await client.send_command("conversation/process", text="and now?", conversation_id="c1")
        assert processed["response"]["speech"]["plain"]["speech"] == "echo: and now?"
        assert processed["conversation_id"] == "c1" and processed["response"]["response_type"] == "action_done"
        with pytest.raises(FailedCommand, match="Service nope.x not found."):
            await client.send_command("call_service", domain="nope", service="x")
        with pytest.raises(FailedCommand, match="Unknown command."):
            await client.send_command("no_such_command")
        monkeypatch.setenv("TZ", "Europe/Berlin")  # the machine's zone, by the name HA's clients expect
        config = await client.send_command("get_config")
        assert config["state"] == "RUNNING" and "roost" in config["components"]
        assert config["time_zone"] == "Europe/Berlin"
        states = await client.send_command("get_states")
        by_id = {state["entity_id"]: state["state"] for state in states}
        assert by_id["binary_sensor.roost_channel_websocket"] == "on"
        assert by_id["binary_sensor.roost_channel_websocket_chat"] == "on"
        assert by_id["sensor.roost_dead_letters"] == "0" and "sensor.roost_tasks_done" in by_id
        free_mib = served.gateway.status()["disk"]["free_bytes"] // 2**20
        assert int(by_id["sensor.roost_store_disk_free"]) == free_mib > 0
        assert by_id["sensor.roost_outbox_websocket_chat"] == "0", "a channel that sent nothing has its sensor too"
        stats = await client.send_command("call_service", domain="roost", service="queue_stats", return_response=True)
        assert stats["response"]["tasks"]["done"] >= 2 and stats["response"]["writer"]["commits"] > 0
        traced = await client.send_command("call_service", domain="roost", service="traces",
                                           service_data={"limit": 1, "automation_id": "echo"}, return_response=True)
        [trace] = traced["response"]["traces"]
        assert trace["automation_id"] == "echo" and trace["status"] == "finished"
        assert trace["steps"][0]["action"] == "reply"
        found = await client.send_command("call_service", domain="roost", service="traces",
                                          service_data={"run_id": trace["run_id"][:8].upper()}, return_response=True)
        assert [t["run_id"] for t in found["response"]["traces"]] == [trace["run_id"]]
        with pytest.raises(FailedCommand, match="limit is a whole number"):
            await client.send_command("call_service", domain="roost", service="traces", service_data={"limit": 0})
        with pytest.raises(FailedCommand, match="run_id the first hex digits"):
            await client.send_command("call_service", domain="roost", service="traces", service_data={"run_id": "x%"})
        with pytest.raises(FailedCommand, match=r"extra keys not allowed @ data\['txt'\]"):  # misspelt, as HA
            await client.send_command("call_service", domain="roost", service="send_message", service_data={"txt": "hi"})
        with pytest.raises(FailedCommand, match="can't be called with return_response=True"):
            await client.send_command("call_service", domain="roost", service="subscribe_conversation",
                                      service_data={"conversation_id": "porch"}, return_response=True)
        services = await client.send_command("get_services")
        assert services["roost"]["send_message"]["response"] == {"optional": True}
        unsubscribe()


async def test_the_python_clients_entity_helpers(serve) -> None:
    served = await serve(extra=ECHO)
    url = served.url.replace("http", "ws") + "/api/websocket"
    updates: asyncio.Queue[dict] = asyncio.Queue()
    async with HomeAssistantClient(url, await served.token("hass-client")) as client:
        unsubscribe = await client.subscribe_entities(updates.put_nowait, ["sensor.roost_dead_letters"])
        first = await asyncio.wait_for(updates.get(), 5)
        assert list(first["a"]) == ["sensor.roost_dead_letters"] and first["a"]["sensor.roost_dead_letters"]["s"] == "0"
        unsubscribe()
        assert await client.get_area_registry() == [] and await client.get_device_registry() == []
        assert await client.get_entity_registry() == []
        with pytest.raises(FailedCommand, match="Entity not found"):
            await client.get_entity_registry_entry("sensor.roost_dead_letters")


async def test_the_python_client_is_refused_a_wrong_token(serve) -> None:
    served = await serve(extra=ECHO)
    url = served.url.replace("http", "ws") + "/api/websocket"
    with pytest.raises(AuthenticationFailed, match="Invalid access token or password"):
        async with HomeAssistantClient(url, "roost_not-a-token"):
            pass


async def test_the_javascript_client_works_unchanged(serve) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    assert (JS / "node_modules" / "home-assistant-js-websocket").is_dir(), "run scripts/setup test (npm install)"
    served = await serve(extra=ECHO)
    token = await served.token("js")
    process = await asyncio.create_subprocess_exec(node, str(JS / "ha_client.mjs"), served.url, token,
                                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
    steps = {line["step"]: line["value"] for line in map(json.loads, out.decode().splitlines())}
    assert steps["wrong_token"] == "ERR_INVALID_AUTH"
    assert steps["connected"] == "2026.2.0" and steps["get_config_version"] == "2026.2.0"
    assert steps["fire_event"] == ["context"]
    assert steps["send_message"]["replies"] == ["echo: hello from js"]
    assert steps["events"][-1]["text"] == "echo: hello from js" and steps["events"][-1]["done"] is True
    assert steps["unknown_service"] == {"code": "not_found", "message": "Service nope.x not found."}
    assert steps["unknown_command"] == {"code": "unknown_command", "message": "Unknown command."}
    assert steps["conversation"] == "echo: and you?"
    assert steps["ping"] == "pong"
    assert steps["entities"]["binary_sensor.roost_channel_websocket"] == "on"  # its subscribe_entities
    assert steps["entities"]["sensor.roost_dead_letters"] == "0"


async def test_ids_must_increase_and_bad_messages_get_ha_error_codes(serve) -> None:
    served = await serve(extra=ECHO)
    session, ws = await ha_socket(served, await served.token())
    async with session:
        async def ask(frame: object) -> dict:
            await ws.send_str(json.dumps(frame))
            return json.loads(await ws.receive_str(timeout=5))

        assert await ask({"id": 5, "type": "ping"}) == {"id": 5, "type": "pong"}
        assert (await ask({"id": 5, "type": "ping"}))["error"]["code"] == "id_reuse"
        assert (await ask({"id": 6, "type": "nope"}))["error"]["code"] == "unknown_command"
        assert (await ask({"id": 6, "type": "ping"}))["type"] == "pong", "an unknown command does not use its id"
        assert (await ask({"id": "7", "type": "ping"}))["error"] == {"code": "invalid_format",
                                                                   "message": "Message incorrectly formatted."}
        assert (await ask({"id": 8, "type": "get_states", "foo": 1}))["error"]["code"] == "invalid_format"
        assert (await ask({"id": 9, "type": "unsubscribe_events", "subscription": 99}))["error"]["code"] == "not_found"
        assert (await ask({"id": 10, "type": "fire_event", "event_type": "x" * 65}))["error"]["code"] == "invalid_format"
        await ws.send_str("[" + json.dumps({"id": 11, "type": "ping"}) + "," + json.dumps({"id": 12, "type": "ping"}) + "]")
        assert [json.loads(await ws.receive_str(timeout=5))["id"] for _ in range(2)] == [11, 12]
        await ws.send_str("{not json")
        closing = await ws.receive(timeout=5)
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), "invalid JSON disconnects, as HA"


async def test_subscribe_entities_sends_every_entity_then_what_changed(serve, monkeypatch) -> None:
    monkeypatch.setattr(entities, "POLL_SECONDS", 0.05)
    served = await serve(extra=ECHO)
    session, ws = await ha_socket(served, await served.token())
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "subscribe_entities"}))
        assert json.loads(await ws.receive_str(timeout=5)) == {"id": 1, "type": "result", "success": True,
                                                              "result": None}
        first = json.loads(await ws.receive_str(timeout=5))
        assert first["id"] == 1 and first["type"] == "event" and set(first["event"]) == {"a"}
        channel = first["event"]["a"]["binary_sensor.roost_channel_websocket"]
        assert channel["s"] == "on" and channel["a"]["device_class"] == "connectivity" and set(channel) == {
            "s", "a", "c", "lc"}
        assert first["event"]["a"]["sensor.roost_tasks_done"]["s"] == "0"
        done: list[dict] = []  # the done-task sensor's changes
        for n in (2, 3):
            await ws.send_str(json.dumps({"id": n, "type": "call_service", "domain": "roost",
                                          "service": "send_message", "service_data": {"text": f"m{n}"}}))
            async with asyncio.timeout(10):
                while not done or done[-1].get("s") != str(n - 1):
                    update = json.loads(await ws.receive_str()).get("event", {})
                    done += [update["c"]["sensor.roost_tasks_done"]["+"]] if "sensor.roost_tasks_done" in update.get(
                        "c", {}) else []
        assert [change["s"] for change in done] == ["1", "2"] and all(set(c) == {"s", "lc", "c"} for c in done)
        await ws.send_str(json.dumps({"id": 4, "type": "subscribe_entities",
                                      "entity_ids": "sensor.roost_dead_letters, sensor.nothing"}))
        await ws.send_str(json.dumps({"id": 5, "type": "unsubscribe_events", "subscription": 1}))
        frames: list[dict] = []
        async with asyncio.timeout(5):
            while {"id": 5, "type": "result", "success": True, "result": None} not in frames or not any(
                    f["id"] == 4 and f["type"] == "event" for f in frames):
                frames.append(json.loads(await ws.receive_str()))
        [added] = [f["event"]["a"] for f in frames if f["id"] == 4 and f["type"] == "event"]
        assert list(added) == ["sensor.roost_dead_letters"] and added["sensor.roost_dead_letters"]["s"] == "0"


async def test_state_changed_events_say_what_changed_and_get_states_keeps_when(serve, monkeypatch) -> None:
    monkeypatch.setattr(entities, "POLL_SECONDS", 0.05)
    served = await serve(extra=ECHO)
    url = served.url.replace("http", "ws") + "/api/websocket"
    changes: asyncio.Queue[dict] = asyncio.Queue()
    async with HomeAssistantClient(url, await served.token("hass-client")) as client:
        first = {s["entity_id"]: s for s in await client.send_command("get_states")}
        await asyncio.sleep(0.02)
        again = {s["entity_id"]: s for s in await client.send_command("get_states")}
        assert again == first, "an entity that did not change keeps its times and context"
        unsubscribe = await client.subscribe_events(lambda event: changes.put_nowait(event["data"]), "state_changed")
        await client.send_command("call_service", domain="roost", service="send_message",
                                  service_data={"text": "hi"}, return_response=True)
        async with asyncio.timeout(5):
            while (change := await changes.get())["entity_id"] != "sensor.roost_tasks_done":
                pass
        old, new = change["old_state"], change["new_state"]
        assert old == first["sensor.roost_tasks_done"] and (old["state"], new["state"]) == ("0", "1")
        assert new["last_changed"] > old["last_changed"] and new["context"]["id"] != old["context"]["id"]
        assert new["attributes"] == old["attributes"] and new["entity_id"] == "sensor.roost_tasks_done"
        latest = {s["entity_id"]: s for s in await client.send_command("get_states")}
        assert latest["sensor.roost_tasks_done"]["last_changed"] == new["last_changed"]
        unsubscribe()


async def test_coalescing_only_for_clients_that_asked(serve) -> None:
    served = await serve(extra=ECHO)
    session, ws = await ha_socket(served, await served.token())
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "supported_features", "features": {"coalesce_messages": 1}}))
        assert json.loads(await ws.receive_str(timeout=5)) == {"id": 1, "type": "result", "success": True,
                                                              "result": None}
        await ws.send_str(json.dumps([{"id": n, "type": "ping"} for n in range(2, 12)]))
        received: list[dict] = []
        while len(received) < 10:
            frame = json.loads(await ws.receive_str(timeout=5))
            received.extend(frame if isinstance(frame, list) else [frame])
        assert [m["id"] for m in received] == list(range(2, 12))


async def test_auth_phase_errors_close_the_socket(serve) -> None:
    served = await serve(extra=ECHO)
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(served.url.replace("http", "ws") + "/api/websocket")
        await ws.receive_str(timeout=5)
        await ws.send_str(json.dumps({"type": "auth", "token": "x"}))
        answer = json.loads(await ws.receive_str(timeout=5))
        assert answer["type"] == "auth_invalid" and answer["message"].startswith("Auth message incorrectly formatted")
        assert (await ws.receive(timeout=5)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


async def test_a_client_that_does_not_read_is_cut_off_at_a_bounded_queue(serve, caplog) -> None:
    served = await serve(extra=ECHO)
    session, ws = await ha_socket(served, await served.token("slow"))
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "subscribe_events", "event_type": "flood"}))
        assert json.loads(await ws.receive_str(timeout=5))["success"] is True
        bulk = "x" * 20_000
        for n in range(6000):  # 120 MB the client never reads
            served.gateway.bus.fire("flood", {"n": n, "bulk": bulk})
            if n % 500 == 0:
                await asyncio.sleep(0)
        await served.gateway.bus.drain()
        async with asyncio.timeout(10):
            while "does not read its messages; closing it" not in caplog.text:
                await asyncio.sleep(0.05)
        async with session.get(served.url + "/api/health") as response:
            assert response.status == 200, "the others are served on"


async def test_a_call_roost_stops_under_gets_has_error_for_it_not_a_dropped_line(serve) -> None:
    served = await serve(extra="roost: {stop_timeout: 0.3}\n" + """
automations:
  - id: slow
    triggers: [{trigger: message, platform: websocket}]
    actions: [{delay: 30}, {reply: "late: {{ trigger.text }}"}]
""")
    session, ws = await ha_socket(served, await served.token())
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "call_service", "domain": "roost", "service": "send_message",
                                      "service_data": {"text": "hi"}, "return_response": True}))
        await asyncio.sleep(0.3)  # its run is under way
        await served.gateway.stop()
        answer = json.loads(await ws.receive_str(timeout=5))
        assert answer["error"] == {"code": "home_assistant_error", "message": STOPPED}
        assert (await ws.receive(timeout=5)).data == 1001


async def test_a_channel_going_offline_is_a_state_changed_at_once(serve) -> None:
    served = await serve(extra=ECHO)
    url = served.url.replace("http", "ws") + "/api/websocket"
    changes: asyncio.Queue[dict] = asyncio.Queue()
    async with HomeAssistantClient(url, await served.token("hass-client")) as client:
        await client.send_command("get_states")
        unsubscribe = await client.subscribe_events(lambda event: changes.put_nowait(event["data"]), "state_changed")
        served.gateway.channels["websocket_chat"].set_online(False, "test")
        change = await asyncio.wait_for(changes.get(), entities.POLL_SECONDS / 4)  # not the next poll's
        assert change["entity_id"] == "binary_sensor.roost_channel_websocket_chat"
        assert (change["old_state"]["state"], change["new_state"]["state"]) == ("on", "off")
        unsubscribe()


async def test_the_knowledge_base_is_a_sensor(serve, tmp_path: Path) -> None:
    folder = tmp_path / "config" / "knowledge"
    folder.mkdir(parents=True)
    (folder / "hours.md").write_text("# Hours\n\nOpen from seven.\n", encoding="utf-8")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    served = await serve(extra=ECHO + "knowledge:\n  directory: knowledge\n")
    url = served.url.replace("http", "ws") + "/api/websocket"
    async with HomeAssistantClient(url, await served.token("hass-client")) as client:
        async with asyncio.timeout(10):
            while True:
                states = {state["entity_id"]: state for state in await client.send_command("get_states")}
                if "sensor.roost_knowledge_documents" in states:
                    break
                await asyncio.sleep(0.05)
    sensor = states["sensor.roost_knowledge_documents"]
    assert sensor["state"] == "1"
    assert sensor["attributes"]["passages"] == 1 and sensor["attributes"]["not_read"] == ["old.doc"]
    assert sensor["attributes"]["not_indexed"] == [] and sensor["attributes"]["last_indexed"].startswith("20")
