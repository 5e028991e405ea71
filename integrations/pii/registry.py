"""Findings, the recognizer contract and the registry that runs recognizers over text."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from .context import DEFAULT_THRESHOLD
from .runs import longest_run
from .typed_forms import read

__all__ = ["ENTITY_NAME", "Finding", "Recognizer", "RecognizerRegistry", "resolve_overlaps"]

#: What an entity type may be called: it becomes part of placeholders like ``[CN_ID_1]``.
ENTITY_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


@dataclass(frozen=True, slots=True)
class Finding:
    """One sensitive span: its entity type, where it is, its text and how sure we are."""

    entity: str
    start: int
    end: int
    text: str
    confidence: float


@runtime_checkable
class Recognizer(Protocol):
    """Finds spans of one entity type. Two cheap prefilters are optional: ``applies(text) -> bool``, and
    ``shortest_run``, the length of the shortest digit run (runs.py) the recognizer can find anything in."""

    entity: str

    def find(self, text: str) -> Iterable[Finding]:
        """Yield the validated findings in text."""
        ...


def _in_a_decimal(text: str, start: int, end: int) -> bool:
    """Whether the digits at [start, end) are a decimal number's, whatever they look like: after its point (its
    decimals, "3.14159265359") or before it (its integer part, "13964804384.62")."""
    if start >= 2 and text[start - 1] == "." and text[start - 2].isdigit() and text[start].isdigit():
        return True
    return end + 1 < len(text) and text[end] == "." and text[end + 1].isdigit() and text[end - 1].isdigit()


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Join overlapping findings of one entity, then keep the most confident, then the longest, of overlapping
    findings; sort by position."""
    ranked = sorted(_joined(findings), key=lambda f: (-f.confidence, f.start - f.end, f.start))
    starts: list[int] = []  # the kept findings never overlap, so they sort by start and end
    kept: list[Finding] = []
    for cand in ranked:
        i = bisect.bisect_right(starts, cand.start)
        if i and kept[i - 1].end > cand.start:
            continue
        if i < len(kept) and kept[i].start < cand.end:
            continue
        starts.insert(i, cand.start)
        kept.insert(i, cand)
    return kept


def _joined(findings: Iterable[Finding]) -> list[Finding]:
    """Overlapping findings of one entity as one, as confident as the surer: both say the text there is of that kind
    ("Address: 221B Baker Street" to the line's end, and the street's address that goes on to "London NW1 6XE" on the
    next line: kept apart, the less sure one would lose to the other and leave the postcode in the text)."""
    joined: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.entity, f.start)):
        last = joined[-1] if joined else None
        if last is None or last.entity != finding.entity or finding.start >= last.end:
            joined.append(finding)
            continue
        end, text = last.end, last.text
        if finding.end > end:
            end, text = finding.end, text + finding.text[end - finding.start:]
        joined[-1] = Finding(last.entity, last.start, end, text, max(last.confidence, finding.confidence))
    return joined


class RecognizerRegistry:
    """The recognizers in use; other integrations add theirs with ``register``."""

    def __init__(self) -> None:
        self._entries: list[tuple[str, int, Callable[[str], bool] | None, Recognizer]] = []

    def register(self, recognizer: Recognizer) -> None:
        """Add a recognizer; its ``entity`` must be an upper-case name like ``CN_ID``."""
        entity = getattr(recognizer, "entity", None)
        if not isinstance(entity, str) or not ENTITY_NAME.fullmatch(entity):
            raise ValueError(
                f"recognizer {recognizer!r} has entity {entity!r}; expected an upper-case "
                "name of letters, digits and underscores such as 'CN_ID'"
            )
        if not callable(getattr(recognizer, "find", None)):
            raise ValueError(f"recognizer {recognizer!r} has no find(text) method")
        shortest = getattr(recognizer, "shortest_run", 0)
        if not isinstance(shortest, int) or shortest < 0:
            raise ValueError(f"recognizer {recognizer!r} has shortest_run {shortest!r}; expected a length, 0 or more")
        applies = getattr(recognizer, "applies", None)
        self._entries.append((entity, shortest, applies if callable(applies) else None, recognizer))

    def unregister(self, recognizer: Recognizer) -> None:
        """Remove a recognizer added earlier."""
        self._entries = [e for e in self._entries if e[3] is not recognizer]

    @property
    def entities(self) -> list[str]:
        """The entity types the registered recognizers produce, in registration order."""
        seen: dict[str, None] = {}
        for entity, _, _, _ in self._entries:
            seen.setdefault(entity, None)
        return list(seen)

    def __iter__(self) -> Iterator[Recognizer]:
        """Iterate over the registered recognizers."""
        return (rec for _, _, _, rec in self._entries)

    def __len__(self) -> int:
        """Number of registered recognizers."""
        return len(self._entries)

    def analyze(
        self,
        text: str,
        entities: Collection[str] | None = None,
        skip: Collection[str] = (),
        thresholds: Mapping[str, float] | None = None,
    ) -> list[Finding]:
        """Run the recognizers (only for ``entities`` if given, none in ``skip``); findings below their entity's
        threshold (``thresholds``, else context.DEFAULT_THRESHOLD) dropped, and digits that are a number's
        decimals ("3.14159265359", "0.4111111111111111") or its integer part ("13964804384.62"), then overlaps
        resolved.

        Characters typed in another form are read as their ASCII (typed_forms.py: full-width digits and letters,
        １３９…, typeset spaces and dashes, "06 12 34 56 78"), invisible ones not at all ("john\u200b@…"): a span
        is of the text as given, and takes in what was left out within it.
        """
        found: list[Finding] = []
        scan, origin = read(text)
        entries = self._entries
        if entities is not None or skip:
            entries = [e for e in entries if (entities is None or e[0] in entities) and e[0] not in skip]
        # The digit runs' length is read here rather than in an applies() of each numeric recognizer: five calls
        # fewer a message (1.1 % of the pii benchmark's instructions).
        longest = longest_run(scan)
        for _, shortest, applies, recognizer in entries:
            if longest < shortest or (applies is not None and not applies(scan)):
                continue
            found.extend(recognizer.find(scan))
        if found:
            limits = thresholds or {}
            found = [f for f in found if f.confidence >= limits.get(f.entity, DEFAULT_THRESHOLD)
                     and not _in_a_decimal(scan, f.start, f.end)]
        if origin is not None:
            found = [replace(f, start=origin[f.start], end=origin[f.end - 1] + 1) for f in found]
        if scan is not text:
            found = [replace(f, text=text[f.start:f.end]) for f in found]
        if len(found) < 2:
            return found
        return resolve_overlaps(found)
