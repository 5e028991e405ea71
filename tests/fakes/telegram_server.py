"""A protocol-faithful fake of Telegram's Bot API on 127.0.0.1 for tests.

`/bot{token}/{method}` (GET or POST; query, form or JSON; method names case-insensitive), in the
Bot API's envelope and with exactly the descriptions of the real server (`telegram_wire`).
getUpdates with offset confirmation, a real long poll, 409 for a second poller or while a webhook
is set; setWebhook / deleteWebhook / getWebhookInfo and delivery to the webhook (one update per
POST, the secret header, per-chat order, retries with backoff until a 2xx); sendMessage,
editMessageText, deleteMessage, sendMessageDraft, sendChatAction, getMe. Text is counted as
Telegram counts it (code points of the text after markup is parsed).

Tests inject user messages (`user_says`), upgrade a group to a supergroup (`upgrade_group`), script
failures (`fail_next`), block users, drop connections, and read back everything the bot sent
(`sent`, `edits`, `actions`, `calls`).
"""
from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from tests.fakes.base import FakeServer
from tests.fakes.telegram_text import entities_of
from tests.fakes.telegram_wire import MAX_TEXT, Failure, checked_text, error, ok, params_of

LONG_POLL_MAX = 50


@dataclass
class Sent:
    """A message the bot sent (and its later edits)."""

    chat_id: int
    message_id: int
    text: str
    params: dict[str, Any]
    edits: list[str] = field(default_factory=list)
    at: float = field(default_factory=time.monotonic)


class FakeTelegram(FakeServer):
    """The fake server; `base_url` is what a client uses instead of https://api.telegram.org."""

    def __init__(self, token: str = "123456:TEST-token_abc", bot_id: int = 999, username: str = "roost_bot") -> None:
        super().__init__()
        self.token = token
        self.bot = {"id": bot_id, "is_bot": True, "first_name": "Roost", "username": username,
                    "can_read_all_group_messages": False}
        self.updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(100_001)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}  # group -> the supergroup it became
        self.sent: list[Sent] = []
        self.actions: list[tuple[int, str, float]] = []  # (chat id, action, time.monotonic())
        self.drafts: list[tuple[int, int, str]] = []  # (chat id, draft id, text)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[str, deque[Failure | None]] = {}  # None: answered as usual
        self.webhook: dict[str, Any] = {"url": ""}
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status or 0 for no answer)
        self.slow = 0.0
        """Seconds every call waits before it is answered (a slow network or a busy Telegram)."""
        self._arrived = asyncio.Event()
        self._poller: asyncio.Future[None] | None = None
        self._pusher: asyncio.Task[None] | None = None

    # -- test side --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT (the client appends /bot<token>/<method>)."""
        return f"http://127.0.0.1:{self.port}"

    def user_says(self, text: str, *, user_id: int = 111, chat_id: int | None = None, chat_type: str = "private",
                  username: str | None = "ana", first_name: str = "Ana", reply_to: int | None = None,
                  reply_to_bot: bool = False, thread_id: int | None = None, edit_of: int | None = None,
                  caption: bool = False, entities: list[dict[str, Any]] | None = None,
                  media: str | None = None) -> dict[str, Any]:
        """Queue an update as Telegram would make it (entities for @mentions and /commands computed); media ("voice",
        "sticker") sends that instead of text, with text as its caption if any."""
        chat_id = user_id if chat_id is None else chat_id
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat.update(first_name=first_name, **({"username": username} if username else {}))
        else:
            chat["title"] = f"Group {chat_id}"
        self.chats[chat_id] = chat
        sender = {"id": user_id, "is_bot": False, "first_name": first_name, **({"username": username} if username else {})}
        message_id = edit_of if edit_of is not None else self._next_message_id(chat_id)
        message: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "from": sender, "chat": chat}
        if media is not None:
            file = {"file_id": f"{media}-file", "file_unique_id": f"{media}-{message_id}"}
            message[media] = [file] if media == "photo" else file  # a photo comes as its sizes
            caption = True
        key, entity_key = ("caption", "caption_entities") if caption else ("text", "entities")
        if text or media is None:
            message[key] = text
        found = entities if entities is not None else entities_of(text)
        if found:
            message[entity_key] = found
        if thread_id is not None:
            message.update(message_thread_id=thread_id, is_topic_message=True)
        if reply_to is not None or reply_to_bot:
            replied_from = self.bot if reply_to_bot else sender
            message["reply_to_message"] = {"message_id": reply_to or 1, "date": int(time.time()), "chat": chat,
                                           "from": replied_from, "text": "earlier"}
        if edit_of is not None:
            message["edit_date"] = int(time.time())
        update = {"update_id": next(self._update_ids), "edited_message" if edit_of is not None else "message": message}
        self.updates.append(update)
        self._arrived.set()
        return update

    def upgrade_group(self, group: int, supergroup: int, *, user_id: int = 111) -> None:
        """A group becomes a supergroup, as when an admin turns on a setting that needs one: Telegram posts a service
        message in each (migrate_to_chat_id in the old, migrate_from_chat_id in the new), and refuses the old id."""
        self.migrated[group] = supergroup
        self.chats[supergroup] = {"id": supergroup, "type": "supergroup", "title": f"Group {group}"}
        sender = {"id": user_id, "is_bot": False, "first_name": "Ana"}
        for chat, key, other in ((group, "migrate_to_chat_id", supergroup), (supergroup, "migrate_from_chat_id", group)):
            message = {"message_id": self._next_message_id(chat), "date": int(time.time()), "from": sender,
                       "chat": self.chats[chat], key: other}
            self.updates.append({"update_id": next(self._update_ids), "message": message})
        self._arrived.set()

    def fail_next(self, method: str, *failures: Failure, after: int = 0) -> None:
        """Answer the next calls of method with these failures, in order (once `after` calls were answered as usual)."""
        self.failures.setdefault(method.lower(), deque()).extend([None] * after + list(failures))

    def texts(self, chat_id: int) -> list[str]:
        """The final text of each message sent to a chat, in order."""
        return [s.edits[-1] if s.edits else s.text for s in self.sent if s.chat_id == chat_id]

    def routes(self, app: web.Application) -> None:
        """The Bot API's one route."""
        app.router.add_route("*", "/bot{token}/{method}", self._handle)

    async def closing(self) -> None:
        """Stop delivering to the webhook."""
        if self._pusher is not None:
            self._pusher.cancel()
            self._pusher = None

    # -- the API ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return error(401, "Unauthorized")
        method = request.match_info["method"].lower()
        params = await params_of(request)
        if self.slow:
            await asyncio.sleep(self.slow)
        self.calls.append((method, params))
        queued = self.failures.get(method)
        if queued and (failure := queued.popleft()) is not None:
            if failure.drop:
                assert request.transport is not None
                request.transport.close()
                return web.Response()
            return error(failure.status, failure.description, failure.parameters)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return error(404, "Not Found: method not found")
        return await handler(params)

    async def _m_getme(self, _params: dict[str, Any]) -> web.Response:
        return ok(self.bot)

    async def _m_getupdates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook["url"]:
            return error(409, "Conflict: can't use getUpdates method while webhook is active;"
                               " use deleteWebhook to delete the webhook first")
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(None)  # the earlier poll ends with 409
        poller: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._poller = poller
        offset = int(params.get("offset") or 0)
        if offset > 0:
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()  # confirmed
        limit = min(100, max(1, int(params.get("limit") or 100)))
        timeout = min(LONG_POLL_MAX, max(0, int(params.get("timeout") or 0)))
        deadline = time.monotonic() + timeout
        while not self.updates and time.monotonic() < deadline:
            self._arrived.clear()
            waiter = asyncio.ensure_future(self._arrived.wait())
            try:
                done, _ = await asyncio.wait({waiter, poller}, timeout=deadline - time.monotonic(),
                                             return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()
            if poller in done:
                return error(409, "Conflict: terminated by other getUpdates request;"
                                   " make sure that only one bot instance is running")
        return ok(list(itertools.islice(self.updates, limit)))

    async def _m_setwebhook(self, params: dict[str, Any]) -> web.Response:
        url = params.get("url") or ""
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            return error(400, "Bad Request: secret token contains unallowed characters")
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(None)
        self.webhook = {"url": url, "secret_token": secret, "pending_update_count": len(self.updates)}
        if params.get("drop_pending_updates"):
            self.updates.clear()
        if url and self._pusher is None:
            self._pusher = asyncio.get_running_loop().create_task(self._push())
        return ok(True, "Webhook was set")

    async def _m_deletewebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self.updates.clear()
        if self._pusher is not None:
            self._pusher.cancel()
            self._pusher = None
        return ok(True, "Webhook was deleted")

    async def _m_getwebhookinfo(self, _params: dict[str, Any]) -> web.Response:
        return ok({"url": self.webhook["url"], "has_custom_certificate": False,
                    "pending_update_count": len(self.updates)})

    async def _m_sendchataction(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        refused = self._chat_refusal(chat_id)
        if refused is not None:
            return refused
        self.actions.append((chat_id, str(params.get("action")), time.monotonic()))
        return ok(True)

    async def _m_sendmessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params.get("chat_id", 0))
        refused = self._chat_refusal(chat_id)
        if refused is not None:
            return refused
        checked = checked_text(params)
        if isinstance(checked, web.Response):
            return checked
        reply = params.get("reply_parameters")
        if reply is not None and not any(s.chat_id == chat_id and s.message_id == reply.get("message_id")
                                         for s in self.sent) and int(reply.get("message_id", 0)) > 10_000:
            return error(400, "Bad Request: message to be replied not found")
        sent = Sent(chat_id, self._next_message_id(chat_id), checked, params)
        self.sent.append(sent)
        return ok(self._message(sent))

    async def _m_sendmessagedraft(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params.get("chat_id", 0))
        if chat_id < 0:
            return error(400, "Bad Request: drafts can be sent only to private chats")
        if not int(params.get("draft_id", 0)):
            return error(400, "Bad Request: draft_id must be non-zero")
        text = str(params.get("text") or "")
        if len(text) > MAX_TEXT:
            return error(400, "Bad Request: message is too long")
        self.drafts.append((chat_id, int(params["draft_id"]), text))
        return ok(True)

    async def _m_deletemessage(self, params: dict[str, Any]) -> web.Response:
        chat_id, message_id = int(params.get("chat_id", 0)), int(params.get("message_id", 0))
        target = next((s for s in self.sent if s.chat_id == chat_id and s.message_id == message_id), None)
        if target is None:
            return error(400, "Bad Request: message to delete not found")
        self.sent.remove(target)
        return ok(True)

    async def _m_editmessagetext(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params.get("chat_id", 0))
        target = next((s for s in self.sent if s.chat_id == chat_id and s.message_id == int(params.get("message_id", 0))),
                      None)
        if target is None:
            return error(400, "Bad Request: message to edit not found")
        checked = checked_text(params)
        if isinstance(checked, web.Response):
            return checked
        if checked == (target.edits[-1] if target.edits else target.text):
            return error(400, "Bad Request: message is not modified: specified new message content and reply"
                               " markup are exactly the same as a current content and reply markup of the message")
        target.edits.append(checked)
        return ok(self._message(target))

    # -- webhook delivery -------------------------------------------------------------------

    async def _push(self) -> None:
        """Deliver queued updates to the webhook one at a time (per-chat order), retrying until a 2xx."""
        delay = 0.0
        async with aiohttp.ClientSession() as session:
            while True:
                if not self.updates:
                    self._arrived.clear()
                    await self._arrived.wait()
                    continue
                update = self.updates[0]
                headers = {"Content-Type": "application/json"}
                if self.webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
                try:
                    async with session.post(self.webhook["url"], data=orjson.dumps(update), headers=headers,
                                            timeout=aiohttp.ClientTimeout(total=10)) as response:
                        status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0
                self.webhook_deliveries.append((update["update_id"], status))
                if 200 <= status < 300:
                    if self.updates and self.updates[0] is update:
                        self.updates.popleft()
                    delay = 0.0
                    continue
                await asyncio.sleep(delay)
                delay = min(2.0, delay * 2 or 0.05)  # Telegram: at once, then 2, 4, 8 s...; faster here

    # -- helpers ----------------------------------------------------------------------------

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _chat_refusal(self, chat_id: int) -> web.Response | None:
        if chat_id in self.migrated:
            return error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                          {"migrate_to_chat_id": self.migrated[chat_id]})
        if chat_id in self.blocked:
            return error(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self.chats:
            return error(400, "Bad Request: chat not found")
        return None

    def _message(self, sent: Sent) -> dict[str, Any]:
        message = {"message_id": sent.message_id, "date": int(time.time()), "from": self.bot,
                   "chat": self.chats[sent.chat_id], "text": sent.edits[-1] if sent.edits else sent.text}
        if sent.params.get("message_thread_id") is not None:
            message["message_thread_id"] = int(sent.params["message_thread_id"])
        return message
