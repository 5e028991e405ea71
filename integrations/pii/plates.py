"""A vehicle's registration plate (VEHICLE_PLATE), after its label.

A plate is its keeper's: a registry links it to a name and an address, and a home's cameras and gates read it. Most
are a few letters and digits, as an order's or a part's code is, so a plate is found after its label: "license plate
ABC-1234", "Kennzeichen B-MW 1234", "plaque d'immatriculation AB-123-CD", "targa AB 123 CD", "kenteken 12-ABC-3",
"차량번호 12가 3456", "车牌号：沪A12345". A Chinese plate, its province's character and its city's letter first, is
written so by nothing else, but is not looked for alone: a regex of its own over each message that is not all ASCII cost
each message of the pii benchmark ~15,000 instructions (cachegrind), and its first characters as words of the one scan
~22,000 ("新", "京" are common in Chinese).
"""

from __future__ import annotations

import re

from .context import Words
from .labels import SAID_GAP, LabelledValueRecognizer

__all__ = ["PLATE_WORDS", "PlateRecognizer"]

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
"""The characters that begin a Chinese plate, one a province's (the four cities under the state's own rule among
them)."""
PLATE_WORDS = Words("plate", "kennzeichen", "immatriculation", "matrícula", "matricula", "targa", "kenteken", "车牌",
                    "車牌", "차량번호", "번호판",
                    cues=("plate", "kennzeichen", "mmatriculation", "matrícula", "matricula", "targa", "kenteken", "车牌",
                          "車牌", "차량번호", "번호판"))
"""A plate's labels. The scan looks for "mmatriculation": no word of it begins with an i, which would make it stop at
every i of a text."""
_NUMBER = r"(?:[Nn]umber|NUMBER|[Nn]o\.|NO\.|no)"
"""A plate's "number" in its label, but not a bare "NO": a plate may begin with it (Novara's, in Italy)."""
_LABEL = re.compile(
    r"(?:\b(?:(?i:(?:licen[cs]e|number|registration|reg\.?)\s+plates?)(?:\s+" + _NUMBER + r")?"
    r"|(?i:plate)\s+" + _NUMBER + r"|(?i:(?:auto|kfz-?)?kennzeichen|(?:plaque\s+d['’])?immatriculation|matr[íi]cula"
    r"|targa|kenteken))"
    r"|车牌(?:号码|号)?|車牌(?:號碼|號)?|차량번호|번호판)" + SAID_GAP
)
"""A plate's label and what may stand between it and the plate (its "number" is the label's own)."""
_PLATE = re.compile(
    rf"[{_PROVINCES}][A-Z][\-·・ ]?[A-HJ-NP-Z0-9]{{5,6}}(?![A-Za-z0-9])"  # China: "京A·12345", "粤B12345D"
    r"|[0-9]{2,3}[가-힣][ \t]?[0-9]{4}(?![0-9])"  # Korea: "12가 3456"
    r"|[A-Z0-9]{1,4}(?:[ \-·][A-Z0-9]{1,4}){0,3}(?![A-Za-z0-9])"  # most others: "ABC-1234", "B-MW 1234", "AB-123-CD"
)
_FEWEST, _MOST = 4, 10
"""How many letters and digits a plate has: four to ten."""


class PlateRecognizer(LabelledValueRecognizer):
    """A vehicle's plate after its label (0.9)."""

    entity = "VEHICLE_PLATE"
    cues = PLATE_WORDS
    reach = 16
    """How far from its cue a label may begin or end ("license plate number", "plaque d'immatriculation")."""
    confidence = 0.9
    label = _LABEL

    def value_end(self, text: str, label: re.Match[str]) -> int:
        """Where the plate after the label ends (0: no plate: too few or too many characters, or no letter and digit
        both: "matrícula 20231234" is a student's)."""
        found = _PLATE.match(text, label.end())
        if found is None:
            return 0
        characters = [char for char in found.group() if char.isalnum()]
        if not _FEWEST <= len(characters) <= _MOST or not (any(map(str.isdigit, characters))
                                                           and any(map(str.isalpha, characters))):
            return 0
        return found.end()
