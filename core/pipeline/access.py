"""Who may talk to Roost on a chat platform: DM pairing and allow-lists, checked once per message.

A chat channel declares ``AccessRules`` (``core.access_rules``; from its config: ``dm_policy``, ``allow_from``,
``group_policy``, ``groups``); channels whose senders are authenticated already (the console,
the token-guarded APIs) declare none and are open. The check runs in the pipeline before a
message is stored or seen by any automation, on the platform's user id (``Message.sender``) and
chat id, never on a name or on text, so an edit, a forward, a new display name or an id typed in
a message changes nothing.

Pairing (``core.pairing``): an unknown sender in a direct chat gets a short code and nothing
else; the owner approves it (`roost pair approve CODE`, or `/pair approve CODE` on the console).

Each chat or sender kept out is logged once (INFO), with the key that would let it in, so an owner
who wonders why Roost is silent in a group finds the id to add.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from core.access_rules import AccessRules
from core.logs import FirstTime
from core.message import Message
from core.pairing import Pairing

_LOGGER = logging.getLogger(__name__)

PAIRING_TEXT = ("Hello! Roost does not know you yet. Your pairing code is {code}. Ask the owner to approve it"
                " with: roost pair approve {code} (valid for an hour).")


class Gatekeeper:
    """Decides, for every inbound message, whether it goes on; answers unknown senders with a code."""

    def __init__(self, rules: Callable[[str], AccessRules | None], pairing: Pairing,
                 tell: Callable[[Message, str], Awaitable[Any]]) -> None:
        self.rules = rules
        self.pairing = pairing
        self.tell = tell
        self._told = FirstTime()  # one line per chat, sender or code, not one per message

    async def admit(self, message: Message) -> bool:
        """True when the message may be stored and seen by the automations."""
        rules = self.rules(message.platform)
        if rules is None:
            return True
        platform = message.platform
        if message.group:
            if rules.group_policy == "open" or (rules.group_policy == "allowlist" and message.chat_id in rules.groups):
                return True
            self._kept_out(message, f"in group {message.chat_id}", f"{platform}: group_policy is disabled"
                           if rules.group_policy == "disabled" else
                           f"{platform}: groups does not list it (add '{message.chat_id}' to let Roost listen there)")
            return False
        if rules.dm_policy == "open" or message.sender in rules.allow_from:
            return True
        if rules.dm_policy != "pairing":
            self._kept_out(message, f"from user {message.sender}", f"{platform}: dm_policy is disabled"
                           if rules.dm_policy == "disabled" else
                           f"{platform}: allow_from does not list them (add '{message.sender}' to let them in)")
            return False
        if await self.pairing.approved(platform, message.sender):
            return True
        code = await self.pairing.request(platform, message.sender, message.chat_id)
        if code is not None:
            if self._told(f"{platform}\0{message.sender}\0{code}"):
                _LOGGER.info("%s user %s was sent a pairing code: `roost pair list` shows it, `roost pair approve"
                             " CODE` lets them talk to Roost", platform, message.sender)
            await self.tell(message, PAIRING_TEXT.format(code=code))
        return False

    def _kept_out(self, message: Message, who: str, why: str) -> None:
        if self._told(f"{message.platform}\0{who}"):
            _LOGGER.info("A %s message %s was not let in: %s", message.platform, who, why)
