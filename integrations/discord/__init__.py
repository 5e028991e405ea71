"""The discord integration: a bot in your servers and DMs, over the Gateway WebSocket and REST."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from core.access_rules import ACCESS_SCHEMA
from core.channel import FORMAT_ANSWERS_SCHEMA, UNSUPPORTED_SCHEMA
from core.doctor import Finding, probe_platform
from core.hookspecs import hookimpl
from core.validation import one_of
from integrations.discord.channel import DiscordChannel
from integrations.discord.rest import DEFAULT_API, DiscordRest

DOMAIN = "discord"
INTENTS = {"GUILDS": 1 << 0, "GUILD_MEMBERS": 1 << 1, "GUILD_MESSAGES": 1 << 9, "GUILD_MESSAGE_TYPING": 1 << 11,
           "DIRECT_MESSAGES": 1 << 12, "DIRECT_MESSAGE_TYPING": 1 << 14, "MESSAGE_CONTENT": 1 << 15}


def _intents(value: Any) -> int:
    if isinstance(value, int):
        return value
    unknown = [name for name in value if str(name).upper() not in INTENTS]
    if unknown:
        raise vol.Invalid(f"unknown intents {', '.join(map(str, unknown))}; known: {', '.join(INTENTS)}")
    total = 0
    for name in value:
        total |= INTENTS[str(name).upper()]
    return total


CONFIG_SCHEMA = vol.Schema({
    vol.Required("bot_token"): vol.All(str, vol.Length(min=20, msg="the bot's token from the Developer Portal")),
    vol.Optional("intents", default=["GUILDS", "GUILD_MESSAGES", "DIRECT_MESSAGES", "MESSAGE_CONTENT"]): vol.All(
        vol.Any(int, [str]), _intents),
    vol.Optional("api_base", default=DEFAULT_API): str,
    vol.Optional("gateway_url"): str,
    vol.Optional("group_mode", default="mention"): vol.In(("mention", "all")),
    vol.Optional("streaming", default="edits"): one_of("edits", "off"),
    vol.Optional("edit_interval", default=1.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("allowed_mentions", default=[]): [vol.In(("users", "roles", "everyone"))],
    vol.Optional("rate_limit", default=50.0): vol.All(vol.Coerce(float), vol.Range(min=0.1)),
    **ACCESS_SCHEMA,
    **UNSUPPORTED_SCHEMA,
    **FORMAT_ANSWERS_SCHEMA,
})


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any]) -> None:
    """Register the channel; it connects once Roost has started."""
    config = CONFIG_SCHEMA(config)
    channel = DiscordChannel(gateway, DOMAIN, DiscordRest(config["bot_token"], config["api_base"]), config)
    gateway.register_channel(channel)
    gateway.data[DOMAIN] = channel
    channel.connect_when_started(channel.run)


@hookimpl
async def roost_stop(gateway: Any) -> None:
    """Leave the Gateway (the session stays resumable) and close the REST session."""
    channel = gateway.data.get(DOMAIN)
    if channel is not None:
        await channel.disconnect()  # before the session it uses closes under it
        await channel.rest.close()


@hookimpl
async def roost_doctor(config: dict[str, Any], storage: Any) -> list[Finding]:
    """Does Discord answer GET /users/@me with this token?"""
    config = CONFIG_SCHEMA(config)
    rest = DiscordRest(config["bot_token"], config["api_base"])
    return [await probe_platform("discord", rest.request("GET", "/users/@me", route="GET /users/@me"),
                                 lambda me: f"the token works (bot {me.get('username')})", rest.close)]
