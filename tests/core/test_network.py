"""The network probe: gateway-wide online state, its events, and `condition: online`."""

from __future__ import annotations

import asyncio

import pytest

from core.errors import ConfigErrors
from core.message import Message
from core.network import NETWORK_SCHEMA, reachable
from core.validation import validate
from tests.helpers.channels import RECORDING_CHANNEL

MANIFEST = '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'


async def _server() -> asyncio.Server:
    async def handle(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def _wait(predicate, timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_reachable_tells_an_open_port_from_a_closed_one() -> None:
    server = await _server()
    port = server.sockets[0].getsockname()[1]
    assert await reachable("127.0.0.1", port, 1.0)
    server.close()
    await server.wait_closed()
    assert not await reachable("127.0.0.1", port, 1.0)


def test_probe_endpoints_are_validated() -> None:
    assert validate(NETWORK_SCHEMA, {"probe": "10.0.0.1:53"})["probe"] == [("10.0.0.1", 53)]
    with pytest.raises(ConfigErrors) as err:
        validate(NETWORK_SCHEMA, {"probe": ["nohost"]}, path=("network",))
    assert "host:port" in str(err.value)


async def test_state_follows_the_probe_and_automations_answer_by_it(make_config, make_gateway) -> None:
    server = await _server()
    port = server.sockets[0].getsockname()[1]
    config_dir = make_config(f"""
network: {{probe: ["127.0.0.1:{port}"], interval: 0.05, timeout: 0.5}}
rec: {{platform: test}}
automations:
  - id: answer
    triggers: [{{trigger: message, platform: test}}]
    actions:
      - if: [{{condition: online}}]
        then: [{{reply: "online answer"}}]
        else: [{{reply: "offline answer"}}]
""", files={"integrations/rec/__init__.py": RECORDING_CHANNEL, "integrations/rec/manifest.json": MANIFEST})
    gateway = await make_gateway(config_dir)
    events: list[str] = []
    gateway.bus.listen("network_offline", lambda e: events.append(e.event_type))
    gateway.bus.listen("network_online", lambda e: events.append(e.event_type))
    channel = gateway.data["rec"]

    await gateway.ingest(Message.create("test", "c", "u", "hello"))
    assert (await channel.wait_for(1, timeout=5))[-1][1] == "online answer"

    server.close()
    await server.wait_closed()
    await _wait(lambda: not gateway.network_online)
    assert events == ["network_offline"]
    await gateway.ingest(Message.create("test", "c", "u", "hello again"))
    assert (await channel.wait_for(2, timeout=5))[-1][1] == "offline answer"

    server = await asyncio.start_server(lambda _r, w: w.close(), "127.0.0.1", port)
    await _wait(lambda: gateway.network_online)
    assert events == ["network_offline", "network_online"]
    server.close()
    await server.wait_closed()
