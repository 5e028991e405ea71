"""The Discord channel: MESSAGE_CREATE events in, replies out by REST (split at 2,000, nonces, edits).

Chat ids are Discord channel ids (a thread is a channel of its own); senders are user ids. A
reply's nonce comes from its outbox idempotency key and is enforced, so a send retried after a
timeout or a kill never posts twice.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable
from dataclasses import replace
from functools import partial
from typing import Any

from core.access_rules import AccessRules
from core.channel import NETWORK_SENDS, ChannelBase, ChannelInfo, OutboundMessage, formatted
from core.edited_stream import show_as_written, write_into_shown
from core.errors import PermanentError, TransientError
from core.markup import discord_text
from core.message import Message
from core.outage import OutageLog
from core.textsplit import split
from integrations.discord.gateway import GatewayClient
from integrations.discord.rest import POST_MESSAGE, DiscordRest, InvalidRequests, nonce_of

_LOGGER = logging.getLogger(__name__)
PLATFORM = "discord"
LIMIT = 2000
STREAMED_LIMIT = LIMIT - 64
"""The characters of a message an answer is shown in as it is written (room left for a last edit)."""
UNREADABLE = {"attachments": "attachment", "sticker_items": "sticker", "poll": "poll"}
"""What a message without text may carry (a voice message is an attachment), and its name in the log."""
INVITE = "https://discord.com/oauth2/authorize?client_id={app}&scope=bot&permissions=68608"
"""Where a server's owner adds the bot: View Channels, Send Messages and Read Message History (1024 + 2048 + 65536)."""


def _say_ready(ready: dict[str, Any]) -> None:
    """Say who the bot is and in how many servers, and where to add it to one when it is in none."""
    name, servers = (ready.get("user") or {}).get("username"), len(ready.get("guilds") or ())
    if servers:
        _LOGGER.info("Discord bot %s connected, in %d server%s", name, servers, "" if servers == 1 else "s")
    else:
        app = (ready.get("application") or {}).get("id") or (ready.get("user") or {}).get("id")
        _LOGGER.info("Discord bot %s connected, in no server yet: direct-message it, or add it to a server at %s",
                     name, INVITE.format(app=app))


class DiscordChannel(ChannelBase):
    """One bot in the servers it was added to, and its direct messages."""

    typing_every = 9.0
    """Seconds between two "typing…" while an answer is written (Discord shows it for about 10 s)."""

    def __init__(self, gateway: Any, domain: str, rest: DiscordRest, config: dict[str, Any]) -> None:
        super().__init__(gateway, domain, online=False)
        self.rest = rest
        self.config = config
        self.access = AccessRules.from_config(config)
        self.unsupported_reply = config["unsupported_reply"]
        self.info = ChannelInfo(PLATFORM, streaming="none" if config["streaming"] == "off" else "edits",
                                max_text=LIMIT, rate_limit=config["rate_limit"], threads=True,
                                concurrent_sends=NETWORK_SENDS)
        self.outage = OutageLog(_LOGGER, "Discord")
        self.client = GatewayClient(config["bot_token"], config["intents"], self._event, self.save_cursor,
                                    self.outage)
        self._roles: set[str] = set()
        self._stopped = False

    async def run(self) -> None:
        """Find the gateway, then stay connected; a fatal close code or refused token stops only this channel."""
        try:
            found = await self._retrying(self.rest.gateway_bot)
            url = self.config.get("gateway_url") or found["url"]
            budget = dict(found.get("session_start_limit") or {})
            await self.client.run(url, await self.load_cursor({}) or {}, budget, self.set_online)
        except PermanentError as err:
            self._stopped = True
            self.set_online(False)
            _LOGGER.error("The discord channel stops: %s (the rest of Roost keeps running)", err)

    async def _retrying(self, call: Any) -> Any:
        attempt = 0
        while True:
            try:
                found = await call()
            except TransientError as err:
                wait = err.retry_after or self.reconnect_delay(attempt)
                attempt += 1
                self.outage.failed("Discord bot not started yet", err, wait)
                await self._sleep(wait)
            else:
                self.outage.reached()
                return found

    # -- in ----------------------------------------------------------------------------------

    async def _event(self, kind: str, data: dict[str, Any]) -> None:
        if kind in ("READY", "RESUMED"):
            self.outage.reached()
            self.set_online(True)
            if kind == "READY":
                _say_ready(data)
        elif kind == "GUILD_CREATE":  # the role Discord made for the bot in this server: mentioning it is for us
            me = str(self.client.user.get("id", ""))
            self._roles.update(str(r["id"]) for r in data.get("roles") or ()
                               if str((r.get("tags") or {}).get("bot_id", "")) == me and "id" in r)
        elif kind == "MESSAGE_CREATE":
            await self.skip_on_fault(self._ingest_message(data), f"message ({data.get('id')})")

    async def _ingest_message(self, data: dict[str, Any]) -> None:
        message = self.message_of(data)
        if message is not None:
            await self.ingest(message)

    def message_of(self, data: dict[str, Any]) -> Message | None:
        """The Roost message of a MESSAGE_CREATE, or None (bots, system messages, not for Roost in a server)."""
        author = data.get("author") or {}
        if author.get("bot") or author.get("system") or data.get("type", 0) not in (0, 19):
            return None
        content = data.get("content") or ""
        unreadable = None if content else next((name for kind, name in UNREADABLE.items() if data.get(kind)), None)
        if not content and unreadable is None:  # a server's message without the Message Content intent is empty
            return None
        me = str(self.client.user.get("id", ""))
        group = "guild_id" in data and data.get("guild_id") is not None
        replied = (data.get("referenced_message") or {}).get("author") or {}
        addressed = (not group or any(str(u.get("id")) == me for u in data.get("mentions") or ())
                     or any(str(role) in self._roles for role in data.get("mention_roles") or ())
                     or f"<@{me}>" in content or f"<@!{me}>" in content or str(replied.get("id")) == me)
        if group and self.config["group_mode"] == "mention" and not addressed:
            return None
        reference = data.get("message_reference") or {}
        return Message.create(PLATFORM, str(data["channel_id"]), str(author.get("id")), content,
                              id=str(data["id"]), reply_to=reference.get("message_id"), mentions_bot=addressed,
                              group=group, raw=data, unreadable=unreadable)

    # -- out ---------------------------------------------------------------------------------

    async def send(self, message: OutboundMessage) -> str:
        """Post a reply, split at 2,000 characters (each part once), or write it into the messages an earlier try
        showed it in as it was written (core.edited_stream); each part's nonce comes from the reply's key."""
        shown = await write_into_shown(self.gateway.storage(self.domain), message.idempotency_key, message.text,
                                       partial(self._show, message), partial(self._delete, message.chat_id),
                                       limit=STREAMED_LIMIT, parse_mode="markdown")
        return shown if shown is not None else await self.send_parts(
            message, split(message.text, "markdown", LIMIT), lambda index, part: self._post(message, part, index))

    def turn_in(self, chat_id: str) -> float:
        """Seconds until Discord's bucket for posting in this channel has requests again (its X-RateLimit headers)."""
        return self.rest.turn_in(POST_MESSAGE, chat_id)

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        """Show an answer as it is written: one message edited at most every edit_interval, the last edit whole
        (core.edited_stream). Its messages' nonces come from a key of their own: when the stream fails, the answer
        sent whole under the reply's key is a new message, not taken for the stream's first one."""
        streamed = replace(message, idempotency_key=f"{message.idempotency_key}:stream")
        message_id = await show_as_written(
            self.gateway.storage(self.domain), message.idempotency_key, chunks, partial(self._show, streamed),
            limit=STREAMED_LIMIT, parse_mode="markdown", interval=self.config["edit_interval"],
            delete=partial(self._delete, message.chat_id))
        return message_id or ""

    async def show_typing(self, chat_id: str, reply_to: str | None) -> None:
        """"typing…" in the channel for about 10 s, or until a message of the bot arrives."""
        await self._call(self.rest.typing(chat_id))

    async def _delete(self, channel_id: str, message_id: str) -> None:
        await self._call(self.rest.delete(channel_id, message_id))

    async def _post(self, message: OutboundMessage, text: str, part: int) -> str:
        """Post part `part` of a reply as a new message; its id."""
        sent = await self._call(self.rest.send(message.chat_id, self._shown(message, text),
                                               nonce=nonce_of(f"{message.idempotency_key}:{part}"),
                                               reply_to=message.reply_to if part == 0 else None,
                                               mentions=self.config["allowed_mentions"]))
        return str(sent["id"])

    async def _show(self, message: OutboundMessage, text: str, message_id: str | None, shown: str, part: int) -> str:
        if message_id is None:
            return await self._post(message, text, part)
        if text != shown:
            await self._call(self.rest.edit(message.chat_id, message_id, self._shown(message, text)))
        return message_id

    def _shown(self, message: OutboundMessage, text: str) -> str:
        """A part as it is posted: a model's answer with its tables in columns (Discord shows no tables)."""
        return (discord_text(text, LIMIT) or text) if formatted(message, self.config) else text

    async def _call(self, request: Awaitable[Any]) -> Any:
        try:
            return await self.reach(request, self.rest.gateway_bot)
        except InvalidRequests as err:
            self.set_online(False)
            _LOGGER.error("The discord channel is offline: %s", err)
            raise
