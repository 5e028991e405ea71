"""Phone numbers in the links chat apps make of them: a WhatsApp click-to-chat link, Telegram's, Viber's, Signal's.

"wa.me/4915123456789" holds a phone number without its "+": in a URL's path a block of digits is as often an id or
a commit's number, so the phone recognizers leave it alone there; after one of these links' own beginnings it is
surely a phone number, and valid where its country code says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from .context import Words
from .registry import Finding

__all__ = ["PhoneLinkRecognizer"]


class PhoneLinkRecognizer:
    """A phone number in a chat app's link (0.9): "https://wa.me/4915123456789", "t.me/+4915123456789"."""

    entity = "PHONE"
    confidence = 0.9
    shortest_run = 7
    """The shortest international number without its country code has seven digits."""

    _LINK_STARTS = Words("wa.me/", "phone=", "number=", "signal.me/", "t.me/+")
    """What the links begin with, looked for in the one scan of the text: "phone=" of WhatsApp's API link
    ("api.whatsapp.com/send?phone="), "number=" of Viber's ("viber://chat?number=%2B…")."""
    _RE = re.compile(r"(?:wa\.me/|(?:whatsapp\.com|whatsapp:/)/send/?\?phone=|viber://(?:chat|add)\?number="
                     r"|signal\.me/#p/|t\.me/)(?:\+|%2[Bb])?([1-9][0-9]{6,14})(?![0-9A-Za-z])", re.ASCII)

    applies = _LINK_STARTS.anywhere
    """Only a text with a link's beginning can hold one: the words' own test, which the registry calls with no frame
    of this class's between (~500 instructions less a message)."""

    def find(self, text: str) -> Iterator[Finding]:
        """Yield the numbers valid where their country code says (a Telegram link's only with its "+")."""
        for m in self._RE.finditer(text):
            if m.group().startswith("t.me/") and "+" not in m.group():
                continue  # "t.me/1234567" is no link to a number
            try:
                valid = phonenumbers.is_valid_number(phonenumbers.parse("+" + m.group(1), None))
            except phonenumbers.NumberParseException:
                continue
            if valid:
                yield Finding(self.entity, m.start(1), m.end(1), m.group(1), self.confidence)
