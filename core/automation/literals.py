"""Literals a regular expression needs, case folding, and one trie regex to find many literals.

`required_literals(pattern)` reads the parsed pattern and returns strings of which every match
must contain at least one ("colou?r" -> {"color", "colour"}, "^(?:hi|hey)" -> {"hi", "hey"}),
so a message can be ruled out without running the pattern. Text and literals are compared
after `fold`, one character at a time, the way `re.IGNORECASE` compares characters (so "ſ"
meets "s" and "K" meets "k"); str.lower() would not do, because it looks at context (a final
sigma) and may turn one character into two ("İ").
"""

from __future__ import annotations

import _sre
import re
from collections.abc import Iterable
from re import _casefix  # type: ignore[attr-defined]
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

MAX_ALTERNATIVES = 32
"""A literal set larger than this is not worth indexing (and its cross products explode)."""

Candidates = list[frozenset[str]]


class _FoldTable(dict):  # type: ignore[type-arg]
    """Code point -> the smallest code point re.IGNORECASE treats as the same letter."""

    def __missing__(self, code: int) -> int:
        lower = _sre.unicode_tolower(code)
        folded = min((lower, *_casefix._EXTRA_CASES.get(lower, ())))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Case-fold text character by character, as re.IGNORECASE compares characters."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings of which every match of pattern contains at least one, or None when there are none.

    Of all the sets found, the one whose shortest string is longest wins (then the smallest).
    """
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return None
    found = [_minimal(strings) for strings in _sequence(list(parsed))]
    if not found:
        return None
    return max(found, key=lambda strings: (min(map(len, strings)), -len(strings)))


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """Drop strings that contain another one of the set: the shorter one is met whenever they are."""
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


def required_literal(pattern: re.Pattern[str]) -> str | None:
    """The one literal every match of pattern contains, when the best requirement is a single string."""
    literals = required_literals(pattern)
    if literals is None or len(literals) != 1:
        return None
    return next(iter(literals))


def _sequence(items: list[tuple[Any, Any]]) -> Candidates:
    """Candidate sets of a sequence: runs of exact text, and what each non-exact item requires."""
    found: Candidates = []
    run: set[str] = {""}

    def close() -> None:
        if "" not in run:
            found.append(frozenset(run))

    for op, arg in items:
        if op is sre_c.AT:
            continue  # zero width: the characters on both sides are adjacent in the text
        exact = _exact_item(op, arg)
        if exact is not None and len(run) * len(exact) <= MAX_ALTERNATIVES:
            run = {head + tail for head in run for tail in exact}
            continue
        close()
        if exact is not None and len(exact) <= MAX_ALTERNATIVES:
            run = set(exact)  # too many combined with what came before: start a new run
            continue
        run = {""}
        found.extend(_inner(op, arg))
    close()
    return found


def _exact_item(op: Any, arg: Any) -> set[str] | None:
    """Every string an item can match, when that is a small finite set of plain text."""
    if op is sre_c.LITERAL:
        return {chr(arg)}
    if op is sre_c.IN:
        if len(arg) <= MAX_ALTERNATIVES and all(kind is sre_c.LITERAL for kind, _ in arg):
            return {chr(code) for _, code in arg}
        return None
    if op is sre_c.SUBPATTERN:
        return _exact_sequence(arg[-1])
    if op is sre_c.BRANCH:
        union: set[str] = set()
        for alternative in arg[1]:
            strings = _exact_sequence(alternative)
            if strings is None:
                return None
            union |= strings
        return union if len(union) <= MAX_ALTERNATIVES else None
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and arg[0] == 0 and arg[1] == 1:
        body = _exact_sequence(arg[2])  # x? is "" or x
        return None if body is None else body | {""}
    return None


def _exact_sequence(items: Any) -> set[str] | None:
    strings: set[str] = {""}
    for op, arg in items:
        if op is sre_c.AT:
            continue
        exact = _exact_item(op, arg)
        if exact is None or len(strings) * len(exact) > MAX_ALTERNATIVES:
            return None
        strings = {head + tail for head in strings for tail in exact}
    return strings


def _inner(op: Any, arg: Any) -> Candidates:
    """What an item that is not plain text still requires of the text."""
    if op is sre_c.SUBPATTERN:
        return _sequence(list(arg[-1]))
    if op is sre_c.ATOMIC_GROUP:
        return _sequence(list(arg))
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT) and arg[0] >= 1:
        return _sequence(list(arg[2]))
    if op is sre_c.ASSERT:  # a lookahead or lookbehind: its text is in the message too
        return _sequence(list(arg[1]))
    if op is sre_c.BRANCH:
        union: set[str] = set()
        for alternative in arg[1]:
            found = _sequence(list(alternative))
            if not found:
                return []
            union |= max(found, key=lambda strings: (min(map(len, strings)), -len(strings)))
        return [frozenset(union)] if len(union) <= MAX_ALTERNATIVES else []
    return []


def trie_regex(words: Iterable[str]) -> str:
    """One regex alternation, shaped as a trie, that matches the longest of words at a position."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(trie)


def _emit(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [re.escape(char) + _emit(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?"
    return body
