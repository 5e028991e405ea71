"""Refusing patterns that can take exponential time: a repetition inside an unbounded repetition.

``(\\s+)+$`` or ``(\\w+\\s?)*x`` tries every way of splitting a run of characters between the
inner and the outer repetition before it gives up: 30 characters take seconds, 4,096 forever,
and Python's regular expressions hold the interpreter lock while they search, so no thread
helps. Such a pattern is refused where it is configured. What is allowed instead: possessive
repetitions (``(?:\\s++)+``) and atomic groups (``(?>\\s+)+``), which never give back what they
matched. Other slow shapes (``\\s*x\\s*$``, quadratic) are bounded by ``roost: regex_max_text``.
"""

from __future__ import annotations

import re
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT)


def nested_repetition(pattern: re.Pattern[str]) -> str | None:
    """Where a pattern can split a run of characters between two repetitions every way, or None."""
    return _walk(sre_parse.parse(pattern.pattern, pattern.flags))


def _walk(items: Any) -> str | None:
    """Look for an unbounded repetition whose body splits (lookarounds are atomic: not searched)."""
    for op, value in items:
        if op in _REPEATS:
            if value[1] == sre_c.MAXREPEAT and _splits(value[2]):
                return "a repetition inside a repetition, with nothing between them that must match"
            found = _walk(value[2])
        elif op == sre_c.SUBPATTERN:
            found = _walk(value[-1])
        elif op == sre_c.BRANCH:
            found = next((f for branch in value[1] if (f := _walk(branch))), None)
        else:  # literals, classes, anchors; possessive repetitions and atomic groups never backtrack
            continue
        if found:
            return found
    return None


def _splits(body: Any) -> bool:
    """Whether a repeated body is a variable repetition and otherwise only what may match nothing."""
    if len(body) == 1 and body[0][0] == sre_c.SUBPATTERN:
        return _splits(body[0][1][-1])
    if len(body) == 1 and body[0][0] == sre_c.BRANCH:
        return any(_splits(branch) for branch in body[0][1][1])
    variable = [i for i, (op, value) in enumerate(body) if op in _REPEATS and value[1] > 1 and value[0] != value[1]]
    if not variable:
        return False
    rest = sre_parse.SubPattern(body.state, [item for i, item in enumerate(body) if i != variable[0]])
    return rest.getwidth()[0] == 0
