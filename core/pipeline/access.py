"""Who may talk to Roost on a chat platform: DM pairing and allow-lists, checked once per message.

A chat channel declares ``AccessRules`` (``core.access_rules``; from its config: ``dm_policy``, ``allow_from``,
``group_policy``, ``groups``); channels whose senders are authenticated already (the console,
the token-guarded APIs) declare none and are open. The check runs in the pipeline before a
message is stored or seen by any automation, on the platform's user id (``Message.sender``) and
chat id, never on a name or on text, so an edit, a forward, a new display name or an id typed in
a message changes nothing.

Pairing (``core.pairing``): an unknown sender in a direct chat gets a short code and nothing
else; the owner approves it (`roost pair approve CODE`, or `/pair approve CODE` on the console).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from core.access_rules import AccessRules
from core.message import Message
from core.pairing import Pairing

PAIRING_TEXT = ("Hello! Roost does not know you yet. Your pairing code is {code}. Ask the owner to approve it"
                " with: roost pair approve {code} (valid for an hour).")


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
