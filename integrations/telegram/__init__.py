"""The telegram integration: a bot (token from @BotFather) as a chat channel, by long polling or webhook."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from core.access_rules import ACCESS_SCHEMA
from core.channel import FORMAT_ANSWERS_SCHEMA, UNSUPPORTED_SCHEMA
from core.doctor import WARNING, Finding, probe_platform
from core.errors import PermanentError
from core.hookspecs import hookimpl
from core.validation import one_of
from integrations.http.server import Access
from integrations.telegram.api import DEFAULT_BASE_URL, BotApi
from integrations.telegram.channel import (
    PRIVACY_ON,
    TelegramChannel,
    new_secret,
    privacy_hides_groups,
)

DOMAIN = "telegram"
WEBHOOK_PATH = "/api/telegram/webhook"
SECRET_KEY = "webhook_secret"
PARSE_MODES = {"none": "none", "markdown": "markdown", "html": "HTML", "markdownv2": "MarkdownV2"}


def _webhook_needs_url(config: dict[str, Any]) -> dict[str, Any]:
    if config["mode"] == "webhook" and "webhook_url" not in config:
        raise vol.Invalid(f"mode webhook needs webhook_url: the https address Telegram calls, ending in {WEBHOOK_PATH}",
                          path=["webhook_url"])
    return config


CONFIG_SCHEMA = vol.All(vol.Schema({
    vol.Required("bot_token"): vol.All(str, vol.Match(r"^\d+:[A-Za-z0-9_-]+$", msg="expected a token like"
                                                       " 123456:ABC-def from @BotFather")),
    vol.Optional("mode", default="polling"): vol.In(("polling", "webhook")),
    vol.Optional("base_url", default=DEFAULT_BASE_URL): str,
    vol.Optional("webhook_url"): vol.Url(),
    vol.Optional("webhook_secret"): vol.Match(r"^[A-Za-z0-9_-]{1,256}$", msg="1-256 of A-Z a-z 0-9 _ -"),
    vol.Optional("allowed_updates", default=["message", "edited_message"]): [str],
    vol.Optional("parse_mode", default="none"): vol.All(
        str, lambda mode: PARSE_MODES.get(mode.lower(), mode), vol.In(tuple(PARSE_MODES.values()))),
    vol.Optional("group_mode", default="mention"): vol.In(("mention", "all")),
    vol.Optional("streaming", default="edits"): one_of("edits", "draft", "off"),
    vol.Optional("edit_interval", default=1.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("poll_timeout", default=30): vol.All(int, vol.Range(min=0, max=50)),
    vol.Optional("rate_limit", default=30.0): vol.All(vol.Coerce(float), vol.Range(min=0.1)),
    vol.Optional("per_chat_interval", default=1.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("per_group_interval", default=3.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    **ACCESS_SCHEMA,
    **UNSUPPORTED_SCHEMA,
    **FORMAT_ANSWERS_SCHEMA,
}), _webhook_needs_url)


@hookimpl
async def roost_setup(gateway: Any, config: dict[str, Any]) -> None:
    """Register the channel; it connects once Roost has started (polling, or the webhook on the http server)."""
    config = CONFIG_SCHEMA(config)
    if config["mode"] == "webhook":
        if "http" not in gateway.data:
            raise PermanentError("telegram: mode webhook needs the http integration (add `http:`)")
        storage = gateway.storage(DOMAIN)
        config["webhook_secret"] = config.get("webhook_secret") or await storage.get(SECRET_KEY) or new_secret()
        await storage.set(SECRET_KEY, config["webhook_secret"])
    api = BotApi(config["bot_token"], config["base_url"])
    channel = TelegramChannel(gateway, DOMAIN, api, config)
    gateway.register_channel(channel)
    gateway.data[DOMAIN] = channel
    if config["mode"] == "webhook":
        gateway.data["http"].server.add_route("POST", WEBHOOK_PATH, channel.webhook, access=Access(token=False))

    channel.connect_when_started(channel.run)


@hookimpl
async def roost_stop(gateway: Any) -> None:
    """Close the Bot API session."""
    channel = gateway.data.get(DOMAIN)
    if channel is not None:
        await channel.disconnect()  # before the session it uses closes under it
        await channel.api.close()


@hookimpl
async def roost_doctor(config: dict[str, Any], storage: Any) -> list[Finding]:
    """Does Telegram answer getMe with this token, and does the bot get the group messages group_mode asks for?"""
    config = CONFIG_SCHEMA(config)
    api = BotApi(config["bot_token"], config["base_url"])
    met: list[dict[str, Any]] = []

    def describe(bot: dict[str, Any]) -> str:
        met.append(bot)
        return f"the token works (bot @{bot.get('username')})"

    findings = [await probe_platform("telegram", api.call("getMe", timeout=10), describe, api.close)]
    if met and privacy_hides_groups(config, met[0]):
        findings.append(Finding(WARNING, f"telegram: {PRIVACY_ON}"))
    return findings
