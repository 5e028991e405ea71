"""Digit runs: one cheap scan per text that every numeric recognizer starts from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

__all__ = ["EXTENSION", "LONG_TEXT", "MIN_RUN", "digit_runs", "longest_run", "matches_in_runs", "without_extension"]

#: Above this length a text is searched whole: per-run bookkeeping would cost more than it saves.
LONG_TEXT = 4096

#: The shortest run a recognizer looks at (an IPv4 address, 1.2.3.4).
MIN_RUN = 7
EXTENSION = r"\s?(?:(?i:x|ext\.?)|#|转|分机)\s?[0-9]{1,5}"
"""A phone number's extension after its digits: "x123", " ext. 45", "#7", "转8008", "分机 12"."""
_EXTENSION_AT_END = re.compile(f"(?:{EXTENSION})$")
# Digits with the separators numbers are written with: spaces, dashes, dots, slashes, +, parentheses,
# and a phone number's extension ("x123", "ext. 45"). Shorter runs (prices, times, counts: most of a
# message's runs) are not collected: 5.3 us a 200-character message with every run, 4.0 us without
# them (pii benchmark). A slash only after a first group ("030/1234567") cost 6.6 us instead of 3.3.
_DIGIT_RUN = re.compile(rf"[0-9+(][0-9 \-()+./]{{{MIN_RUN - 2},}}[0-9](?:{EXTENSION})?")
_DATE = re.compile(r"(?:19|20)[0-9]{2}([-./])[01]?[0-9]\1[0-3]?[0-9](?: [0-2][0-9])?")
"""A date, maybe with the hour a time's colon cut the run after ("2024-01-05 14"): no identifier of any kind, so
not a run. Every numeric recognizer searched each such run in vain (5 % of the pii benchmark's instructions)."""
_last: tuple[str, list[tuple[int, int]], int] = ("", [], 0)


def _scan(text: str) -> tuple[str, list[tuple[int, int]], int]:
    """The runs of text and the length of the longest, from the one-entry cache."""
    global _last
    entry = _last
    if entry[0] is text:
        return entry
    if len(text) > LONG_TEXT:
        entry = (text, [(0, len(text))], len(text))
    else:
        runs = []
        longest = 0
        for match in _DIGIT_RUN.finditer(text):  # one loop, not a list and a max over it: 1.8 % less
            start, end = span = match.span()
            if text[start + 4:start + 5] in "-./" and _DATE.fullmatch(text, start, end):
                continue
            runs.append(span)
            if end - start > longest:
                longest = end - start
        entry = (text, runs, longest)
    _last = entry
    return entry


def digit_runs(text: str) -> list[tuple[int, int]]:
    """Spans of digits and separators at least MIN_RUN long, dates left out; a long text is one span, searched
    whole. The result for the latest text is reused.

    Several recognizers look at the same message one after another, so caching the last
    text's runs makes the scan happen once per message.
    """
    entry = _last  # read here, not through _scan: ~10 calls a message (2.5 % of the pii benchmark's instructions)
    return (entry if entry[0] is text else _scan(text))[1]


def longest_run(text: str) -> int:
    """The length of the text's longest digit run (0 without one; a long text's whole length)."""
    entry = _last
    return (entry if entry[0] is text else _scan(text))[2]


def matches_in_runs(regex: re.Pattern[str], text: str, min_length: int,
                    worth: Callable[[str, int, int], bool] | None = None) -> Iterator[re.Match[str]]:
    """Matches of regex inside digit runs of at least min_length characters (and, if given, for which
    worth(text, start, end) is true: a recognizer rules out a run before the search).

    A numeric match lies inside one run, so searching only there finds the same matches as
    searching the whole text. Lookbehinds still see the text before the run; the search goes
    two characters past it so that a trailing check character (the X of an ID) and the
    boundary after it are visible. A long text is searched whole, with the same result (worth is not asked
    about it).
    """
    if len(text) > LONG_TEXT:
        yield from regex.finditer(text)
        return
    for start, end in digit_runs(text):
        if end - start >= min_length and (worth is None or worth(text, start, end)):
            yield from regex.finditer(text, start, end + 2)


def without_extension(number: str) -> str:
    """number without the extension at its end, if it has one."""
    return _EXTENSION_AT_END.sub("", number)
