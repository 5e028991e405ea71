"""The whatsapp integration: a WhatsApp Business number (Cloud API) as a chat channel, by signed webhooks."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from core.access_rules import ACCESS_SCHEMA
from core.channel import FORMAT_ANSWERS_SCHEMA, UNSUPPORTED_SCHEMA
from core.doctor import Finding, probe_platform
from core.errors import PermanentError
from core.hookspecs import hookimpl
from integrations.http.server import Access
from integrations.whatsapp.channel import WhatsAppChannel
from integrations.whatsapp.graph import DEFAULT_BASE_URL, GraphApi, TokenRefused

DOMAIN = "whatsapp"
WEBHOOK_PATH = "/api/whatsapp/webhook"
CONFIG_SCHEMA = vol.Schema({
    vol.Required("access_token"): vol.All(str, vol.Length(min=1)),
    vol.Required("app_secret"): vol.All(str, vol.Length(min=1)),
    vol.Required("phone_number_id"): vol.All(vol.Coerce(str), vol.Match(r"^\d+$", msg="digits, as Meta shows it")),
    vol.Required("verify_token"): vol.All(str, vol.Length(min=8, msg="at least 8 characters")),
    vol.Optional("api_version", default="v21.0"): vol.Match(r"^v\d+\.\d+$", msg="like v21.0"),
    vol.Optional("base_url", default=DEFAULT_BASE_URL): str,
    vol.Optional("mark_read", default=True): bool,
    vol.Optional("typing_indicator", default=True): bool,
    vol.Optional("window_hours", default=24.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("rate_limit", default=80.0): vol.All(vol.Coerce(float), vol.Range(min=0.1)),
    vol.Optional("pair_rate_wait", default=6.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    **ACCESS_SCHEMA,
    **UNSUPPORTED_SCHEMA,
    **FORMAT_ANSWERS_SCHEMA,
})


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any]) -> None:
    """Register the channel and its webhook on the http server."""
    config = CONFIG_SCHEMA(config)
    if "http" not in gateway.data:
        raise PermanentError("whatsapp needs the http integration (add `http:`): Meta calls its webhook")
    channel = WhatsAppChannel(gateway, DOMAIN, GraphApi(config), config)
    gateway.register_channel(channel)
    gateway.data[DOMAIN] = channel
    server = gateway.data["http"].server
    server.add_route("GET", WEBHOOK_PATH, channel.verify, access=Access(token=False))
    server.add_route("POST", WEBHOOK_PATH, channel.webhook, access=Access(token=False))


@hookimpl
async def roost_stop(gateway: Any) -> None:
    """Close the Graph API session."""
    channel = gateway.data.get(DOMAIN)
    if channel is not None:
        await channel.api.close()


@hookimpl
async def roost_doctor(config: dict[str, Any], storage: Any) -> list[Finding]:
    """Does the Graph API show the phone number with this token?"""
    config = CONFIG_SCHEMA(config)
    graph = GraphApi(config)
    return [await probe_platform("whatsapp", graph.probe(),
                                 lambda _: f"the token works (phone number {config['phone_number_id']})",
                                 graph.close, refused=(PermanentError, TokenRefused))]
