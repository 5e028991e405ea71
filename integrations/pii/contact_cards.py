"""A contact's card and a calendar's invitation (RFC 6350's vCard, RFC 5545's iCalendar): the names, the address and
the birthday their properties hold.

A contact shared from a phone or an invitation forwarded from a calendar is text, and its properties say what each
value is: `FN:Anna Schmidt`, `N:Schmidt;Anna;;;`, `ADR;TYPE=HOME:;;Hauptstraße 5;Berlin;;10115;Germany`,
`BDAY:1984-03-12`, `ATTENDEE;CN=Anna Schmidt:mailto:anna@example.com`. Its telephone numbers and e-mail addresses are
found as anywhere else. A property is read as a line begins (maybe after a group's name, `item1.ADR`), its value over
the folded lines after it, only in a text that holds a card's `BEGIN:VCARD` (or names a vCard); the invited only after
`ATTENDEE` or `ORGANIZER`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from .context import Words
from .names import with_repeats
from .registry import Finding

__all__ = ["CARD_WORDS", "CardAddressRecognizer", "CardBirthdayRecognizer", "CardNameRecognizer"]

_PROPERTY = re.compile(r"^(?:[\w\-]+\.)?(FN|N|NICKNAME|ADR|BDAY)(?:;[^:\n]*)?:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)",
                       re.MULTILINE | re.IGNORECASE)
"""A card's property that holds a name, an address or a birthday, and its value over its folded lines."""
_INVITED = re.compile(r"^(?:ATTENDEE|ORGANIZER)(?:;[^:\n]*?)?;CN=(\"[^\"\n]+\"|[^;:\n]+)", re.MULTILINE | re.IGNORECASE)
"""An invitation's attendee or organizer and the common name it gives (`CN=`), quoted or not."""
_SEPARATOR = re.compile(r"(?<!\\);")
"""What stands between a structured value's components (`Schmidt;Anna;;;`): a semicolon not escaped."""
CARD_WORDS = Words("vcard", "cn=")
"""What a text with a card (its `BEGIN:VCARD`, or a word that names one) or an invitation's people (a common name's
`CN=`) holds."""
_NAME_COMPONENTS = 3
"""How many of a structured name's components are the person's: the family, the given and the additional names (not
the honorific prefixes and suffixes after them)."""


def _properties(text: str, wanted: tuple[str, ...]) -> Iterator[tuple[str, int, int]]:
    """Each wanted property's name in upper case and where its value begins and ends, in a text with a card."""
    if all(cue != "vcard" for _, cue in CARD_WORDS.occurrences(text)):
        return
    for found in _PROPERTY.finditer(text):
        name = found.group(1).upper()
        if name in wanted:
            yield name, found.start(2), found.end(2)


def _components(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where each component of the structured value at [start, end) begins and ends, the empty ones too."""
    spans, begin = [], start
    for separator in _SEPARATOR.finditer(text, start, end):
        spans.append((begin, separator.start()))
        begin = separator.end()
    return [*spans, (begin, end)]


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the separators and spaces around it."""
    while start < end and text[start] in "; \t\r\n":
        start += 1
    while end > start and text[end - 1] in "; \t\r\n":
        end -= 1
    return start, end


class _CardRecognizer:
    """What the recognizers of a card's values share: the test of a text, the confidence (0.9), the findings."""

    entity: str
    confidence = 0.9
    applies = CARD_WORDS.anywhere
    """A text with a card or an invitation: the words' own test, which the registry calls with no frame of this
    class's between (~500 instructions less a message)."""

    def _findings(self, text: str, spans: Iterable[tuple[int, int]], holds: Callable[[str], bool]) -> Iterator[Finding]:
        """A finding of each span without the separators and spaces around it, if a character of it holds."""
        for start, end in spans:
            start, end = _stripped(text, start, end)
            if any(map(holds, text[start:end])):
                yield Finding(self.entity, start, end, text[start:end], self.confidence)


class CardNameRecognizer(_CardRecognizer):
    """A person's names in a card's `FN`, `N` and `NICKNAME`, and in an invitation's `CN=` (0.9)."""

    entity = "PERSON"

    def find(self, text: str) -> Iterator[Finding]:
        """Yield each name the card or the invitation gives, and where the text repeats it."""
        return with_repeats(text, self._findings(text, self._spans(text), str.isalpha))

    @staticmethod
    def _spans(text: str) -> Iterator[tuple[int, int]]:
        """Where each name stands: a structured name's first components, a formatted name, a nickname, a common name
        without its quotes."""
        for name, start, end in _properties(text, ("FN", "N", "NICKNAME")):
            yield from _components(text, start, end)[:_NAME_COMPONENTS] if name == "N" else ((start, end),)
        for found in _INVITED.finditer(text):
            start, end = found.span(1)
            quoted = text[start] == '"'
            yield start + quoted, end - quoted


class CardAddressRecognizer(_CardRecognizer):
    """An address in a card's `ADR` (0.9): its components from the first given to the last."""

    entity = "ADDRESS"

    def find(self, text: str) -> Iterator[Finding]:
        """Yield each card's address."""
        return self._findings(text, ((start, end) for _, start, end in _properties(text, ("ADR",))), str.isalnum)


class CardBirthdayRecognizer(_CardRecognizer):
    """A birthday in a card's `BDAY` (0.9): `19840312`, `1984-03-12`, `--0312`."""

    entity = "DATE_OF_BIRTH"

    def find(self, text: str) -> Iterator[Finding]:
        """Yield each card's birthday."""
        return self._findings(text, ((start, end) for _, start, end in _properties(text, ("BDAY",))), str.isdigit)
