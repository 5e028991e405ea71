"""The console channel: talk to Roost from the terminal, or pipe lines through it."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from core.hookspecs import hookimpl
from core.terminal import user_name
from integrations.console.channel import ConsoleChannel

DOMAIN = "console"

CONFIG_SCHEMA = vol.Schema(
    vol.Any(
        None,
        {
            vol.Optional("chat_id", default="local"): vol.Coerce(str),
            vol.Optional("sender"): vol.Coerce(str),
            vol.Optional("prompt", default="you> "): str,
            vol.Optional("reply_prefix", default="roost> "): str,
            vol.Optional("read_stdin", default="auto"): vol.In(["auto", "always", "never"]),
        },
    )
)


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any] | None) -> Any:
    """Register the console channel and start reading the terminal."""
    config = CONFIG_SCHEMA(config or {}) or CONFIG_SCHEMA({})
    channel = ConsoleChannel(
        gateway,
        chat_id=config["chat_id"],
        sender=config.get("sender") or user_name(),
        prompt=config["prompt"],
        reply_prefix=config["reply_prefix"],
        read_stdin=config["read_stdin"],
    )
    gateway.data[DOMAIN] = channel
    gateway.register_channel(channel)
    channel.start()


@hookimpl
def roost_stop(gateway: Any) -> Any:
    """Stop reading the terminal."""
    channel: ConsoleChannel | None = gateway.data.get(DOMAIN)
    if channel is not None:
        return channel.stop()
    return None
