"""What a person's name looks like as people write theirs: words of a capital and small letters, initials, particles."""

from __future__ import annotations

import re

__all__ = ["PARTICLES", "a_person_s_name"]

PARTICLES = frozenset("van von der den de del della di da du le la bin binti al el ter ten te het die 't ’t 's ’s d' "
                      "d’ y dos das".split())
"""The words between a given and a family name that are in lower case ("Guido van Rossum", "José de la Cruz")."""


def a_person_s_name(name: str, whole: str | None) -> bool:
    """Words of a capital and small letters or an initial ("Brosca Erdôs", "Jean-Luc", "O'Connor", "MacDonald", "Anna M.
    Schmidt"), particles between them ("Guido van Rossum"; not a program's "LIBPATH" or "UserManager"); after "I'm"
    (whole) the first not what one is doing ("I'm Naomi Ryan"; not "I'm Feeling Lucky")."""
    parts = name.split()
    if not parts or whole and parts[0].lower().endswith("ing"):
        return False
    return any(char.isalpha() for char in name) and all(0 < at < len(parts) - 1 and part in PARTICLES
               or all(piece[:1].isupper() and (piece[1:].islower() or len(piece) == 1)
                      for piece in re.split(r"['’\-]", _past_prefix(part.rstrip("."))) if piece)
               for at, part in enumerate(parts))


def _past_prefix(word: str) -> str:
    """word without a family name's prefix before its capital ("MacDonald", "McCarthy", "DeLuca", "LeBlanc")."""
    for prefix in ("Mac", "Mc", "Fitz", "De", "Di", "Da", "Du", "Le", "La"):
        if word.startswith(prefix) and word[len(prefix):len(prefix) + 1].isupper():
            return word[len(prefix):]
    return word
