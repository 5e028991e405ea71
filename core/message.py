"""The platform-neutral message every channel converts its payloads into."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from core.ids import new_id

# "/check_logs 30m", "!alert disk full", "/start@MyBot": a prefix, a name, then arguments.
_COMMAND = re.compile(r"^\s*([/!])([A-Za-z0-9_][\w.-]*)(?:@(\w+))?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Message:
    """An inbound chat message, immutable once built."""

    platform: str
    chat_id: str
    sender: str
    text: str
    id: str = field(default_factory=new_id)
    time: float = field(default_factory=time.time)
    reply_to: str | None = None
    mentions_bot: bool = False
    group: bool = False
    """Whether it was said in a group (several people) rather than directly to Roost."""
    command: str | None = None
    args: tuple[str, ...] = ()
    raw: Any = None
    unreadable: str | None = None
    """What it was when Roost cannot read it ("voice", "photo", "sticker"): not stored; its sender is told so."""

    @classmethod
    def create(
        cls,
        platform: str,
        chat_id: str,
        sender: str,
        text: str,
        *,
        bot_names: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> Message:
        """Build a message, parsing its command, arguments and bot mention from the text."""
        command, args, addressed_to = parse_command(text)
        mentions = kwargs.pop("mentions_bot", False) or _mentions(text, bot_names)
        if addressed_to and bot_names:
            if addressed_to.lower() in {b.lower() for b in bot_names}:
                mentions = True
            else:  # "/start@OtherBot" in a group is another bot's command (Telegram: ignore it), no command of ours
                command, args = None, ()
        return cls(
            platform=platform,
            chat_id=str(chat_id),
            sender=str(sender),
            text=text,
            command=command,
            args=args,
            mentions_bot=mentions,
            **kwargs,
        )

    @property
    def chat_key(self) -> str:
        """A key naming this chat across platforms: platform:chat_id."""
        return f"{self.platform}:{self.chat_id}"

    @property
    def args_text(self) -> str:
        """The arguments as the user typed them, after the command."""
        return " ".join(self.args)

    def as_dict(self) -> dict[str, Any]:
        """The message as template variables (no raw payload)."""
        return {
            "id": self.id,
            "platform": self.platform,
            "chat_id": self.chat_id,
            "chat_key": self.chat_key,
            "sender": self.sender,
            "text": self.text,
            "time": self.time,
            "reply_to": self.reply_to,
            "mentions_bot": self.mentions_bot,
            "group": self.group,
            "command": self.command,
            "args": list(self.args),
            "args_text": self.args_text,
        }


def parse_command(text: str) -> tuple[str | None, tuple[str, ...], str | None]:
    """Split "/name@bot a b" into ("name", ("a", "b"), "bot"); no command gives (None, (), None)."""
    match = _COMMAND.match(text)
    if match is None:
        return None, (), None
    _prefix, name, addressed_to, rest = match.groups()
    args = tuple(rest.split()) if rest else ()
    return name.lower(), args, addressed_to


def _mentions(text: str, bot_names: tuple[str, ...]) -> bool:
    # "@roost" as a whole handle: not "@roosterfan", not the "@roost" inside "bob@roost.example".
    return "@" in text and any(
        re.search(rf"(?<![\w.@])@{re.escape(name)}(?![\w-])", text, re.IGNORECASE)
        for name in bot_names if name
    )
