"""A channel that records what the gateway sends, usable as a drop-in integration."""

from __future__ import annotations

import asyncio

from core.channel import ChannelInfo, OutboundMessage


class RecordingChannel:
    """A Channel that keeps every sent (chat_id, text) and lets a test wait for them."""

    def __init__(self, platform: str = "test") -> None:
        self.platform = platform
        self.info = ChannelInfo(platform)
        self.online = True
        self.sent: list[tuple[str, str]] = []
        self._changed = asyncio.Event()

    async def send(self, message: OutboundMessage) -> str:
        """Record the text and return a message id."""
        self.sent.append((message.chat_id, message.text))
        self._changed.set()
        return f"{self.platform}-{len(self.sent)}"

    async def wait_for(self, count: int, timeout: float = 2.0) -> list[tuple[str, str]]:
        """Wait until at least count messages were sent; return them."""
        async with asyncio.timeout(timeout):
            while len(self.sent) < count:
                self._changed.clear()
                await self._changed.wait()
        return list(self.sent)


# The __init__.py of a drop-in channel integration: platform from its config (default "test"),
# the channel kept in gateway.data[<domain>].
RECORDING_CHANNEL = '''
from __future__ import annotations

from core.hookspecs import hookimpl
from tests.helpers.channels import RecordingChannel

DOMAIN = __name__.rsplit(".", 1)[-1]


@hookimpl
def roost_setup(gateway, config):
    channel = RecordingChannel(str((config or {}).get("platform", "test")))
    gateway.data[DOMAIN] = channel
    gateway.register_channel(channel)
'''
