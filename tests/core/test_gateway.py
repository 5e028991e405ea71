"""The gateway's lifecycle: start, ingest as the single door, graceful stop."""

from __future__ import annotations

import asyncio
import logging
import textwrap
from pathlib import Path

import pytest

from core.bus import Event
from core.errors import ConfigError, StoreUnavailable
from core.message import Message
from tests.helpers import RECORDING_CHANNEL, write_integration

STOPS = """
from core.hookspecs import hookimpl

@hookimpl
def roost_setup(gateway, config):
    gateway.data.setdefault("events", []).append("setup " + __name__.rsplit(".", 1)[-1])

@hookimpl
async def roost_stop(gateway):
    name = __name__.rsplit(".", 1)[-1]
    gateway.data["events"].append("stop " + name)
    if name == "b_breaks_on_stop":
        raise RuntimeError("stop failed")
"""


def gateway_config(make_config, automations: str = "", roost: str = "", extra: str = "") -> Path:
    text = ""
    if roost:
        text += "roost:\n" + textwrap.indent(textwrap.dedent(roost), "  ")
    text += "testchan:\n" + textwrap.dedent(extra)
    if automations:
        text += "automations:\n" + textwrap.indent(textwrap.dedent(automations), "  ")
    config_dir = make_config(text)
    write_integration(config_dir / "integrations", "testchan", RECORDING_CHANNEL, kind="channel")
    return config_dir


ECHO_AUTOMATIONS = """\
- id: echo
  triggers:
    - trigger: message
      command: echo
  actions:
    - reply: "echo {{ trigger.args_text }}"
- id: slow
  triggers:
    - trigger: message
      command: slow
  actions:
    - delay: "{{ trigger.args[0] }}"
    - reply: "slow done"
"""


def message(text: str, chat: str = "c1") -> Message:
    return Message.create("test", chat, "alice", text)


async def test_start_and_stop_move_through_states_and_fire_events(make_config, make_gateway) -> None:
    gateway = await make_gateway(gateway_config(make_config, ECHO_AUTOMATIONS), start=False)
    seen: list[str] = []
    gateway.bus.listen("gateway_started", lambda e: seen.append(f"started:{gateway.state}"))
    gateway.bus.listen("gateway_stopping", lambda e: seen.append(f"stopping:{gateway.state}"))
    assert gateway.state == "created"
    await gateway.start()
    assert gateway.state == "running"
    assert gateway.config_errors == []
    assert gateway.integrations["testchan"].status == "loaded"
    assert set(gateway.engine.automations) == {"echo", "slow"}
    await gateway.stop()
    assert gateway.state == "stopped"
    assert seen == ["started:running", "stopping:stopping"]
    await asyncio.wait_for(gateway.wait_stopped(), 1)
    await gateway.stop()  # a second stop is harmless
    assert seen == ["started:running", "stopping:stopping"]


async def test_a_message_travels_to_a_reply(make_config, make_gateway) -> None:
    gateway = await make_gateway(gateway_config(make_config, ECHO_AUTOMATIONS))
    received: list[Event] = []
    gateway.bus.listen("message_received", received.append)
    assert await gateway.ingest(message("/echo hello world"))
    assert await gateway.data["testchan"].wait_for(1) == [("c1", "echo hello world")]
    assert [e.data["message"].text for e in received] == ["/echo hello world"]


async def test_ingest_before_running_waits_and_nothing_is_lost(make_config, make_gateway) -> None:
    gateway = await make_gateway(gateway_config(make_config, ECHO_AUTOMATIONS), start=False)
    early = [asyncio.create_task(gateway.ingest(message(f"/echo {n}"))) for n in range(3)]
    await asyncio.sleep(0.05)
    assert not any(task.done() for task in early)  # held at the door until the gateway runs
    await gateway.start()
    assert await asyncio.wait_for(asyncio.gather(*early), 2) == [True, True, True]
    sent = await gateway.data["testchan"].wait_for(3)
    assert sorted(text for _, text in sent) == ["echo 0", "echo 1", "echo 2"]


async def test_ingest_after_stop_is_refused_as_not_now_so_the_platform_keeps_it(make_config, make_gateway) -> None:
    gateway = await make_gateway(gateway_config(make_config, ECHO_AUTOMATIONS))
    channel = gateway.data["testchan"]
    await gateway.stop()
    received: list[Event] = []
    gateway.bus.listen("message_received", received.append)
    with pytest.raises(StoreUnavailable, match="Roost is stopped"):  # not False: that would acknowledge it
        await gateway.ingest(message("/echo late"))
    assert received == []
    assert channel.sent == []


async def test_ingest_waiting_for_a_start_that_never_comes_is_released_by_stop(
    make_config, make_gateway
) -> None:
    gateway = await make_gateway(gateway_config(make_config, ECHO_AUTOMATIONS), start=False)
    waiting = asyncio.create_task(gateway.ingest(message("/echo never")))
    await asyncio.sleep(0.01)
    await gateway.stop()
    with pytest.raises(StoreUnavailable):
        await asyncio.wait_for(waiting, 1)


async def test_stop_lets_running_automations_finish(make_config, make_gateway) -> None:
    gateway = await make_gateway(gateway_config(make_config, ECHO_AUTOMATIONS, roost="stop_timeout: 5\n"))
    finished: list[str] = []
    gateway.bus.listen("automation_finished", lambda e: finished.append(e.data["status"]))
    started = asyncio.Event()
    gateway.bus.listen("automation_triggered", lambda e: started.set())
    assert await gateway.ingest(message("/slow 0.3"))
    await asyncio.wait_for(started.wait(), 2)
    loop = asyncio.get_running_loop()
    began = loop.time()
    await gateway.stop()
    assert loop.time() - began >= 0.2  # it waited for the run
    assert finished == ["finished"]
    # The reply it made is delivered before the stop, or kept in the outbox for the next start.
    delivered = list(gateway.data["testchan"].sent)
    if not delivered:
        again = await make_gateway(gateway.config_dir)
        await again.data["testchan"].wait_for(1)
        await asyncio.wait_for(again.wait_idle(), 5)
        delivered = again.data["testchan"].sent  # once: the finished run is not run again
    assert delivered == [("c1", "slow done")]


async def test_stop_cancels_runs_still_going_after_stop_timeout(make_config, make_gateway) -> None:
    gateway = await make_gateway(gateway_config(make_config, ECHO_AUTOMATIONS, roost="stop_timeout: 0.2\n"))
    finished: list[str] = []
    gateway.bus.listen("automation_finished", lambda e: finished.append(e.data["status"]))
    started = asyncio.Event()
    gateway.bus.listen("automation_triggered", lambda e: started.set())
    assert await gateway.ingest(message("/slow 30"))
    await asyncio.wait_for(started.wait(), 2)
    await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    began = loop.time()
    await asyncio.wait_for(gateway.stop(), 5)
    assert loop.time() - began < 3
    assert finished == ["cancelled"]
    assert gateway.data["testchan"].sent == []
    assert gateway.state == "stopped"


@pytest.mark.allow_logged_errors
async def test_stop_calls_roost_stop_in_reverse_setup_order(
    make_config, make_gateway, caplog: pytest.LogCaptureFixture
) -> None:
    config_dir = gateway_config(make_config, extra="a_first:\nb_breaks_on_stop:\nc_last:\nd_fails:\n")
    folder = config_dir / "integrations"
    write_integration(folder, "a_first", STOPS)
    write_integration(folder, "b_breaks_on_stop", STOPS, dependencies=["a_first"])
    write_integration(folder, "c_last", STOPS, dependencies=["b_breaks_on_stop"])
    write_integration(folder, "d_fails", "raise ImportError('no such library')\n")
    gateway = await make_gateway(config_dir)
    events = gateway.data["events"]
    assert events == ["setup a_first", "setup b_breaks_on_stop", "setup c_last"]
    with caplog.at_level(logging.ERROR, logger="core.gateway"):
        await gateway.stop()
    # b's failure to stop is logged and a is still stopped; d never loaded, so is never stopped.
    assert events[3:] == ["stop c_last", "stop b_breaks_on_stop", "stop a_first"]
    assert any("Stopping integration b_breaks_on_stop failed" in r.getMessage() for r in caplog.records)


async def test_request_stop_stops_a_running_gateway(make_config, make_gateway) -> None:
    gateway = await make_gateway(gateway_config(make_config))
    gateway.request_stop()
    await asyncio.wait_for(gateway.wait_stopped(), 5)
    assert gateway.state == "stopped"


async def test_registries_refuse_duplicates(make_config, make_gateway) -> None:
    gateway = await make_gateway(gateway_config(make_config))
    channel = gateway.channels["test"]
    with pytest.raises(ConfigError, match="platform 'test' is already registered"):
        gateway.register_channel(channel)

    async def action(ctx: object, data: dict) -> None:
        return None

    gateway.register_action("x.y", action)
    with pytest.raises(ConfigError, match="action 'x.y' is already registered"):
        gateway.register_action("x.y", action)
    with pytest.raises(ConfigError, match="no channel for platform 'nowhere'"):
        await gateway.send("nowhere", "c1", "hi")


async def test_scrub_applies_every_registered_sanitizer(make_config, make_gateway) -> None:
    class Masker:
        def __init__(self, name: str, secret: str) -> None:
            self.name, self.secret = name, secret

        async def sanitize(self, text: str, scope: str) -> str:
            return text

        async def restorer(self, scope: str) -> object:
            raise NotImplementedError

        def scrub(self, text: str) -> str:
            return text.replace(self.secret, "***")

    gateway = await make_gateway(gateway_config(make_config), start=False)
    assert gateway.scrub("alice 555-0101") == "alice 555-0101"
    gateway.register_sanitizer(Masker("phones", "555-0101"))
    gateway.register_sanitizer(Masker("names", "alice"))
    assert gateway.scrub("alice 555-0101") == "*** ***"


BRINGS_AUTOMATION = """
from core.hookspecs import hookimpl

@hookimpl
def roost_setup(gateway, config):
    gateway.register_automation({
        "id": "hello_from_" + __name__.rsplit(".", 1)[-1],
        "triggers": [{"trigger": "message", "command": "hello"}],
        "actions": [{"reply": (config or {}).get("reply", "{{ nope")}],
    }, source=__name__.rsplit(".", 1)[-1])
"""


@pytest.mark.allow_logged_errors
async def test_integrations_bring_automations_while_roost_starts(make_config, make_gateway) -> None:
    config_dir = gateway_config(make_config, extra="", roost="")
    with (config_dir / "configuration.yaml").open("a") as f:
        f.write("good_auto:\n  reply: 'hello {{ trigger.sender }}'\nbad_auto:\n")
    write_integration(config_dir / "integrations", "good_auto", BRINGS_AUTOMATION)
    write_integration(config_dir / "integrations", "bad_auto", BRINGS_AUTOMATION)
    gateway = await make_gateway(config_dir)
    assert gateway.integrations["good_auto"].status == "loaded"
    assert "hello_from_good_auto" in gateway.engine.automations
    bad = gateway.integrations["bad_auto"]
    assert bad.status == "failed"
    assert "automation 'hello_from_bad_auto' from integration bad_auto: template syntax error" in (bad.reason or "")
    assert "hello_from_bad_auto" not in gateway.engine.automations
    await gateway.ingest(message("/hello"))
    await gateway.wait_idle()
    assert gateway.channels["test"].sent == [("c1", "hello alice")]
    with pytest.raises(RuntimeError, match="only be added while Roost starts"):
        gateway.register_automation({"id": "late"}, source="test")
