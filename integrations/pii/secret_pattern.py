"""One kind of secret the SECRET recognizer finds: where it is tried, what it matches, what it takes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["BEFORE", "SecretPattern"]

BEFORE = 48
"""How far before a secret's name a pattern's ``before`` looks."""


@dataclass(frozen=True, slots=True)
class SecretPattern:
    """One kind of secret: literal triggers where a match starts, the regex matched there.

    The regex is matched (anchored) at each occurrence of a trigger, found case-insensitively.
    ``group`` names the part that is the secret (0: all of it; -1: the first alternative
    group that matched); ``widen(text, start, end)`` may move its end (either way); ``check`` may reject
    a value that only looks like a secret.
    """

    name: str
    triggers: tuple[str, ...]
    regex: re.Pattern[str]
    confidence: float
    group: int = 0
    check: Callable[[str], bool] | None = None
    widen: Callable[[str, int, int], int] | None = None
    named: bool = False
    """The regex begins with a secret's name: after a key's or a token's, the value must look like one."""
    before: re.Pattern[str] | None = None
    """What must be said in the BEFORE characters before the regex's match, to end where it starts (``\\Z``): with a
    group, the secret said before its name ("482913 is your verification code"); without, words the name needs
    ("Your Uber code: 4829")."""

    def look_before(self, text: str, name: re.Match[str]) -> re.Match[str] | None:
        """The match that holds the secret, the name's or the one before it; None when before does not match."""
        said = self.before.search(text, max(0, name.start() - BEFORE), name.start()) if self.before else None
        if said is None:
            return None
        return said if said.re.groups else name
