"""The console channel: talk to Roost from the terminal, or pipe lines through it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import voluptuous as vol

from core.hookspecs import hookimpl
from core.terminal import user_name
from integrations.console.attach import chat_with_running
from integrations.console.channel import ConsoleChannel
from integrations.console.visitors import SOCKET_NAME

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
async def roost_setup(gateway: Any, config: dict[str, Any] | None) -> None:
    """Register the console channel, start reading the terminal and listen for `roost chat` in others."""
    config = CONFIG_SCHEMA(config or {}) or CONFIG_SCHEMA({})
    channel = ConsoleChannel(
        gateway,
        chat_id=config["chat_id"],
        sender=config.get("sender") or user_name(),
        visitor_sender=config.get("sender"),
        prompt=config["prompt"],
        reply_prefix=config["reply_prefix"],
        read_stdin=config["read_stdin"],
    )
    gateway.data[DOMAIN] = channel
    gateway.register_channel(channel)
    channel.start()
    await channel.socket.start(gateway.config_dir / SOCKET_NAME)


@hookimpl
def roost_stop(gateway: Any) -> Any:
    """Stop reading the terminal."""
    channel: ConsoleChannel | None = gateway.data.get(DOMAIN)
    if channel is not None:
        return channel.stop()
    return None


@hookimpl
def roost_chat_attach(sections: Mapping[str, Any], config_dir: Path) -> Any:
    """`roost chat` while Roost runs: this terminal becomes its console, over the console's socket."""
    if "console" not in sections:
        return None
    config = CONFIG_SCHEMA(sections["console"] or {}) or CONFIG_SCHEMA({})
    return chat_with_running(config_dir / SOCKET_NAME, prompt=config["prompt"], reply_prefix=config["reply_prefix"])
