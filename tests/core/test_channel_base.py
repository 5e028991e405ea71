"""ChannelBase: a cursor that survives a restart, a reconnect loop that backs off with jitter, ingest."""

from __future__ import annotations

import asyncio
import random

from core.channel import ChannelBase, ChannelInfo, OutboundMessage
from core.errors import PermanentError, TransientError
from core.message import Message


class Flaky(ChannelBase):
    """Connects, fails the first `failures` times, then stays connected until told to stop."""

    info = ChannelInfo("flaky", rate_limit=5.0)

    def __init__(self, gateway, failures: int, *, seed: int) -> None:
        self.delays: list[float] = []
        super().__init__(gateway, "flaky", online=False, rng=random.Random(seed), sleep=self._note)
        self.failures = failures
        self.connected = asyncio.Event()
        self.release = asyncio.Event()

    async def _note(self, delay: float) -> None:
        self.delays.append(delay)

    async def connect(self) -> None:
        if self.failures:
            self.failures -= 1
            raise TransientError("connection reset")
        self.set_online(True)
        self.connected.set()
        await self.release.wait()
        raise PermanentError("401 Unauthorized: the token was revoked")

    async def send(self, message: OutboundMessage) -> str:
        return "1"


async def test_reconnects_back_off_with_seeded_jitter_then_stop_on_a_permanent_error(
    make_config, make_gateway
) -> None:
    gateway = await make_gateway(make_config("roost: {}\n"))
    states: list[bool] = []
    gateway.bus.listen("channel_online", lambda _e: states.append(True))
    gateway.bus.listen("channel_offline", lambda _e: states.append(False))
    first, again = Flaky(gateway, 6, seed=7), Flaky(gateway, 6, seed=7)
    for channel in (first, again):
        loop = asyncio.create_task(channel.keep_connected(channel.connect))
        await asyncio.wait_for(channel.connected.wait(), 5)
        channel.release.set()
        await asyncio.wait_for(loop, 5)  # the permanent error ends the loop
    assert first.delays == again.delays  # deterministic with a seeded random source
    assert len(first.delays) == 6
    for attempt, delay in enumerate(first.delays):
        assert 0 <= delay <= min(first.reconnect_cap, first.reconnect_base * 2 ** attempt)
    assert first.delays[-1] > first.reconnect_base  # it grows: full jitter of 1, 2, 4, 8, 16, 32 s
    assert not first.online
    await gateway.wait_idle()
    assert states == [True, False, True, False]


async def test_the_cursor_survives_a_restart(make_config, make_gateway) -> None:
    config_dir = make_config("roost: {}\n")
    gateway = await make_gateway(config_dir)
    channel = Flaky(gateway, 0, seed=1)
    assert await channel.load_cursor(0) == 0
    await channel.save_cursor({"offset": 4711, "session": "abc"})
    await gateway.stop()
    restarted = await make_gateway(config_dir)
    assert await Flaky(restarted, 0, seed=1).load_cursor() == {"offset": 4711, "session": "abc"}


async def test_ingest_stores_once_and_a_refused_message_is_acknowledged(make_config, make_gateway) -> None:
    gateway = await make_gateway(make_config("""
automations:
  - id: echo
    triggers: [{trigger: message}]
    actions: [{reply: "re: {{ trigger.text }}"}]
"""))
    channel = Flaky(gateway, 0, seed=1)
    message = Message.create("flaky", "c1", "u", "hello", id="m1")
    assert await channel.ingest(message) is True
    assert await channel.ingest(message) is False  # the platform delivered it again
    assert await channel.ingest(Message("flaky", None, "u", "no chat")) is False  # type: ignore[arg-type]


class Answering(ChannelBase):
    """A request-and-answer channel (an HTTP request, a WebSocket call): it keeps what it is sent."""

    info = ChannelInfo("answering")

    def __init__(self, gateway) -> None:
        super().__init__(gateway, "answering")
        self.sent: list[str] = []

    async def send(self, message: OutboundMessage) -> str:
        self.sent.append(message.text)
        return str(len(self.sent))


async def test_a_caller_waiting_for_its_chat_leaves_the_traces_to_the_trace_writer(make_config, make_gateway) -> None:
    """Under load the trace writer keeps the newest traces of each automation and lets the rest go unwritten;
    a waiter that flushed them at each look made it write every one (40 of 40 here)."""
    gateway = await make_gateway(make_config("""
store: {traces_per_automation: 3}
automations:
  - id: echo
    triggers: [{trigger: message}]
    actions: [{reply: "re: {{ trigger.text }}"}]
"""), start=False)
    channel = Answering(gateway)
    gateway.register_channel(channel)
    await gateway.start()
    for n in range(40):
        traces = await channel.ingest_and_wait(Message.create("answering", f"c{n}", "u", f"m{n}"), 10)
        assert [trace.automation_id for trace in traces] == ["echo"]
    assert channel.sent == [f"re: m{n}" for n in range(40)]
    await gateway.wait_idle()  # the trace writer has written what it kept
    stored = await gateway.store.traces.recent(100)
    assert 3 <= len(stored) <= 20
    assert stored[0].run_id == traces[0].run_id  # the newest is among them
