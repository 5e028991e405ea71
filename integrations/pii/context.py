"""Context words as an input to confidence: words near a candidate raise it, labels of other numbers lower it.

Each recognizer names the words that speak for its entity (a ``Words``); a finding below its entity's
threshold (``pii: entities: NAME: {threshold: 0.5}``, the default) is dropped before overlaps are resolved.
Every search reads one lower-cased copy of the message, made once however many recognizers ask.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.automation.literals import trie_regex

__all__ = ["DEFAULT_THRESHOLD", "LOWERING_WORDS", "WINDOW", "Words", "graded", "literal_union", "lowered",
           "word_before"]

WINDOW = 24
"""Characters on each side of a candidate where context words count."""
DEFAULT_THRESHOLD = 0.5
LOWERED_BY = 0.5
"""Enough to take a finding a word speaks for (0.9) under the default threshold: the label wins."""

_lowered: tuple[str, str] = ("", "")


def lowered(text: str) -> str:
    """text lower-cased character for character (offsets line up), kept for the latest text.

    The entry is read once into a local: a long text is analyzed in a worker thread while the event
    loop analyzes others, and each must get its own text's copy back.
    """
    global _lowered
    entry = _lowered
    if entry[0] is not text:
        lower = text.lower()
        if len(lower) != len(text):  # a character that lower-cases to two ("İ") stays as it is
            lower = "".join(char if len(char.lower()) > 1 else char.lower() for char in text)
        entry = _lowered = (text, lower)
    return entry[1]


def literal_union(words: Iterable[str]) -> re.Pattern[str]:
    """A regex matching any of words (the longest where several start at one place), shaped as a trie.

    The regex engine tries a trie's branches by their first character instead of every word in
    turn: 30 triggers searched in a 200-character message cost 2.2 us instead of 3.5.
    """
    return re.compile(trie_regex(words))


class Words:
    """Context words of one kind (lower-case), searched in the message's lowered copy with one regex.

    1.7 us for the card words in a 200-character message, where a substring test per word cost 3.9
    (an ASCII word in a text with CJK characters is widened before each test) and a case-insensitive
    regex of the phone words ~3.8 us in a 24-character window.
    """

    __slots__ = ("words", "_search")

    def __init__(self, *words: str) -> None:
        self.words = words
        self._search = literal_union(words).search

    def __repr__(self) -> str:
        return f"Words{self.words!r}"

    def in_text(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """Whether one of the words occurs in text, wholly within text[start:end] if given."""
        lower = lowered(text)
        return self._search(lower, start, len(lower) if end is None else end) is not None


LOWERING_WORDS = Words("订单", "order", "tracking", "快递", "运单", "发票", "invoice", "sku", "型号", "part no", "serial")
"""Labels of other kinds of numbers: before a candidate they lower its confidence."""


def graded(alone: float, with_words: float, text: str, start: int, end: int, words: Words) -> float:
    """alone, or with_words when one of words is within WINDOW characters of [start, end);
    less LOWERED_BY when a label of another kind of number stands before it."""
    before = max(0, start - WINDOW)
    near = words.in_text(text, before, start) or words.in_text(text, end, end + WINDOW)
    confidence = with_words if near else alone
    if LOWERING_WORDS.in_text(text, before, start):
        confidence -= LOWERED_BY
    return max(0.0, round(confidence, 3))


# What may stand between a label and its number: "订单号：123", "tel - 123", "密码是 abc".
_GAP = " \t:：=-（(\"'是为"


def word_before(text: str, start: int, words: tuple[str, ...]) -> bool:
    """True when one of words (lower-case) ends just before start, maybe followed by a gap.

    A word made of ASCII letters must not continue a longer word ("paid" is not "id").
    """
    i = start
    limit = max(0, start - 4)
    while i > limit and text[i - 1] in _GAP:
        i -= 1
    head = lowered(text)[max(0, i - 12) : i]
    if not head.endswith(words):
        return False
    for word in words:
        if head.endswith(word):
            j = i - len(word)
            if not (word[0].isascii() and word[0].isalpha()) or j == 0:
                return True
            before = text[j - 1]
            if not (before.isascii() and before.isalpha()):
                return True
    return False
