"""The Telegram channel: updates in (long polling or webhook), replies out (split, markup fallback, edits).

An update is confirmed to Telegram only after Roost stored it: polling saves the next offset
through the channel base after the batch was ingested (a crash redelivers, and the inbox drops
what it has), the webhook answers 200 only after ingest returned. When Roost cannot store them (its
disk is full, it is stopping), polling leaves them with Telegram and tries again later.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from functools import partial
from typing import Any

from aiohttp import web

from core.access_rules import AccessRules
from core.channel import NETWORK_SENDS, ChannelBase, ChannelInfo, OutboundMessage, formatted
from core.edited_stream import show_as_written, write_into_shown
from core.errors import PermanentError, StoreUnavailable, TransientError
from core.logs import FirstTime
from core.markup import telegram_html
from core.outage import OutageLog
from core.pacing import Pacer
from core.textsplit import LIMIT, split
from integrations.telegram.api import BotApi, Conflict, TelegramError
from integrations.telegram.updates import (
    PLATFORM,
    message_id_of,
    message_of,
    migration_of,
    split_chat,
)

_LOGGER = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
STREAMED_LIMIT = LIMIT - 96
"""The characters of a message an answer is shown in as it is written (room left for a last edit)."""
CONFLICT_HELP = ("Telegram answered 409 Conflict: {reason}. Another program polls with this bot token, or a webhook"
                 " is set. Stop the other program (only one may poll), or set `mode: webhook`; polling again in"
                 " {wait:.0f} s")
PRIVACY_ON = ("group_mode is all, but the bot's privacy mode is on: in groups where it is no admin, Telegram sends it"
              " only commands, mentions and replies to it. To have every message, tell @BotFather /setprivacy,"
              " Disable, then remove the bot from each group and add it again")


def privacy_hides_groups(config: dict[str, Any], bot: dict[str, Any]) -> bool:
    """True when the config takes every group message but the bot (getMe) gets only those meant for it."""
    return config["group_mode"] == "all" and config["group_policy"] != "disabled" \
        and not bot.get("can_read_all_group_messages")


class TelegramChannel(ChannelBase):
    """One bot: its updates become messages of platform ``telegram``; replies go back by the Bot API."""

    typing_every = 4.5
    """Seconds between two "typing…" while an answer is written (Telegram shows it for 5 s)."""

    def __init__(self, gateway: Any, domain: str, api: BotApi, config: dict[str, Any]) -> None:
        super().__init__(gateway, domain, online=False)
        self.api = api
        self.config = config
        self.access = AccessRules.from_config(config)
        self.unsupported_reply = config["unsupported_reply"]
        self.info = ChannelInfo(PLATFORM, streaming="none" if config["streaming"] == "off" else "edits",
                                max_text=LIMIT, rate_limit=config["rate_limit"], threads=True,
                                concurrent_sends=NETWORK_SENDS)
        self.bot: dict[str, Any] = {}
        self._chats = Pacer()  # Telegram's flood limits per chat (see _pace)
        self.outage = OutageLog(_LOGGER, "Telegram")
        self.unstored = OutageLog(_LOGGER, "Roost's store")
        self._first_refused = FirstTime()
        self._moves_told = FirstTime()  # groups that became supergroups (a service message comes in each)

    # -- in ----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Meet the bot (getMe, until Telegram answers), then poll, or set the webhook."""
        attempt = 0
        while True:
            try:
                self.bot = await self.api.call("getMe")  # its id and username decide what mentions it
                break
            except TransientError as err:
                wait = self.reconnect_delay(attempt)
                attempt += 1
                self.outage.failed("Telegram bot not started yet", err, wait)
                await self._sleep(wait)
            except PermanentError as err:
                _LOGGER.error("The telegram channel stops: %s", err)
                return
        self.outage.reached()
        self.set_online(True)
        mode = self.config["mode"]
        _LOGGER.info("Telegram bot @%s connected (%s)", self.bot.get("username"), mode)
        if privacy_hides_groups(self.config, self.bot):
            _LOGGER.warning(PRIVACY_ON)
        try:
            if mode == "polling":
                await self.poll()
            else:
                await self.api.call("setWebhook", {
                    "url": self.config["webhook_url"], "secret_token": self.config["webhook_secret"],
                    "allowed_updates": self.config["allowed_updates"]})
        except PermanentError as err:
            self.set_online(False)
            _LOGGER.error("The telegram channel stops: %s", err)

    async def poll(self) -> None:
        """Long-poll getUpdates for ever; the offset moves on only after the updates were stored."""
        await self.api.call("deleteWebhook")  # polling and a webhook exclude each other; pending updates stay
        cursor = await self.load_cursor({}) or {}
        offset = cursor.get("offset") if cursor.get("bot_id") == self.bot["id"] else None  # a new token starts anew
        failures = unstored = 0
        while True:
            try:
                updates = await self.api.call("getUpdates", {
                    "offset": offset, "timeout": self.config["poll_timeout"],
                    "allowed_updates": self.config["allowed_updates"]}, timeout=self.config["poll_timeout"] + 15)
            except Conflict as err:
                failures += 1
                wait = min(60.0, 5.0 * failures)
                _LOGGER.error(CONFLICT_HELP.format(reason=err, wait=wait))
                await self._sleep(wait)
                continue
            except TransientError as err:
                failures += 1
                self.set_online(False)
                wait = self.reconnect_delay(failures)
                self.outage.failed("Telegram getUpdates failed", err, wait)
                await self._sleep(wait)
                continue
            failures = 0
            self.outage.reached()
            self.set_online(True)
            if not updates:
                continue
            try:
                for update in updates:
                    await self.take(update)
                await self.save_cursor({"bot_id": self.bot["id"], "offset": updates[-1]["update_id"] + 1})
            except StoreUnavailable as err:  # not confirmed: Telegram keeps them, and sends them again
                unstored += 1
                wait = self.reconnect_delay(unstored)
                self.unstored.failed("Roost cannot store Telegram's updates (Telegram keeps them)", err, wait)
                await self._sleep(wait)
                continue
            unstored = 0
            self.unstored.reached()
            offset = updates[-1]["update_id"] + 1

    async def take(self, update: dict[str, Any]) -> None:
        """Ingest one update (what Roost does not take, or cannot, is acknowledged all the same)."""
        await self.skip_on_fault(self._ingest_update(update), f"update ({update.get('update_id')})")

    async def _ingest_update(self, update: dict[str, Any]) -> None:
        message = message_of(update, self.bot, self.config["group_mode"])
        if message is not None:
            await self.ingest(message)
        elif (moved := migration_of(update)) is not None and self._moves_told(str(moved)):
            self._group_moved(*moved)

    def _group_moved(self, group: int, supergroup: int) -> None:
        """Say that a group became a supergroup (a new chat id), and what to change when the allowlist named it."""
        rules = self.access
        if rules is not None and rules.group_policy == "allowlist" and str(group) in rules.groups \
                and str(supergroup) not in rules.groups:
            _LOGGER.warning("Telegram group %s became supergroup %s, a chat id of its own: Roost listens there once"
                            " %s is in telegram: groups in configuration.yaml (it lists %s)", group, supergroup,
                            supergroup, group)
        else:
            _LOGGER.info("Telegram group %s became supergroup %s; replies to it go there", group, supergroup)

    async def webhook(self, request: web.Request) -> web.StreamResponse:
        """POST /api/telegram/webhook: the secret header checked in constant time, 200 once stored."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.config["webhook_secret"].encode()):
            if self._first_refused(request.remote or "?"):
                _LOGGER.warning("A Telegram webhook call from %s without the right secret token (further ones from"
                                " it are not logged)", request.remote)
            return web.json_response({"ok": False, "error": "wrong secret token"}, status=401)
        try:
            update = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "the body is not JSON"}, status=400)
        if not isinstance(update, dict):
            return web.json_response({"ok": False, "error": "an update is a JSON object"}, status=400)
        await self.take(update)
        return web.json_response({"ok": True})

    # -- out ---------------------------------------------------------------------------------

    async def send(self, message: OutboundMessage) -> str:
        """Send a reply, split at Telegram's limit (each part once: ChannelBase.send_parts), or write it into the
        messages an earlier try showed it in as it was written (core.edited_stream); the id of its last part."""
        chat, _thread = split_chat(message.chat_id)
        shown = await write_into_shown(self.gateway.storage(self.domain), message.idempotency_key, message.text,
                                       partial(self._show, message), partial(self._delete, chat),
                                       limit=STREAMED_LIMIT, parse_mode=self._markup(message))
        return f"{chat}:{shown}" if shown is not None else await self._send_text(message)

    async def _send_text(self, message: OutboundMessage, *, wait_turns: bool = False) -> str:
        return await self.send_parts(message, split(message.text, self._markup(message)), lambda index, part:
                                     self._send_part(message, part, message.reply_to if index == 0 else None),
                                     wait_turns=wait_turns)

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        """Show an answer as it is written: one message edited at most every edit_interval, the last edit whole
        (core.edited_stream; with ``streaming: draft``, in a direct chat: a draft, then the whole answer as a message)."""
        chat, _thread = split_chat(message.chat_id)
        if self.config["streaming"] == "draft" and chat > 0:
            return await self._draft(message, chunks)
        message_id = await show_as_written(
            self.gateway.storage(self.domain), message.idempotency_key, chunks, partial(self._show, message),
            limit=STREAMED_LIMIT, parse_mode=self._markup(message), interval=self.config["edit_interval"],
            delete=partial(self._delete, chat))
        return f"{chat}:{message_id}" if message_id else ""

    async def _draft(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        """sendMessageDraft while the answer is written (a preview only the user sees), then send it."""
        chat, thread = split_chat(message.chat_id)
        draft_id = secrets.randbelow(2**31 - 1) + 1
        text, shown_at = "", 0.0
        async for chunk in chunks:
            text += chunk
            if text.strip() and time.monotonic() - shown_at >= self.config["edit_interval"]:
                shown_at = time.monotonic()
                try:
                    await self.api.call("sendMessageDraft", {"chat_id": chat, "draft_id": draft_id,
                                                             "message_thread_id": thread,
                                                             **self._marked(text[-LIMIT:], message)})
                except TelegramError as err:
                    _LOGGER.debug("draft not shown: %s", err)
        return await self._send_text(replace(message, text=text),
                                     wait_turns=True)  # in a stream: no queue to hand the rest back to

    async def _show(self, message: OutboundMessage, text: str, message_id: int | None, shown: str, _part: int) -> int:
        """Send text as a new message, or edit message_id to it (no edit when nothing changed)."""
        if message_id is None:
            sent = await self._send_part(message, text, message.reply_to)
            return int(sent.split(":")[1])
        if text != shown:
            chat, _thread = split_chat(message.chat_id)
            params = {"chat_id": chat, "message_id": message_id, **self._marked(text, message)}
            try:
                await self._with_markup_fallback("editMessageText", params, text)
            except TelegramError as err:
                if not err.not_modified:
                    raise
        return message_id

    async def _delete(self, chat: int, message_id: int) -> None:
        await self.api.call("deleteMessage", {"chat_id": chat, "message_id": message_id})

    async def _send_part(self, message: OutboundMessage, text: str, reply_to: str | None) -> str:
        """Send one part of message's text (answering reply_to: the first part's)."""
        chat = message.chat_id
        chat_id, thread = split_chat(chat)
        await self._pace(chat)
        params: dict[str, Any] = {"chat_id": chat_id, "message_thread_id": thread, **self._marked(text, message)}
        replied = message_id_of(reply_to)
        if replied is not None:
            params["reply_parameters"] = {"message_id": replied, "allow_sending_without_reply": True}
        try:
            sent = await self.reach(self._with_markup_fallback("sendMessage", params, text), self._probe_api)
        except TelegramError as err:
            if err.migrate_to is None:
                raise
            _LOGGER.warning("Telegram group %s became supergroup %s; sending there", chat_id, err.migrate_to)
            params["chat_id"] = err.migrate_to
            sent = await self.reach(self._with_markup_fallback("sendMessage", params, text), self._probe_api)
        except TransientError as err:
            if err.retry_after is not None:  # a 429: the chat's next turn is when Telegram said
                self._chats.hold(chat, time.monotonic() + err.retry_after)
            raise
        self._chats.went(chat, self._interval(chat))
        return f"{sent['chat']['id']}:{sent['message_id']}"

    def _markup(self, message: OutboundMessage) -> str:
        """The markup message is in: a model's answer is Markdown (as written with format_answers off), an
        automation's reply is in parse_mode."""
        if formatted(message, self.config):
            return "markdown"
        return "none" if message.markdown else self.config["parse_mode"]

    def _marked(self, text: str, message: OutboundMessage) -> dict[str, Any]:
        """The text and parse_mode a part of message is sent with: Markdown rendered as Telegram's HTML (as written
        when that would not fit), other markup as written."""
        mode = self._markup(message)
        if mode == "markdown":
            shown = telegram_html(text, LIMIT)
            return {"text": text} if shown is None else {"text": shown, "parse_mode": "HTML"}
        return {"text": text} if mode == "none" else {"text": text, "parse_mode": mode}

    async def _with_markup_fallback(self, method: str, params: dict[str, Any], text: str) -> Any:
        """Call method; when Telegram cannot parse the markup, again with the part's text as plain text."""
        try:
            return await self.api.call(method, params)
        except TelegramError as err:
            if not (err.cannot_parse and "parse_mode" in params):
                raise
            _LOGGER.warning("Telegram refused a reply's markup (%s); sending it as plain text", err.description)
            del params["parse_mode"]
            params["text"] = text
            return await self.api.call(method, params)

    async def _probe_api(self) -> None:
        await self.api.call("getMe", timeout=10)

    def turn_in(self, chat_id: str) -> float:
        """Seconds until Telegram's flood limits let this chat be sent to again (see _pace)."""
        return self._chats.left(chat_id)

    async def _pace(self, chat: str) -> None:
        """Telegram's flood limits: per_chat_interval (1 s) between messages to a chat, per_group_interval (3 s:
        20 a minute) to a group, counted from the arrival of the one before (see Pacer.went); the overall rate is
        the queue's (ChannelInfo.rate_limit)."""
        await self._chats.slot(chat, self._interval(chat))

    def _interval(self, chat: str) -> float:
        """The seconds Telegram wants between two messages to this chat."""
        return self.config["per_group_interval" if chat.startswith("-") else "per_chat_interval"]

    async def show_typing(self, chat_id: str, reply_to: str | None) -> None:
        """"typing…" in the chat (or its topic) for 5 s, or until a message of the bot arrives."""
        chat, thread = split_chat(chat_id)
        await self.api.call("sendChatAction", {"chat_id": chat, "action": "typing", "message_thread_id": thread})


def new_secret() -> str:
    """A webhook secret token Telegram accepts (1-256 of A-Z a-z 0-9 _ -)."""
    return secrets.token_urlsafe(48)
