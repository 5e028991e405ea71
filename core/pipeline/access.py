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

A sender let in (but one in ``allow_from``) may send at most ``sender_limit`` messages a period (a burst of that
many, then as the period allows; off by default): one who sends faster has the messages over it not stored, and is
told once, with a log line, until a message of theirs is read again. Kept in memory: a restart forgets who sent what.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from core.access_rules import AccessRules, SenderLimit
from core.logs import FirstTime
from core.message import Message
from core.pairing import Pairing

_LOGGER = logging.getLogger(__name__)

PAIRING_TEXT = ("Hello! Roost does not know you yet. Your pairing code is {code}. Ask the owner to approve it"
                " with: roost pair approve {code} (valid for an hour).")
LIMITED_TEXT = ("You are sending messages faster than Roost reads them (at most {limit}): the ones over that are"
                " not read. Wait a little, then send again what was not answered.")
MAX_SENDERS = 4096
"""Senders whose pace is kept, per platform, before those back to a full allowance are forgotten."""


class Gatekeeper:
    """Decides, for every inbound message, whether it goes on; answers unknown senders with a code."""

    def __init__(self, rules: Callable[[str], AccessRules | None], pairing: Pairing,
                 tell: Callable[[Message, str], Awaitable[Any]],
                 refused: Callable[[Message, str], None] = lambda _message, _why: None) -> None:
        self.rules = rules
        self.pairing = pairing
        self.tell = tell
        self.refused = refused
        """Told of each message not let in, and why: kept_out, pairing or sender_limit."""
        self._told = FirstTime()  # one line per chat, sender or code, not one per message
        self._allowances: dict[str, dict[str, tuple[float, float, bool]]] = {}
        """platform -> sender -> (messages they may still send, when that was reckoned, told they send too fast and
        none read since)."""

    async def admit(self, message: Message) -> bool:
        """True when the message may be stored and seen by the automations."""
        rules = self.rules(message.platform)
        if rules is None:
            return True
        refusal, limit = await self._refusal(message, rules), rules.sender_limit
        if (refusal is None and limit is not None and message.sender not in rules.allow_from
                and not await self._within_limit(message, limit)):
            refusal = "sender_limit"
        if refusal is not None:
            self.refused(message, refusal)
        return refusal is None

    async def _refusal(self, message: Message, rules: AccessRules) -> str | None:
        """Why the channel's rules keep the message's sender out (kept_out, or pairing: an unknown one in pairing
        mode gets a code), or None when they let them in."""
        platform = message.platform
        if message.group:
            if rules.group_policy == "open" or (rules.group_policy == "allowlist" and message.chat_id in rules.groups):
                return None
            self._kept_out(message, f"in group {message.chat_id}", f"{platform}: group_policy is disabled"
                           if rules.group_policy == "disabled" else
                           f"{platform}: groups does not list it (add '{message.chat_id}' to let Roost listen there)")
            return "kept_out"
        if rules.dm_policy == "open" or message.sender in rules.allow_from:
            return None
        if rules.dm_policy != "pairing":
            self._kept_out(message, f"from user {message.sender}", f"{platform}: dm_policy is disabled"
                           if rules.dm_policy == "disabled" else
                           f"{platform}: allow_from does not list them (add '{message.sender}' to let them in)")
            return "kept_out"
        if await self.pairing.approved(platform, message.sender):
            return None
        code = await self.pairing.request(platform, message.sender, message.chat_id)
        if code is not None:
            if self._told(f"{platform}\0{message.sender}\0{code}"):
                _LOGGER.info("%s user %s was sent a pairing code: `roost pair list` shows it, `roost pair approve"
                             " CODE` lets them talk to Roost", platform, message.sender)
            await self.tell(message, PAIRING_TEXT.format(code=code))
        return "pairing"

    def _kept_out(self, message: Message, who: str, why: str) -> None:
        if self._told(f"{message.platform}\0{who}"):
            _LOGGER.info("A %s message %s was not let in: %s", message.platform, who, why)

    async def _within_limit(self, message: Message, limit: SenderLimit) -> bool:
        """Whether the sender may send this message now (a token bucket of limit.count, refilled over its period)."""
        count, seconds = limit.count, limit.seconds
        senders = self._allowances.setdefault(message.platform, {})
        now = time.monotonic()
        left, then, told = senders.get(message.sender, (count, now, False))
        left = min(count, left + (now - then) * count / seconds)
        if left >= 1:
            senders[message.sender] = (left - 1, now, False)
            if len(senders) > MAX_SENDERS:
                _forget_some(senders, now, seconds)
            return True
        senders[message.sender] = (left, now, True)
        if not told:
            _LOGGER.info("%s user %s sends faster than sender_limit (%s): the messages over it are not read (they"
                         " were told once)", message.platform, message.sender, limit)
            await self.tell(message, LIMITED_TEXT.format(limit=limit))
        return False


def _forget_some(senders: dict[str, tuple[float, float, bool]], now: float, seconds: float) -> None:
    """Forget the senders back to a full allowance; if that leaves over half of MAX_SENDERS (a flood from many), the
    ones heard from longest ago too, down to half (so this runs once per MAX_SENDERS / 2 new senders at most)."""
    for sender, (_left, since, _told) in list(senders.items()):
        if now - since >= seconds:
            del senders[sender]
    if len(senders) > MAX_SENDERS // 2:
        for sender in sorted(senders, key=lambda name: senders[name][1])[:len(senders) - MAX_SENDERS // 2]:
            del senders[sender]
