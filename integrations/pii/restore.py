"""Streaming restoration: placeholders in model output become the original values again."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .policies import PLACEHOLDER_RE

__all__ = ["LOST_NOTE", "PlaceholderRestorer"]

LOST_NOTE = ("\n\n(Some personal details in this answer could not be put back: Roost's stored record of"
             " them was damaged and has been dropped.)")


class PlaceholderRestorer:
    """Replaces known placeholders in a stream of chunks, also when one is split across chunks.

    Only a tail that can still grow into a known placeholder is held back, so at most the
    longest placeholder's length minus one character waits; anything else is emitted at once.
    A placeholder that is not in the map (one the model made up) is left as it is. When the
    map was lost (lost=True: its stored copy was damaged), an answer that still holds an unknown
    placeholder ends with LOST_NOTE, once.
    """

    def __init__(self, mapping: Mapping[str, str], *, lost: bool = False) -> None:
        self._mapping = dict(mapping)
        self._prefixes = {key[:i] for key in self._mapping for i in range(1, len(key))}
        self._window = max((len(key) for key in self._mapping), default=0)
        self._held = ""
        self._lost = lost
        self._unknown_seen = False

    def restore(self, text: str) -> str:
        """Replace every known placeholder in a complete text."""
        restored = self._replace(text)
        if self._unknown_seen and self._lost:
            self._lost = False
            return restored + LOST_NOTE
        return restored

    def _replace(self, text: str) -> str:
        if "[" not in text or not (self._mapping or self._lost):
            return text
        mapping = self._mapping

        def known(match: re.Match[str]) -> str:
            found = mapping.get(match.group())
            if found is None:
                self._unknown_seen = True
                return match.group()
            return found

        return PLACEHOLDER_RE.sub(known, text)

    def feed(self, chunk: str) -> str:
        """Take the next chunk; return the text that is safe to emit now."""
        if not self._mapping:
            return self._replace(chunk)
        text = self._held + chunk
        cut = len(text)
        bracket = text.rfind("[", max(0, len(text) - self._window + 1))
        if bracket != -1 and text[bracket:] in self._prefixes:
            cut = bracket
        self._held = text[cut:]
        return self._replace(text[:cut])

    def flush(self) -> str:
        """Return what is still held back (an unfinished placeholder as it stands), and LOST_NOTE if due."""
        held, self._held = self._held, ""
        return self.restore(held)

    @property
    def pending(self) -> str:
        """The text held back right now, waiting to see whether it completes a placeholder."""
        return self._held
