"""Streaming restoration: placeholders in model output become the original values again."""

from __future__ import annotations

from collections.abc import Mapping

from .policies import PLACEHOLDER_RE

__all__ = ["PlaceholderRestorer"]


class PlaceholderRestorer:
    """Replaces known placeholders in a stream of chunks, also when one is split across chunks.

    Only a tail that can still grow into a known placeholder is held back, so at most the
    longest placeholder's length minus one character waits; anything else is emitted at once.
    A placeholder that is not in the map (one the model made up) is left as it is.
    """

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._mapping = dict(mapping)
        self._prefixes = {key[:i] for key in self._mapping for i in range(1, len(key))}
        self._window = max((len(key) for key in self._mapping), default=0)
        self._held = ""

    def restore(self, text: str) -> str:
        """Replace every known placeholder in a complete text."""
        if not self._mapping or "[" not in text:
            return text
        mapping = self._mapping
        return PLACEHOLDER_RE.sub(lambda m: mapping.get(m.group(), m.group()), text)

    def feed(self, chunk: str) -> str:
        """Take the next chunk; return the text that is safe to emit now."""
        if not self._mapping:
            return chunk
        text = self._held + chunk
        cut = len(text)
        bracket = text.rfind("[", max(0, len(text) - self._window + 1))
        if bracket != -1 and text[bracket:] in self._prefixes:
            cut = bracket
        self._held = text[cut:]
        return self.restore(text[:cut])

    def flush(self) -> str:
        """Return what is still held back: an unfinished placeholder is emitted as it stands."""
        held, self._held = self._held, ""
        return held

    @property
    def pending(self) -> str:
        """The text held back right now, waiting to see whether it completes a placeholder."""
        return self._held
