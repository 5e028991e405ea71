"""Values a text labels ("Name:", "DOB", "收货地址："): the search for labels around their cues, and the recognizer of
a value right after its label.

A label is looked for only near a cue, a word it holds, found by the one scan of a text for the words of every kind
(context.py): the labels' regexes over whole texts cost the pii benchmark 45 % of its messages a second (names'
labels, searched so).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator

from .context import Words
from .registry import Finding

__all__ = ["NUMBER_GAP", "SAID_GAP", "LabelledValueRecognizer", "labels_near"]

SAID_GAP = r"[ \t]*[:：#=\-]?[ \t]*(?:(?:is|es|est|este|ist|é|è|är|er|to)[ \t]+|[は是為为][ \t]*)?"
"""What may stand between a label that says "number" itself and its value: a colon, a verb (in lower case only: "NI
number ES 12 34 56 A" is a number), a particle ("口座番号は")."""
NUMBER_GAP = r"[ \t]*(?:(?i:number|no\.?|n[°º.]|num[ée]ro)(?![A-Za-z])[ \t]*)?" + SAID_GAP
"""What may stand between a number's label and the number: "number", "n.", and what SAID_GAP allows."""


def labels_near(text: str, cues: Words, label_for: Callable[[str, int, str], re.Pattern[str] | None],
                reach: int) -> Iterator[re.Match[str]]:
    """Each match of a label that begins within reach characters of a cue in text, once, matched whole from where it
    begins (what it takes after itself may run past the window).

    label_for(text, at, cue): the label's regex to look for around the cue at at, or None to pass the cue by.
    """
    seen: set[tuple[int, re.Pattern[str]]] = set()  # the windows of cues near each other overlap
    for at, cue in cues.occurrences(text):
        label = label_for(text, at, cue)
        if label is None:
            continue
        for near in label.finditer(text, max(0, at - reach), at + len(cue) + reach):
            if (near.start(), label) not in seen:
                seen.add((near.start(), label))
                whole = label.match(text, near.start())
                if whole is not None:
                    yield whole


class LabelledValueRecognizer(ABC):
    """A value right after its label, with one confidence: a subclass names its cues, how far from a cue a label
    may begin (``reach``), its labels (or which to look for around a cue), and where the value after a label ends."""

    entity: str
    cues: Words
    reach: int
    confidence: float
    label: re.Pattern[str]
    """The labels looked for around every cue (a subclass with labels by cue says which in label_for)."""

    @property
    def applies(self) -> Callable[[str], bool]:
        """Whether a text has a cue for a label, which only can give a value: the cues' own test, which the registry
        calls with no frame of this class's between (~500 instructions less a recognizer a message, cachegrind)."""
        return self.cues.anywhere

    def find(self, text: str) -> Iterator[Finding]:
        """Yield the values that follow the labels."""
        for label in labels_near(text, self.cues, self.label_for, self.reach):
            end = self.value_end(text, label)
            if end:
                yield Finding(self.entity, label.end(), end, text[label.end():end], self.confidence)

    def label_for(self, text: str, at: int, cue: str) -> re.Pattern[str] | None:
        """The label's regex to look for around the cue at at (None: pass it by): the labels, whatever the cue."""
        return self.label

    @abstractmethod
    def value_end(self, text: str, label: re.Match[str]) -> int:
        """Where the value after label ends, 0 when what follows it is no such value."""
