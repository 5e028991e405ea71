"""A drop-in test channel whose chat platform is a SQLite file (tests and benchmarks copy it).

Configuration::

    loadchannel:
      platform_db: /path/platform.db   # the "platform" (see platform.py)
      platform: load                   # platform name of messages and replies
      poll_interval: 0.01              # seconds between polls when nothing is new
      batch: 500                       # inbound rows read per poll
      chats: [c1, c2]                  # only these chats (others are acknowledged, ignored)
      rate_limit: 50                   # sends per second the platform allows (none: no limit)
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from core.hookspecs import hookimpl

from .channel import LoadChannel

DOMAIN = __name__.rsplit(".", 1)[-1]

CONFIG_SCHEMA = vol.Schema({
    vol.Required("platform_db"): str,
    vol.Optional("platform", default="load"): str,
    vol.Optional("poll_interval", default=0.05): vol.All(vol.Coerce(float), vol.Range(min=0.001)),
    vol.Optional("batch", default=500): vol.All(int, vol.Range(min=1)),
    vol.Optional("chats"): [vol.Coerce(str)],
    vol.Optional("rate_limit"): vol.All(vol.Coerce(float), vol.Range(min=0.001)),
})


@hookimpl
async def roost_setup(gateway: Any, config: dict[str, Any]) -> None:
    """Open the platform file, register the channel, start polling."""
    channel = LoadChannel(gateway, DOMAIN, dict(config))
    gateway.register_channel(channel)
    gateway.data[DOMAIN] = channel
    await channel.start()


@hookimpl
async def roost_stop(gateway: Any) -> None:
    """Stop polling and close the platform file."""
    channel = gateway.data.get(DOMAIN)
    if channel is not None:
        await channel.stop()
