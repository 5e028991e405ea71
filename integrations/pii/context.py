"""Context words as an input to confidence: words near a candidate raise it, labels of other numbers lower it.

Each recognizer names the words that speak for its entity; a finding below its entity's threshold
(``pii: entities: NAME: {threshold: 0.5}``, the default) is dropped before overlaps are resolved.
"""

from __future__ import annotations

WINDOW = 24
"""Characters on each side of a candidate where context words count."""
DEFAULT_THRESHOLD = 0.5
LOWERING_WORDS = ("订单", "order", "tracking", "快递", "运单", "发票", "invoice", "sku", "型号", "part no", "serial")
"""Labels of other kinds of numbers: before a candidate they lower its confidence."""
LOWERED_BY = 0.5
"""Enough to take a finding a word speaks for (0.9) under the default threshold: the label wins."""


def graded(alone: float, with_words: float, text: str, start: int, end: int, words: tuple[str, ...]) -> float:
    """alone, or with_words when one of words (lower-case) is within WINDOW characters of [start, end);
    less LOWERED_BY when a label of another kind of number stands before it."""
    before = text[max(0, start - WINDOW):start].lower()
    after = text[end:end + WINDOW].lower()
    confidence = with_words if any(w in before or w in after for w in words) else alone
    if any(w in before for w in LOWERING_WORDS):
        confidence -= LOWERED_BY
    return max(0.0, round(confidence, 3))
