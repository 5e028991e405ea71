"""Context words as an input to confidence: words near a candidate raise it, labels of other numbers lower it.

Each recognizer names the words that speak for its entity (a ``Words``); a finding below its entity's
threshold (``pii: entities: NAME: {threshold: 0.5}``, the default) is dropped before overlaps are resolved.
Every search reads one lower-cased copy of the message, made once however many recognizers ask, and
where the words of every kind asked about it occur is found in one scan.
"""

from __future__ import annotations

import bisect
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

    __slots__ = ("words", "cues", "_search", "_set")

    def __init__(self, *words: str, cues: tuple[str, ...] | None = None, scanned: bool = True) -> None:
        """scanned: whether the scan looks for the kind's cues from the first question; not for a kind only ever
        searched in windows (in_text), which joins the scan if it is asked about a whole text."""
        self.words = words
        self.cues = words if cues is None else cues
        """What the scan of a whole text looks for: the words, or shorter ones that each of them holds
        ("permit" for "travel permit"): anywhere() then says yes for a cue alone, never no for a word."""
        self._search = literal_union(words).search
        self._set = frozenset(self.cues)
        if scanned:
            _SCANNED.append(self)

    def __repr__(self) -> str:
        return f"Words{self.words!r}"

    def in_text(self, text: str, start: int, end: int) -> bool:
        """Whether one of the words occurs wholly within text[start:end]."""
        return self._search(lowered(text), start, end) is not None

    def anywhere(self, text: str) -> bool:
        """Whether one of the cues occurs anywhere in text (from the one scan of the text for every kind)."""
        latest = _SCAN.latest  # read here, not through of(): ~6 calls a message (1.1 % fewer instructions)
        if latest[0] is not text or self not in latest[1].joined:
            latest = _SCAN.of(text, self)
        return self in latest[3]

    def occurrences(self, text: str, begin: int = 0, end: int | None = None) -> list[tuple[int, str]]:
        """Where each of the cues occurs in text (or wholly within text[begin:end]), as (offset, cue) in text
        order (from the same scan; a window is found by bisection, as a long text may have thousands)."""
        _, union, hits, _ = _SCAN.of(text, self)
        if not hits:
            return []
        stop = len(text) if end is None else end
        if begin or end is not None:
            hits = hits[bisect.bisect_left(hits, (begin, "")):bisect.bisect_left(hits, (stop, ""))]
        return [(start, word) for start, longest in hits for word in union.prefixes[longest]
                if word in self._set and start + len(word) <= stop]


_Scanned = tuple[str, "_Union", list[tuple[int, str]], frozenset["Words"]]
"""A text, the scan's words, where the longest word at each place starts in it, and the kinds whose cues occur."""


_SCANNED: list[Words] = []
"""The kinds the scan looks for, all made as modules are imported (so a kind is made once, not for each text or each
recognizer made): those asked about whole texts."""


class _SharedScan:
    """One scan of the latest text for the words of every kind asked about whole texts (they are made as modules are
    imported, so the scan is made once, at the first question).

    Made anew for each kind as it was first asked about, the scan was remade ~20 times during a process's first
    messages (19-24 ms each here, 206 ms in the first analysis; 18 ms with every kind in the scan from the first). The
    kinds searched in windows only stay out: the phone words and the other numbers' labels in the scan cost each
    message of the pii benchmark ~17,000 instructions (cachegrind); without them, 375,700-375,800 against
    375,200-375,300 for the code that made the scan anew.

    The card, SSN, passport and permit words, searched one kind after another, cost 8.4-9.1 us in a
    200-character message of the pii benchmark; searched together, 3.9-5.1 us. The SECRET recognizer's
    triggers joined them: one scan for both costs 4.0 us (see _Union) where the two cost 6.0.
    """

    def __init__(self) -> None:
        self._union: _Union | None = None
        self.latest: _Scanned = ("", _Union(()), [], frozenset())
        """The latest text scanned, the scan's words, their places in it and the kinds they tell are there."""

    def of(self, text: str, kind: Words) -> _Scanned:
        """The latest text's scan (made anew if kind was made after it; the latest text's places are kept): the text,
        the scan's words, where the longest word at each place starts, and the kinds whose cues occur.

        The kinds are gathered once a text, so that anywhere() (~6 calls a message) is a set lookup rather than a
        look through the places of its own. What that saves is not told apart from the noise: variants of the code
        moved the pii benchmark's count by up to 5,000 instructions a message either way (cachegrind).
        """
        union = self._union
        if union is None or kind not in union.joined:
            if kind not in _SCANNED:
                _SCANNED.append(kind)  # a kind of windows asked about a whole text, or one made since
            union = self._union = _Union(tuple(_SCANNED))
        entry = self.latest  # read once: a long text is analyzed in a worker thread beside the loop
        if entry[0] is not text or entry[1] is not union:
            places = union.places(lowered(text))
            present = frozenset().union(*(union.kinds_of[word] for _, word in places)) if places else frozenset()
            entry = self.latest = (text, union, places, present)
        return entry


class _Union:
    """Every word of some kinds in two regexes, and for each word the kinds it tells are there.

    Words that start with an ASCII character and the others (Chinese) are searched apart: in one regex the
    engine checked every character against both alphabets; apart, 3.1 and 0.9 us a message of the pii
    benchmark where together 5.1, and a text all ASCII needs only the first.
    """

    def __init__(self, kinds: tuple[Words, ...]) -> None:
        self.kinds = kinds
        self.joined = frozenset(kinds)
        """The kinds, to ask whether one has joined: a tuple's test compared a kind with each before it (5,900
        instructions a message of the pii benchmark more, cachegrind)."""
        every = {word for kind in kinds for word in kind.cues}
        ascii_words = {word for word in every if word[0].isascii()}
        self._searches = tuple(literal_union(words).search for words in (ascii_words, every - ascii_words) if words)
        # A regex finds the longest word at a place; a shorter word there is a prefix of it. Looked up by each word's
        # own prefixes, not by testing every word against every other: the first analysis of a process took 21 ms, not 41.
        self.prefixes = {word: tuple(word[:i] for i in range(1, len(word) + 1) if word[:i] in every) for word in every}
        """For each word, the words it starts with (itself among them): they occur where it does."""
        self.kinds_of = {word: frozenset(k for k in kinds if k._set.intersection(self.prefixes[word]))
                         for word in every}
        """For each word, the kinds it tells are in the text."""

    def places(self, lower: str) -> list[tuple[int, str]]:
        """Where a word starts in the lower-cased text, and the longest word there, in text order."""
        places = []
        for search in self._searches[:1] if lower.isascii() else self._searches:
            match = search(lower)
            while match:
                places.append((match.start(), match.group()))
                match = search(lower, match.start() + 1)
        if len(self._searches) > 1 and places:
            places.sort()
        return places


_SCAN = _SharedScan()


LOWERING_WORDS = Words("订单", "order", "tracking", "快递", "运单", "发票", "invoice", "sku", "型号", "part no", "serial",
                       scanned=False)
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
