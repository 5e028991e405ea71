"""Who may talk to Roost on a chat platform: DM pairing and allow-lists, checked once per message.

A chat channel declares ``AccessRules`` (``core.channel``; from its config: ``dm_policy``, ``allow_from``,
``group_policy``, ``groups``); channels whose senders are authenticated already (the console,
the token-guarded APIs) declare none and are open. The check runs in the pipeline before a
message is stored or seen by any automation, on the platform's user id (``Message.sender``) and
chat id, never on a name or on text, so an edit, a forward, a new display name or an id typed in
a message changes nothing.

Pairing: an unknown sender in a direct chat gets a short code and nothing else; the owner
approves it (`roost pair approve CODE`) and the approval is stored. Codes are 8 characters
without look-alikes, valid an hour, at most 3 waiting per platform.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from core.channel import AccessRules
from core.message import Message
from core.store.state import DomainState

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8
CODE_SECONDS = 3600.0
MAX_PENDING = 3
DOMAIN = "pairing"
"""The state domain of codes and approvals."""
PAIRING_TEXT = ("Hello! Roost does not know you yet. Your pairing code is {code}. Ask the owner to approve it"
                " with: roost pair approve {code} (valid for an hour).")


class Pairing:
    """Pairing codes and approvals, kept in the store (they survive restarts)."""

    def __init__(self, state: DomainState) -> None:
        self.state = state

    async def approved(self, platform: str, user: str) -> bool:
        """Whether the owner approved this user of this platform."""
        return await self.state.get(f"approved:{platform}:{user}") is not None

    async def request(self, platform: str, user: str, chat_id: str) -> str | None:
        """The user's waiting code (a new one if none waits); None when the platform has too many waiting."""
        waiting = await self.pending(platform)
        for entry in waiting:
            if entry["user"] == user:
                return str(entry["code"])
        if len(waiting) >= MAX_PENDING:
            return None
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = time.time()
        await self.state.set(f"code:{code}", {"code": code, "platform": platform, "user": user, "chat_id": chat_id,
                                              "created": now}, expires_at=now + CODE_SECONDS)
        return code

    async def pending(self, platform: str | None = None) -> list[dict[str, Any]]:
        """Codes waiting for the owner (of one platform if named), oldest first."""
        entries = [await self.state.get(key) for key in await self.state.keys("code:")]
        return [e for e in entries if e is not None and (platform is None or e["platform"] == platform)]

    async def approve(self, code: str) -> dict[str, Any] | None:
        """Approve the user a code was given to; the code's entry, or None for an unknown or expired code."""
        entry = await self._take(code)
        if entry is not None:
            await self.state.set(f"approved:{entry['platform']}:{entry['user']}", {"approved": time.time()})
        return entry

    async def deny(self, code: str) -> dict[str, Any] | None:
        """Forget a code without approving; its entry, or None."""
        return await self._take(code)

    async def revoke(self, platform: str, user: str) -> bool:
        """Take an approval back; whether there was one."""
        return await self.state.delete(f"approved:{platform}:{user}")

    async def approvals(self) -> list[tuple[str, str]]:
        """(platform, user) of every approval."""
        return [tuple(key.split(":", 2)[1:]) for key in await self.state.keys("approved:")]  # type: ignore[misc]

    async def _take(self, code: str) -> dict[str, Any] | None:
        code = code.strip().upper().replace("-", "")
        entry = await self.state.get(f"code:{code}")
        if entry is not None:
            await self.state.delete(f"code:{code}")
        return entry


class Gatekeeper:
    """Decides, for every inbound message, whether it goes on; answers unknown senders with a code."""

    def __init__(self, rules: Callable[[str], AccessRules | None], pairing: Pairing,
                 tell: Callable[[Message, str], Awaitable[Any]]) -> None:
        self.rules = rules
        self.pairing = pairing
        self.tell = tell

    async def admit(self, message: Message) -> bool:
        """True when the message may be stored and seen by the automations."""
        rules = self.rules(message.platform)
        if rules is None:
            return True
        if message.group:
            return rules.group_policy == "open" or (rules.group_policy == "allowlist" and message.chat_id in rules.groups)
        if rules.dm_policy == "open" or message.sender in rules.allow_from:
            return True
        if rules.dm_policy != "pairing":
            return False
        if await self.pairing.approved(message.platform, message.sender):
            return True
        code = await self.pairing.request(message.platform, message.sender, message.chat_id)
        if code is not None:
            await self.tell(message, PAIRING_TEXT.format(code=code))
        return False
