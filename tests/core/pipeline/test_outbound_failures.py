"""A channel that raises something unexpected is retried with backoff, then dead-lettered with the error."""

from __future__ import annotations

import asyncio
import time

from core.channel import ChannelInfo, OutboundMessage
from core.errors import TransientError


class BrokenChannel:
    """A channel whose library fails in a way Roost does not know (not Transient/PermanentError)."""

    platform = "broken"
    info = ChannelInfo("broken")
    online = True

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def send(self, message: OutboundMessage) -> str:
        self.calls.append(time.monotonic())
        raise RuntimeError("the client library's socket broke")


class FlakyChannel(BrokenChannel):
    """Fails with a TransientError the first time, then delivers."""

    platform = "flaky"
    info = ChannelInfo("flaky")

    async def send(self, message: OutboundMessage) -> str:
        self.calls.append(time.monotonic())
        if len(self.calls) == 1:
            raise TransientError("busy", retry_after=0.2)
        return "m-1"


async def _started(make_config, make_gateway, *channels):
    config_dir = make_config("""
store: {delivery_max_attempts: 3, synchronous: NORMAL}
scheduler: {backoff_base: 0.1}
""")
    gateway = await make_gateway(config_dir, start=False)
    for channel in channels:
        gateway.register_channel(channel)
    await gateway.start()
    return gateway


async def test_an_unexpected_error_is_retried_with_backoff_then_buried_with_its_text(
    make_config, make_gateway, caplog
) -> None:
    broken = BrokenChannel()
    gateway = await _started(make_config, make_gateway, broken)
    await gateway.send("broken", "c1", "hello")
    for _ in range(100):
        if (await gateway.store.dead.stats())["outbox"]:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # no further attempt after the dead letter
    assert len(broken.calls) == 3  # delivery_max_attempts
    gaps = [b - a for a, b in zip(broken.calls, broken.calls[1:], strict=False)]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1  # backoff (base 0.1 s, doubling, jitter of half), no tight loop
    [letter] = await gateway.store.dead.list()
    assert letter.source == "outbox"
    assert letter.reason == "gave up after 3 attempts: RuntimeError: the client library's socket broke"
    assert await gateway.store.outbox.pending_count("broken") == 0


async def test_a_transient_error_waits_for_retry_after_then_delivers(make_config, make_gateway) -> None:
    flaky = FlakyChannel()
    gateway = await _started(make_config, make_gateway, flaky)
    await gateway.send("flaky", "c1", "hello")
    for _ in range(100):
        if len(flaky.calls) == 2:
            break
        await asyncio.sleep(0.05)
    assert len(flaky.calls) == 2 and flaky.calls[1] - flaky.calls[0] >= 0.2
    await gateway.wait_idle()
    assert (await gateway.store.dead.stats())["total"] == 0
