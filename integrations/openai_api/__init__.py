"""The openai_api integration: OpenAI's /v1/chat/completions and /v1/models in front of Roost's automations.

A request names a model: a model backend by name is answered by the built-in automation
``openai_api`` (the request's own conversation through ``generate``, sanitized on the way in
and restored on the way out); ``roost`` is answered only by the automations written for
platform ``openai``.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from aiohttp import web

from core.hookspecs import hookimpl
from integrations.http.server import Access
from integrations.openai_api.channel import PLATFORM, OpenAIChannel
from integrations.openai_api.protocol import ROUTE_MODEL, ApiError, openai_error
from integrations.openai_api.views import OpenAIViews

DOMAIN = "openai_api"
CONFIG_SCHEMA = vol.Schema(vol.Any(None, {
    vol.Optional("max_pending", default=16): vol.All(int, vol.Range(min=1)),
    vol.Optional("retry_after", default=2.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("response_timeout", default=600.0): vol.All(vol.Coerce(float), vol.Range(min=0.1)),
}))
ACCESS = Access(errors=openai_error)


def answer_automation(max_pending: int) -> dict[str, Any]:
    """The built-in automation: a request that names a model is answered by that model."""
    return {
        "id": DOMAIN,
        "alias": "Answer OpenAI API requests with the model they name",
        "mode": "parallel",
        "max": max_pending,
        "triggers": [{"trigger": "message", "platform": PLATFORM}],
        "conditions": [{"condition": "template", "value_template": f"{{{{ trigger.raw.model != '{ROUTE_MODEL}' }}}}"}],
        "actions": [{"generate": {"model": "{{ trigger.raw.model }}", "messages": "{{ trigger.raw.messages }}",
                                  "options": "{{ trigger.raw.options }}"}}],
    }


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any] | None) -> None:
    """Register the channel, the built-in automation and the routes."""
    config = CONFIG_SCHEMA(config or {}) or CONFIG_SCHEMA({})
    channel = OpenAIChannel(gateway, DOMAIN)
    gateway.register_channel(channel)
    gateway.register_automation(answer_automation(config["max_pending"]), source=DOMAIN)
    views = OpenAIViews(gateway, channel, config)
    server = gateway.data["http"].server
    routes = (("POST", "/v1/chat/completions", views.completions), ("GET", "/v1/models", views.models),
              ("GET", "/v1/models/{model}", views.model))
    for method, path, view in routes:
        server.add_route(method, path, view, access=ACCESS)
    served = ", ".join(f"{method} {path}" for method, path, _ in routes)

    async def unknown_url(request: web.Request) -> web.Response:
        """Any other /v1 address (embeddings, completions, a wrong method): OpenAI's 404, saying what is served."""
        return ApiError(404, f"Invalid URL ({request.method} {request.path}): Roost serves {served}",
                        code="unknown_url").response()

    server.add_route("*", "/v1/{path:.*}", unknown_url, access=ACCESS)
