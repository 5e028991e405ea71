"""Digit runs: one cheap scan per text that every numeric recognizer starts from."""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["LONG_TEXT", "digit_runs", "has_run", "matches_in_runs", "mentions", "word_before"]

#: Above this length a text is searched whole: per-run bookkeeping would cost more than it saves.
LONG_TEXT = 4096

# Digits with the separators numbers are written with: spaces, dashes, dots, +, parentheses.
_DIGIT_RUN = re.compile(r"[0-9+(][0-9 \-()+.]*[0-9]")
_last: tuple[str, list[tuple[int, int]], int] = ("", [], 0)


def _scan(text: str) -> tuple[str, list[tuple[int, int]], int]:
    """The runs of text and the length of the longest, from the one-entry cache."""
    global _last
    entry = _last
    if entry[0] is not text:
        runs = [m.span() for m in _DIGIT_RUN.finditer(text)]
        entry = (text, runs, max([e - s for s, e in runs], default=0))
        _last = entry
    return entry


def digit_runs(text: str) -> list[tuple[int, int]]:
    """Spans of digits and separators; the result for the latest text is reused.

    Several recognizers look at the same message one after another, so caching the last
    text's runs makes the scan happen once per message.
    """
    return _scan(text)[1]


def has_run(text: str, min_length: int) -> bool:
    """True when the text has a digit run of at least min_length characters (or is long)."""
    return len(text) > LONG_TEXT or _scan(text)[2] >= min_length


def matches_in_runs(regex: re.Pattern[str], text: str, min_length: int) -> Iterator[re.Match[str]]:
    """Matches of regex inside digit runs of at least min_length characters.

    A numeric match lies inside one run, so searching only there finds the same matches as
    searching the whole text. Lookbehinds still see the text before the run; the search goes
    two characters past it so that a trailing check character (the X of an ID) and the
    boundary after it are visible. A long text is searched whole, with the same result.
    """
    if len(text) > LONG_TEXT:
        yield from regex.finditer(text)
        return
    for start, end in digit_runs(text):
        if end - start >= min_length:
            yield from regex.finditer(text, start, end + 2)


_lowered: tuple[str, str] = ("", "")


def mentions(text: str, words: tuple[str, ...]) -> bool:
    """Whether any of words (lower-case) occurs in text; the lower-cased text is kept for the next call.

    Several recognizers ask about the same message; substring tests on one lowered copy cost a
    few microseconds where a case-insensitive alternation regex over the text cost ~20 (pii
    benchmark, 200-character messages).
    """
    global _lowered
    if _lowered[0] is not text:
        _lowered = (text, text.lower())
    lowered = _lowered[1]
    return any(word in lowered for word in words)


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
    head = text[max(0, i - 12) : i].lower()
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
