"""Streaming restoration: placeholders in model output become the original values again."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from .policies import PLACEHOLDER_RE

__all__ = ["LOST_NOTE", "PlaceholderRestorer"]

LOST_NOTE = ("\n\n(Some personal details in this answer could not be put back: Roost's stored record of"
             " them was damaged and has been dropped.)")
_SEPARATORS = re.compile(r"[ _\-]")
_WORD = re.compile(r"[A-Za-z0-9_]")


def _bare(placeholder: str) -> str:
    """The letters and digits of a placeholder in lower case: "[CN_ID_1]", "cn id 1" and "CN-ID-1" give "cnid1"."""
    return _SEPARATORS.sub("", placeholder.strip("[]")).lower()


def _written(placeholder: str) -> str:
    """A regex for the ways a model writes a placeholder back in brackets: "_", " " or "-" between its words or none."""
    return r"[ _\-]?".join(map(re.escape, placeholder.strip("[]").split("_")))


class PlaceholderRestorer:
    """Replaces known placeholders in a stream of chunks, also when one is split across chunks.

    A model writes placeholders back as it likes: "[phone_1]", "CARD_1", "[PHONE 1]", "[CARD_1" (the bundled
    model does these); each is restored whatever its case: in brackets (the closing one may be missing) with
    any of "_", " ", "-" or nothing between its words, or without brackets as it was given ("PHONE_1", not
    "phone 1", which is prose), not inside a longer word. Only a tail that can still grow into a known
    placeholder is held back, at most the longest placeholder's length plus two; the rest is emitted at once.
    A placeholder that is not in the map (one the model made up) is left as it is. When the map was lost
    (lost=True: its stored copy was damaged), an answer that still holds an unknown placeholder ends with
    LOST_NOTE, once.
    """

    def __init__(self, mapping: Mapping[str, str], *, lost: bool = False) -> None:
        self._mapping = dict(mapping)
        bare = Counter(map(_bare, mapping))
        # Two placeholders that differ only where a model may write either way ("[AB_12]", "[AB1_2]") are restored
        # only as they were given, rather than one as the other.
        self._values = {_bare(p): value for p, value in mapping.items() if bare[_bare(p)] == 1}
        kept = sorted((p for p in mapping if _bare(p) in self._values), key=len, reverse=True)
        self._in_brackets = {key[:i] for key in self._values for i in range(1, len(key) + 1)}
        self._as_given = {p[1:i].lower() for p in kept for i in range(2, len(p))}
        self._window = max((len(key) for key in mapping), default=0) + 2
        self._pattern = re.compile(
            (rf"(?i:\[(?P<bracketed>{'|'.join(map(_written, kept))})(?:\]|(?![A-Za-z0-9_]))"
             rf"|(?<![A-Za-z0-9_\[])(?P<bare>{'|'.join(re.escape(p[1:-1]) for p in kept)})(?![A-Za-z0-9_\]]))|"
             if kept else "") + PLACEHOLDER_RE.pattern
        )
        self._held = ""
        self._before = ""
        """The last character emitted, which a placeholder after it must not continue."""
        self._lost = lost
        self._unknown_seen = False

    def restore(self, text: str) -> str:
        """Replace every known placeholder in a complete text."""
        return self._with_note(self._replace(text, ""))

    def _with_note(self, restored: str) -> str:
        """The end of an answer, with LOST_NOTE once if an unknown placeholder was seen while the map was lost."""
        if self._unknown_seen and self._lost:
            self._lost = False
            return restored + LOST_NOTE
        return restored

    def _replace(self, text: str, before: str) -> str:
        """text with its placeholders replaced; before is the character the model wrote before it (a placeholder
        does not continue a word)."""
        if not (self._mapping or self._lost):
            return text

        def value(match: re.Match[str]) -> str:
            written = match.group("bracketed") or match.group("bare") if self._values else None
            if written is not None:
                return self._values[_bare(written)]
            exact = self._mapping.get(match.group())
            if exact is None:
                self._unknown_seen = True  # a placeholder of the map's shape that is not in it
                return match.group()
            return exact

        source = before + text
        pieces: list[str] = []
        done = len(before)
        for match in self._pattern.finditer(source, len(before)):  # the lookbehinds see `before`
            pieces += (source[done:match.start()], value(match))
            done = match.end()
        pieces.append(source[done:])
        return "".join(pieces)

    def feed(self, chunk: str) -> str:
        """Take the next chunk; return the text that is safe to emit now."""
        before = self._before
        text = self._held + chunk
        cut = next((i for i in range(max(0, len(text) - self._window), len(text)) if self._may_grow(text, i)),
                   len(text)) if self._mapping else len(text)
        self._held = text[cut:]
        self._before = text[cut - 1] if cut else before
        return self._replace(text[:cut], before)

    def _may_grow(self, text: str, start: int) -> bool:
        """Whether text[start:] may still become a known placeholder as more text comes."""
        head = text[start]
        if head == "[":
            tail = text[start + 1:]
            return not tail or (tail[0] not in " _-" and "]" not in tail and _bare(tail) in self._in_brackets)
        previous = text[start - 1] if start else self._before
        if _WORD.match(previous) or previous == "[":
            return False  # inside a word, or after a bracket (that start was looked at first)
        return text[start:].lower() in self._as_given

    def flush(self) -> str:
        """Return what is still held back (an unfinished placeholder as it stands), and LOST_NOTE if due."""
        held, self._held = self._held, ""
        return self._with_note(self._replace(held, self._before))

    @property
    def pending(self) -> str:
        """The text held back right now, waiting to see whether it completes a placeholder."""
        return self._held
