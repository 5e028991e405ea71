"""Passages found in the knowledge base, and fitting them into a prompt's character budget."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

__all__ = ["Passage", "fit_passages", "merge_passages"]

_ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of a knowledge document: its file (relative path), heading path, text and score."""

    path: str
    title: str
    text: str
    score: float


def merge_passages(*groups: Iterable[Passage]) -> list[Passage]:
    """Concatenate passage lists in order, dropping repeats of the same path, title and text."""
    seen: set[tuple[str, str, str]] = set()
    merged: list[Passage] = []
    for group in groups:
        for passage in group:
            key = (passage.path, passage.title, passage.text)
            if key not in seen:
                seen.add(key)
                merged.append(passage)
    return merged


def fit_passages(passages: Iterable[Passage], max_chars: int) -> list[Passage]:
    """Keep passages in order until their text reaches max_chars; the last one may be shortened."""
    kept: list[Passage] = []
    budget = max_chars
    for passage in passages:
        if budget <= 0:
            break
        if len(passage.text) <= budget:
            kept.append(passage)
            budget -= len(passage.text)
            continue
        if budget > len(_ELLIPSIS) + 20:
            cut = passage.text[: budget - len(_ELLIPSIS)].rstrip()
            kept.append(replace(passage, text=cut + _ELLIPSIS))
        break
    return kept
