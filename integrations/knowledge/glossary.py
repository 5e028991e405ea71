"""Find glossary terms and aliases mentioned in a message (case-insensitive, CJK as substrings)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .passages import Passage
from .query import CJK_RANGES, normalize

__all__ = ["GlossaryEntry", "GlossaryMatcher"]

# A word character of a script written with spaces (not underscore, not CJK): the boundary that
# keeps "tart" from matching inside "start" while "VIP" still matches in "VIP会员".
_SPACED_WORD_CHAR = re.compile(f"[^\\W_{CJK_RANGES}]")


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One name (term or alias) of a glossary chunk, with the passage it pulls in."""

    name: str
    passage: Passage


class GlossaryMatcher:
    """Matches every glossary name in one pass with a longest-first regular expression."""

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        """Compile the names of the given entries."""
        self._by_key: dict[str, list[Passage]] = {}
        for entry in entries:
            key = normalize(entry.name).strip()
            if key:
                passages = self._by_key.setdefault(key, [])
                if entry.passage not in passages:
                    passages.append(entry.passage)
        self._keys = sorted(self._by_key, key=len, reverse=True)
        patterns = [self._pattern(index, key) for index, key in enumerate(self._keys)]
        self._regex = re.compile("|".join(patterns)) if patterns else None

    def __len__(self) -> int:
        """Number of distinct names."""
        return len(self._by_key)

    @staticmethod
    def _pattern(index: int, key: str) -> str:
        """A key as group k<index>, bounded where it starts or ends with a spaced-script letter."""
        pattern = f"(?P<k{index}>{re.escape(key)})"
        if _SPACED_WORD_CHAR.match(key[0]):
            pattern = f"(?<![^\\W_{CJK_RANGES}])" + pattern
        if _SPACED_WORD_CHAR.match(key[-1]):
            plural = "(?:e?s)?" if key[-1].isalpha() else ""  # "tarts" mentions "tart"
            pattern += f"{plural}(?![^\\W_{CJK_RANGES}])"
        return pattern

    def hits(self, text: str) -> list[Passage]:
        """Passages of the names found in text, ordered by first mention, scored by mentions."""
        if self._regex is None or not text:
            return []
        counts: dict[Passage, int] = {}
        for match in self._regex.finditer(normalize(text)):
            key = self._keys[int(str(match.lastgroup)[1:])]
            for passage in self._by_key[key]:
                counts[passage] = counts.get(passage, 0) + 1
        return [
            Passage(p.path, p.title, p.text, float(count)) for p, count in counts.items()
        ]
