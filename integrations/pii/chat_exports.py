"""Who wrote each line of a chat's export: the sender's name after the line's date and time, as WhatsApp exports a chat
("[12/03/2024, 10:15:32] Anna Schmidt: …" on iPhones, "12/03/2024, 10:15 - Anna Schmidt: …" on Android) and as
pasted from it.

A sender is a contact's name as the phone saved it (one to five words, "Mom", "Anna ❤"); a number instead is the PHONE
recognizer's. Lines are looked at only where they begin with a digit or "[", and only when the date, a comma, the time
and the sender's colon all stand where an export puts them: a log's "2024-03-12 10:15:32 INFO app: …" has no comma.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["senders"]

_LINE = re.compile(
    r"\[?[0-9]{1,4}[./\-][0-9]{1,2}[./\-][0-9]{1,4},[ \t]+[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?"
    r"(?:[ \t\u202f]?[AaPp]\.?[ \t]?[Mm]\.?)?(?:\]|[ \t]+-)[ \t]+(?P<sender>[^\W\d_][^\n:]{0,40}?):[ \t]"
)
"""An export's line up to its sender's colon: date, comma, time (maybe AM or PM, after a narrow no-break space as iOS
writes it), "]" or " -", the sender."""


def senders(text: str) -> Iterator[tuple[int, int]]:
    """Where each sender's name is, line by line."""
    line = 0
    while line < len(text):
        if text[line] in "[0123456789" and (found := _LINE.match(text, line)) is not None:
            yield found.span("sender")
        end = text.find("\n", line)
        if end < 0:
            return
        line = end + 1
