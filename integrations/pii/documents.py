"""Travel documents: passports, and the permits for Hong Kong, Macau and Taiwan, graded by the words near them.

A number such as E12345678 is also a product or part code; what makes it a passport is the word
next to it (护照, passport). So a candidate gets a low confidence on its own, which the entity's
default threshold (0.5) drops, and a high one with a context word within ``context.WINDOW``
characters; lowering the threshold (``pii: entities: PASSPORT: {threshold: 0.3}``) finds them
without words too. While the threshold is above what a number alone gets, a text without any of
the words is not searched at all (searching every message cost ~25 us each in the pii benchmark).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import DEFAULT_THRESHOLD, Words, graded
from .registry import Finding

# Letters and digits around a number must not continue it: "XE12345678" is not a passport.
_EDGE_BEFORE = r"(?<![0-9A-Za-z])"
_EDGE_AFTER = r"(?![0-9A-Za-z])"

PASSPORT_WORDS = Words("护照", "passport", "pass port", "旅行证件")
_PERMIT_CHINESE = ("通行证", "回乡证", "台胞证", "港澳", "往来台湾", "来往内地", "来往大陆")
PERMIT_WORDS = Words(*_PERMIT_CHINESE, "travel permit", "exit-entry permit", "home return permit", "permit no",
                     "permit number", cues=(*_PERMIT_CHINESE, "permit"))
"""Looked for in a whole text as "permit": the phrases made every "e" and "h" of it a place to look."""


class _TravelDocumentRecognizer:
    """A document number: its own shapes graded (ALONE without a word, NEAR with one), other shapes
    (OTHER) only next to one of words (OTHER_NEAR)."""

    entity: str
    words: Words
    ALONE: float
    NEAR: float
    OTHER_NEAR: float
    _SHAPED: re.Pattern[str]
    _OTHER: re.Pattern[str]

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.words_needed = threshold > self.ALONE

    def applies(self, text: str) -> bool:
        """One of the words, when a number alone would not count; and a letter or digit before 6 digits."""
        return (not self.words_needed or self.words.anywhere(text)) and _SHAPE.search(text) is not None

    def find(self, text: str) -> Iterator[Finding]:
        """Yield document numbers, graded by the words near them."""
        seen: set[int] = set()
        for m in self._SHAPED.finditer(text):
            seen.add(m.start())
            yield Finding(self.entity, m.start(), m.end(), m.group(),
                          graded(self.ALONE, self.NEAR, text, m.start(), m.end(), self.words))
        for m in self._OTHER.finditer(text):
            if m.start() not in seen:
                confidence = graded(0.0, self.OTHER_NEAR, text, m.start(), m.end(), self.words)
                if confidence:
                    yield Finding(self.entity, m.start(), m.end(), m.group(), confidence)


class PassportRecognizer(_TravelDocumentRecognizer):
    """Passport numbers: China's (E or G and 8 digits, E, a letter and 7 digits) 0.9 next to 护照/passport,
    0.4 alone; other countries' usual shapes (one or two letters and 6 to 9 digits, or 9 digits) 0.8,
    only next to the word."""

    entity = "PASSPORT"
    words = PASSPORT_WORDS
    ALONE, NEAR, OTHER_NEAR = 0.4, 0.9, 0.8
    _SHAPED = re.compile(_EDGE_BEFORE + r"(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7})" + _EDGE_AFTER)
    _OTHER = re.compile(_EDGE_BEFORE + r"(?:[A-Z]{1,2}[0-9]{6,9}|[0-9]{9})" + _EDGE_AFTER)


class TravelPermitRecognizer(_TravelDocumentRecognizer):
    """Permits for travel between the mainland, Hong Kong, Macau and Taiwan: C or W and 8 digits, C, a letter
    and 7 digits (往来港澳通行证); H or M and 8 or 10 digits (回乡证); T or L and 8 digits (0.85 next to a word
    for the permit, 0.3 alone); 8 digits alone only next to such a word (台胞证, 0.8)."""

    entity = "TRAVEL_PERMIT"
    words = PERMIT_WORDS
    ALONE, NEAR, OTHER_NEAR = 0.3, 0.85, 0.8
    _SHAPED = re.compile(_EDGE_BEFORE + r"(?:[CW][0-9]{8}|C[A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?|[TL][0-9]{8})"
                         + _EDGE_AFTER)
    _OTHER = re.compile(_EDGE_BEFORE + r"[0-9]{8}" + _EDGE_AFTER)


_SHAPE = re.compile(r"[0-9A-Z][0-9]{6}")
