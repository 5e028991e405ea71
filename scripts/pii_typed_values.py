"""Values typed otherwise for the pii evaluation (``--typed``): as a phone, a word processor or another keyboard types
them, with no-break or narrow no-break spaces, non-breaking hyphens or en dashes, a zero-width space within them, or
Arabic, Persian, Hindi, Bengali or Thai digits."""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["retyped"]

Labelled = tuple[str, list[tuple[str, str]]]
"""A sentence and the (entity, value) pairs in it."""

_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50)
"""The zeros of Arabic, Persian, Hindi, Bengali and Thai digits: written here again, not taken from typed_forms.py,
so that the evaluation does not make its values from the table it measures."""
_RETYPINGS: tuple[Callable[[str, random.Random], str], ...] = (
    lambda text, rng: text.replace(" ", rng.choice(("\u00a0", "\u202f"))),
    lambda text, rng: text.replace("-", rng.choice(("\u2011", "\u2013"))),
    lambda text, rng: (lambda at: text[:at] + "\u200b" + text[at:])(rng.randrange(1, len(text))),
    lambda text, rng: (lambda zero: text.translate({0x30 + d: zero + d for d in range(10)}))(rng.choice(_ZEROS)),
)


def retyped(labelled_sentences: list[Labelled], seed: int) -> list[Labelled]:
    """The sentences with each value (a hard negative: its whole sentence) typed one of the ways _RETYPINGS know."""
    rng = random.Random(f"typed {seed}")
    out: list[Labelled] = []
    for text, labelled in labelled_sentences:
        retyping = rng.choice(_RETYPINGS)
        if not labelled:
            out.append((retyping(text, rng) if len(text) > 1 else text, []))
            continue
        values = []
        for entity, value in labelled:
            typed = retyping(value, rng) if len(value) > 1 else value
            at = _standing_alone(text, value)
            text = text[:at] + typed + text[at + len(value):]
            values.append((entity, typed))
        out.append((text, values))
    return out


def _standing_alone(text: str, value: str) -> int:
    """Where value stands in text not as part of a longer word or number ("242" in "card ending 4242, … CVC 242"),
    else where it first stands."""
    at = text.find(value)
    while at != -1:
        end = at + len(value)
        if not (at and text[at - 1].isalnum()) and not (end < len(text) and text[end].isalnum()):
            return at
        at = text.find(value, at + 1)
    return text.find(value)
