"""The WhatsApp channel: signed webhooks in (stored before the 200), replies out within the 24-hour window.

Messages are ingested under Meta's message id (``wamid``), so a notification Meta delivers again
is recognised by the inbox and answered once. A reply Meta accepted is recorded with its wamid;
a ``failed`` status arriving later moves it to the dead letters with Meta's code and title.

A customer met by Meta's pair rate limit is left alone (``turn_in``) while the replies to the others
go. Meta does not say for how long (after a burst, minutes: the burst is borrowed from the rate of
one message in 6 s), so Roost guesses ``pair_rate_wait`` and doubles it while refused in a row (up
to PAIR_WAIT_LONGEST); a refusal whose wait was a guess is no failed attempt, and nothing is given up.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any

import orjson
from aiohttp import web

from core.access_rules import AccessRules
from core.channel import NETWORK_SENDS, ChannelBase, ChannelInfo, OutboundMessage, formatted
from core.errors import NotItsTurn, PermanentError, TransientError
from core.logs import FirstTime
from core.markup import whatsapp_text
from core.message import Message
from core.textsplit import split
from integrations.whatsapp.graph import GraphApi, PairRateLimited

_LOGGER = logging.getLogger(__name__)
NOT_SAID = ("reaction", "system", "request_welcome")
"""Kinds of message that say nothing to answer: an emoji on a message, WhatsApp's notice (a customer's new number),
a customer opening the chat for the first time."""
TEXT_FIELD = {"text": "body", "button": "text", "interactive": "title"}
"""Where the text is in a message of each kind that has some (an interactive reply's is in its button or list choice)."""
PLATFORM = "whatsapp"
LIMIT = 4096
SIGNATURE_HEADER = "X-Hub-Signature-256"
WINDOW_KEY = "window:"
PAIR_WAIT_LONGEST = 300.0
"""The longest a customer refused by the pair rate limit is left alone before the next try (seconds)."""


class WhatsAppChannel(ChannelBase):
    """One WhatsApp Business phone number."""

    typing_every = 20.0
    """Seconds between two "typing…" while an answer is written (WhatsApp shows it for 25 s)."""

    def __init__(self, gateway: Any, domain: str, api: GraphApi, config: dict[str, Any]) -> None:
        super().__init__(gateway, domain)
        self.api = api
        self.config = config
        self.access = AccessRules.from_config(config)
        self.unsupported_reply = config["unsupported_reply"]
        self.info = ChannelInfo(PLATFORM, max_text=LIMIT, rate_limit=config["rate_limit"], threads=True,
                                concurrent_sends=NETWORK_SENDS)
        self._secret = config["app_secret"].encode()
        self._first_refused = FirstTime()  # a stranger's (or a misconfigured secret's) requests: logged once an address
        self._refused: dict[str, tuple[int, float]] = {}
        """Customer met by the pair rate limit -> refusals in a row, and until when (monotonic) they are left alone."""

    # -- in ----------------------------------------------------------------------------------

    async def verify(self, request: web.Request) -> web.StreamResponse:
        """GET: Meta's handshake; the challenge back only for the configured verify token."""
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(token.encode(),
                                                                       self.config["verify_token"].encode()):
            _LOGGER.info("Meta verified the WhatsApp webhook (%s); once the app is subscribed to `messages` in Meta's"
                         " dashboard, customers' messages come here", request.path)
            return web.Response(text=query.get("hub.challenge", ""), content_type="text/plain")
        if self._first_refused(f"verify {request.remote}"):
            _LOGGER.warning("A WhatsApp webhook verification from %s with the wrong verify token (further ones from"
                            " it are not logged)", request.remote)
        return web.Response(status=403, text="verification failed")

    async def webhook(self, request: web.Request) -> web.StreamResponse:
        """POST: a signed notification; 200 once every message in it is stored."""
        raw = await request.read()
        expected = "sha256=" + hmac.new(self._secret, raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get(SIGNATURE_HEADER, "").encode(), expected.encode()):
            if self._first_refused(f"sign {request.remote}"):
                _LOGGER.warning("A WhatsApp notification from %s without a valid signature was refused (further ones"
                                " from it are not logged; is app_secret the app's?)", request.remote)
            return web.json_response({"ok": False, "error": "invalid X-Hub-Signature-256"}, status=401)
        try:
            payload = _json(raw)
        except ValueError as err:
            return web.json_response({"ok": False, "error": str(err)}, status=400)
        for value in _values(payload):
            await self._take(value)
        return web.json_response({"ok": True})

    async def _take(self, value: dict[str, Any]) -> None:
        names = {c.get("wa_id"): (c.get("profile") or {}).get("name") for c in value.get("contacts") or ()
                 if isinstance(c, dict)}
        for item in value.get("messages") or ():
            if isinstance(item, dict) and item.get("from") and item.get("id"):
                await self.skip_on_fault(self._message(item, names.get(item["from"])), f"message ({item['id']})")
        for status in value.get("statuses") or ():
            if isinstance(status, dict) and status.get("status") == "failed":
                await self.skip_on_fault(self._failed(status), f"delivery failure ({status.get('id')})")

    async def _message(self, item: dict[str, Any], name: str | None) -> None:
        wa_id = str(item["from"])
        await self.gateway.storage(self.domain).set(WINDOW_KEY + wa_id, time.time())
        if item.get("type") in NOT_SAID:
            return
        text = _text_of(item)
        context = item.get("context") or {}
        message = Message.create(PLATFORM, wa_id, wa_id, text or "", id=str(item["id"]),
                                 time=float(item.get("timestamp") or time.time()), reply_to=context.get("id"),
                                 mentions_bot=True, raw={"message": item, "profile_name": name},
                                 unreadable=None if text else str(item.get("type") or "message"))
        if await self.ingest(message) and self.config["mark_read"]:
            self.gateway.create_background_task(self._read(message.id), "whatsapp mark read", keep=False)

    async def _read(self, wamid: str) -> None:
        try:
            await self.api.mark_read(wamid, typing=False)  # "typing…" only once an answer is written (show_typing)
        except (TransientError, PermanentError) as err:
            _LOGGER.debug("could not mark %s read: %s", wamid, err)

    async def _failed(self, status: dict[str, Any]) -> None:
        errors = status.get("errors") or [{}]
        reason = "; ".join(f"(#{e.get('code')}) {e.get('title') or e.get('message') or 'failed'}" for e in errors
                           if isinstance(e, dict))
        if not await self.gateway.delivery_failed(PLATFORM, str(status.get("id")), f"WhatsApp reported it failed: {reason}"):
            _LOGGER.info("WhatsApp reported %s failed (%s); it is no reply Roost knows", status.get("id"), reason)

    # -- out ---------------------------------------------------------------------------------

    async def send(self, message: OutboundMessage) -> str:
        """Send a reply (split at 4,096 characters, each part once) inside the 24-hour window; the wamid of its last."""
        last_inbound = await self.gateway.storage(self.domain).get(WINDOW_KEY + message.chat_id)
        hours = self.config["window_hours"]
        if last_inbound is None or time.time() - last_inbound > hours * 3600:
            raise PermanentError(f"outside WhatsApp's {hours:g}-hour window: the customer has not written in"
                                 f" {hours:g} hours, and a reply now would need a template message")
        shown_formatted = formatted(message, self.config)
        parts = split(message.text, "markdown" if shown_formatted else "none", LIMIT)
        return await self.send_parts(message, parts, lambda index, part: self._send_part(
            message.chat_id, (whatsapp_text(part, LIMIT) or part) if shown_formatted else part,
            message.reply_to if index == 0 else None))

    async def _send_part(self, wa_id: str, text: str, reply_to: str | None) -> str:
        try:
            sent = await self.reach(self.api.send_text(wa_id, text, reply_to), self.api.probe)
        except PairRateLimited as err:
            now = time.monotonic()
            refused = self._refusals(wa_id, now) + 1
            wait = min(PAIR_WAIT_LONGEST, (err.retry_after or 0.0) * 2 ** (refused - 1))
            self._refused[wa_id] = (refused, now + wait)
            _LOGGER.log(logging.INFO if refused == 1 else logging.DEBUG, "WhatsApp's pair rate limit: %s is left"
                        " alone for %.0f s (refused %d in a row); the replies to the others go", wa_id, wait, refused)
            raise NotItsTurn(wait) from None
        self._refused.pop(wa_id, None)
        return sent

    def _refusals(self, wa_id: str, now: float) -> int:
        """A customer's refusals in a row. Those of customers whose turn came longer ago than the longest wait,
        and who were not sent to since, are over and forgotten (their reply failed for another reason, say)."""
        for customer, (_count, until) in list(self._refused.items()):
            if until + PAIR_WAIT_LONGEST < now:
                del self._refused[customer]
        return self._refused.get(wa_id, (0, 0.0))[0]

    async def show_typing(self, chat_id: str, reply_to: str | None) -> None:
        """"typing…" for 25 s or until the reply arrives (with the blue ticks of the message answered, as WhatsApp
        shows it only with them; not when mark_read or typing_indicator is off)."""
        if reply_to and self.config["mark_read"] and self.config["typing_indicator"]:
            await self.api.mark_read(reply_to, typing=True)

    def turn_in(self, chat_id: str) -> float:
        """Seconds until a customer met by Meta's pair rate limit may be sent to again (0.0: now)."""
        refused = self._refused.get(chat_id)
        return 0.0 if refused is None else max(0.0, refused[1] - time.monotonic())


def _json(raw: bytes) -> dict[str, Any]:
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise ValueError(f"the body is not JSON: {err}") from None
    if not isinstance(payload, dict):
        raise ValueError("a notification is a JSON object")
    return payload


def _values(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The change values of a notification (several entries and changes may come in one)."""
    return [change["value"] for entry in payload.get("entry") or () if isinstance(entry, dict)
            for change in entry.get("changes") or () if isinstance(change, dict) and isinstance(change.get("value"), dict)]


def _text_of(item: dict[str, Any]) -> str | None:
    """The text a customer sent: a text's body, or the title of a button they tapped (a template's quick reply, an
    interactive reply or list choice); None for what has no text."""
    kind = item.get("type")
    if kind not in TEXT_FIELD:
        return None
    body = item.get(kind)
    if kind == "interactive" and isinstance(body, dict):
        body = body.get("button_reply") or body.get("list_reply")
    text = body.get(TEXT_FIELD[kind]) if isinstance(body, dict) else None
    return text if isinstance(text, str) else None
