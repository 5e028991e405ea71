"""The webhook trigger: POST /api/webhook/{webhook_id} starts the automations that name that id.

As Home Assistant's: ``trigger: webhook, webhook_id: ..., allowed_methods: [POST, PUT],
local_only: true``. The request is a message of platform ``webhook`` (chat: the webhook id,
sender: the caller's address), stored with the runs it starts before the 200 goes back; the
trigger's variables add ``json`` (a JSON body), ``data`` (a form), ``query`` and ``method``.
The id is the secret: pick a long random one for a webhook reachable from other machines.
"""

from __future__ import annotations

import codecs
import ipaddress
import logging
from collections.abc import Callable, Iterator
from typing import Any, Protocol
from urllib.parse import urlencode

import orjson
import voluptuous as vol
from aiohttp import web

from core.automation.matcher import MessageTrigger
from core.errors import PermanentError, StoreUnavailable
from core.logs import FirstTime
from core.message import Message
from integrations.http.server import json_error

_LOGGER = logging.getLogger(__name__)
PLATFORM = "webhook"
METHODS = ("POST", "PUT", "GET", "HEAD")
SCHEMA = vol.Schema({
    vol.Required("trigger"): "webhook", vol.Optional("id"): vol.Coerce(str), vol.Optional("alias"): str,
    vol.Required("webhook_id"): vol.All(str, vol.Match(r"^[A-Za-z0-9_.-]{1,256}$", msg="letters, digits, _ . - only")),
    vol.Optional("allowed_methods", default=["POST", "PUT"]): vol.All(
        [vol.All(str, vol.Upper, vol.In(METHODS))], vol.Length(min=1)),
    vol.Optional("local_only", default=True): bool,
})


class WebhookTrigger(MessageTrigger):
    """A message trigger for one webhook id, whose variables carry the request's body and query."""

    __slots__ = ()

    def check(self, message: Message) -> dict[str, Any] | None:
        """The webhook's variables when the message came to this webhook."""
        variables = MessageTrigger.check(self, message)
        if variables is None:
            return None
        raw = message.raw if isinstance(message.raw, dict) else {}
        variables.update(trigger="webhook", webhook_id=message.chat_id, json=raw.get("json"),
                         data=raw.get("data"), query=raw.get("query", {}), method=raw.get("method"))
        return variables


class Webhooks:
    """The webhook ids automations listen to, and the view that turns requests into messages."""

    def __init__(self, gateway: Any) -> None:
        self.gateway = gateway
        self._hooks: dict[str, dict[str, Any]] = {}
        self._first_unknown = FirstTime()  # a scanner's guesses are logged once each, not once a request

    def attach(self, config: dict[str, Any], automation: Any, engine: Any) -> Callable[[], None]:
        """Listen for an automation's webhook (a TriggerType's attach)."""
        webhook_id = config["webhook_id"]
        trigger = WebhookTrigger(automation=automation, index=config["_index"], platforms=frozenset({PLATFORM}),
                                 chats=frozenset({webhook_id}), max_text=engine.compiler.regex_max_text)
        engine.message_index.add(trigger)
        self._hooks[webhook_id] = config

        def detach() -> None:
            engine.message_index.remove(trigger)
            self._hooks.pop(webhook_id, None)

        return detach

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Store the request as a message of the webhook; 200 once it is durable."""
        webhook_id = request.match_info["webhook_id"]
        config = self._hooks.get(webhook_id)
        if config is None and self.gateway.state == "stopping":  # its automation is detached, not gone
            raise StoreUnavailable("Roost is stopping")
        if config is None:
            if self._first_unknown(webhook_id):
                _LOGGER.warning("A request for webhook %r, which no automation listens to (from %s; further ones"
                                " for it are not logged)", webhook_id, request.remote)
            return json_error(404, f"no automation listens to webhook {webhook_id}")
        if request.method not in config["allowed_methods"]:
            return json_error(405, f"webhook {webhook_id} accepts {', '.join(config['allowed_methods'])}")
        address = request.remote or "?"
        if config["local_only"] and not _local(address):
            return json_error(403, "this webhook only accepts requests from the local network")
        try:
            body, payload = await _read(request)
        except ValueError as err:
            return json_error(400, str(err))
        message = Message(PLATFORM, webhook_id, address, body, raw=payload)
        try:
            stored = await self.gateway.ingest(message)
        except PermanentError as err:
            return json_error(400, str(err))
        return web.json_response({"ok": True, "stored": stored})


async def _read(request: web.Request) -> tuple[str, dict[str, Any]]:
    """The message's text and the trigger's variables of a request; ValueError says what is wrong with its body.

    The text is the body in its declared charset (UTF-8 when none is), a multipart form's the text of its fields.
    """
    payload: dict[str, Any] = {"method": request.method, "query": _fields(request.query), "json": None, "data": None}
    if request.content_type == "multipart/form-data":  # read as a form, or its stream is gone
        form = await _form(request)
        payload["data"] = _fields(form)
        return urlencode([(name, value) for name, value in form.items() if isinstance(value, str)]), payload
    raw = await request.read()
    try:
        utf8 = codecs.lookup(request.charset or "utf-8").name == "utf-8"
    except LookupError:
        raise ValueError(f"the body's charset {request.charset!r} is unknown") from None
    body = raw.decode(request.charset or "utf-8", "replace")
    if request.content_type == "application/json" and raw:
        try:  # a byte order mark may be ignored (RFC 8259, 8.1): some Windows tools send one
            payload["json"] = orjson.loads(raw.removeprefix(codecs.BOM_UTF8) if utf8 else body)
        except orjson.JSONDecodeError as err:
            raise ValueError(f"the body is not valid JSON: {err}") from None
    elif request.content_type == "application/x-www-form-urlencoded":
        payload["data"] = _fields(await _form(request))
    return body, payload


async def _form(request: web.Request) -> Any:
    """The request's form; ValueError says why it is none (bytes that are not its charset, a broken multipart)."""
    try:
        return await request.post()
    except ValueError as err:
        raise ValueError(f"the body is not a valid form: {err}") from None


class _Named(Protocol):
    """A query or a form as aiohttp reads it: names, each with one value or more."""

    def __iter__(self) -> Iterator[str]: ...

    def getall(self, key: str) -> list[Any]: ...


def _fields(values: _Named) -> dict[str, str | list[str]]:
    """A query or form as the automation sees it: a name given once has its text, one given more often the list
    of its texts in order ("tag=a&tag=b"); a form's files are left out."""
    fields: dict[str, str | list[str]] = {}
    for name in values:
        if name not in fields:
            texts = [value for value in values.getall(name) if isinstance(value, str)]
            if texts:
                fields[name] = texts[0] if len(texts) == 1 else texts
    return fields


def _local(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local
