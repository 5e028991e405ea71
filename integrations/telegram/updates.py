"""Telegram updates as Roost messages: text or caption, replies, edits, commands, mentions, forum topics.

A voice note, a sticker, a photo without a caption (UNREADABLE) is a message Roost cannot read
(``Message.unreadable``): its sender is told so, once they may talk to Roost.

Chat ids are Telegram's chat id, with ``:<thread id>`` for a forum topic (replies go back into
the topic). A message's id is ``<chat>:<message_id>`` (an edit adds ``:edit:<edit_date>``: a new
message flagged as an edit, never a silent overwrite), so a redelivered update is recognised by
the inbox. The sender is the Telegram user id: names can change, ids cannot.
"""

from __future__ import annotations

from typing import Any

from core.message import Message

PLATFORM = "telegram"
UNREADABLE = ("voice", "video_note", "audio", "photo", "video", "animation", "sticker", "document", "paid_media",
              "location", "venue", "contact", "poll", "dice", "game", "story")
"""The Bot API's kinds of user message without text (a caption is read as text)."""


def chat_key(chat_id: int, thread_id: int | None) -> str:
    """The Roost chat id of a Telegram chat (and topic)."""
    return f"{chat_id}:{thread_id}" if thread_id else str(chat_id)


def split_chat(chat: str) -> tuple[int, int | None]:
    """(Telegram chat id, topic id or None) of a Roost chat id."""
    chat_id, _, thread = chat.partition(":")
    return int(chat_id), int(thread) if thread else None


def message_id_of(reference: str | None) -> int | None:
    """The Telegram message id inside a Roost message id (``chat:message_id[:edit:...]``)."""
    if not reference:
        return None
    parts = reference.split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].lstrip("-").isdigit() else None


def entity_text(text: str, entity: dict[str, Any]) -> str:
    """The text an entity covers (its offset and length count UTF-16 code units)."""
    encoded = text.encode("utf-16-le")
    start = 2 * int(entity.get("offset", 0))
    return encoded[start:start + 2 * int(entity.get("length", 0))].decode("utf-16-le", "replace")


def addressed_to_bot(message: dict[str, Any], text: str, bot: dict[str, Any]) -> bool:
    """Whether a group message is for the bot: @mention, a mention of its name, /cmd@bot, or a reply to it."""
    username = f"@{bot.get('username', '')}".lower()
    for entity in message.get("entities") or message.get("caption_entities") or ():
        kind = entity.get("type")
        if kind == "mention" and entity_text(text, entity).lower() == username:
            return True
        if kind == "text_mention" and (entity.get("user") or {}).get("id") == bot.get("id"):
            return True
        if kind == "bot_command":
            command = entity_text(text, entity).lower()
            if command.endswith(username) or ("@" not in command and entity.get("offset") == 0):
                return True
    replied = message.get("reply_to_message") or {}
    return (replied.get("from") or {}).get("id") == bot.get("id")


def migration_of(update: dict[str, Any]) -> tuple[int, int] | None:
    """(group, supergroup) when the update is Telegram's service message that a group became a supergroup (one
    comes in each of them), else None."""
    message = update.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        return None
    chat = int(message["chat"]["id"])
    if message.get("migrate_to_chat_id"):
        return chat, int(message["migrate_to_chat_id"])
    if message.get("migrate_from_chat_id"):
        return int(message["migrate_from_chat_id"]), chat
    return None


def message_of(update: dict[str, Any], bot: dict[str, Any], group_mode: str) -> Message | None:
    """The Roost message of an update, or None for what Roost does not take (other kinds, other bots,
    group messages not for the bot in mention mode)."""
    edited = "edited_message" in update
    message = update.get("edited_message") if edited else update.get("message")
    if not isinstance(message, dict):
        return None
    sender = message.get("from") or {}
    if sender.get("is_bot") or not isinstance(message.get("chat"), dict):
        return None
    text = message.get("text") if message.get("text") is not None else message.get("caption")
    unreadable = None if text or edited else next((kind for kind in UNREADABLE if message.get(kind)), None)
    if not text and unreadable is None:  # an edit that took a caption away is no new message
        return None
    text = text or ""
    chat = message["chat"]
    group = chat.get("type") != "private"
    addressed = not group or addressed_to_bot(message, text, bot)
    if group and group_mode == "mention" and not addressed:
        return None
    thread = message.get("message_thread_id") if message.get("is_topic_message") else None
    chat_id = chat_key(int(chat["id"]), thread)
    message_id = f"{chat['id']}:{message['message_id']}"
    if edited:
        message_id += f":edit:{message.get('edit_date', 0)}"
    replied = message.get("reply_to_message") or {}
    return Message.create(
        PLATFORM, chat_id, str(sender.get("id", chat["id"])), text, id=message_id, time=float(message.get("date", 0)),
        reply_to=f"{chat['id']}:{replied['message_id']}" if replied.get("message_id") else None,
        mentions_bot=addressed, group=group, raw=update, unreadable=unreadable,
        bot_names=(str(bot.get("username", "")),),
    )
