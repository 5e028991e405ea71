"""A device's own identifiers (DEVICE_ID): a network interface's MAC address, and a phone's IMEI after its label.

A home's devices are its people's: a phone's Wi-Fi address or its IMEI follows its owner wherever it goes, and a home
automation system keys its device trackers by them ("b8:27:eb:12:34:56 home"). Six pairs of hexadecimal digits apart
by colons are a MAC address wherever they stand, apart by dashes after a word that names one; a longer chain of pairs
is a fingerprint or a dump of bytes, and the broadcast, an address of no card and a multicast group's are nobody's. An
IMEI is fifteen digits with a Luhn check digit (sixteen for an IMEISV), as common a shape as a card's, so it is found
only after its label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words
from .labels import NUMBER_GAP, LabelledValueRecognizer
from .network import colon_groups
from .registry import Finding
from .validators import luhn_valid

__all__ = ["DASH_WORDS", "IMEI_WORDS", "ImeiRecognizer", "MacAddressRecognizer"]

_COLON_MAC, _DASH_MAC = (
    re.compile(rf"(?<![0-9A-Fa-f:\-])[0-9A-Fa-f]{{2}}(?:{separator}[0-9A-Fa-f]{{2}}){{5}}(?![0-9A-Fa-f]|[:\-][0-9A-Fa-f])")
    for separator in ":-")
"""Six pairs of hexadecimal digits with colons, or with dashes, between them; not within a longer chain of pairs."""
DASH_WORDS = Words("physical address", "mac", "物理地址", "physikalische adresse", "adresse physique")
"""Where a MAC address written with dashes (as Windows does: "Physical Address. . . : 3C-22-FB-9A-01-7E") may follow.
With colons one is found anywhere, from the search for colons the IPv6 addresses share; with dashes only after one of
these words: searches of their own for a MAC address's colons and dashes in every text cost each message of the pii
benchmark ~4,000 instructions (cachegrind)."""
_AFTER = 60
"""How far after its word a MAC address written with dashes may end."""


def _nobodys(value: str) -> bool:
    """No card's ("00:00:00:00:00:00"), or a group's: the broadcast ("ff:ff:ff:ff:ff:ff") or a multicast group's
    ("01:00:5e:00:00:fb"), whose first byte is odd."""
    digits = value.replace(value[2], "")
    return int(digits[:2], 16) & 1 == 1 or digits == "000000000000"


class MacAddressRecognizer:
    """A MAC address (0.85): "b8:27:eb:12:34:56" anywhere, "B8-27-EB-12-34-56" after a word such as "MAC"."""

    entity = "DEVICE_ID"
    confidence = 0.85

    def applies(self, text: str) -> bool:
        """Colons with groups between them, or a word a MAC address written with dashes follows."""
        return colon_groups(text) or DASH_WORDS.anywhere(text)

    def find(self, text: str) -> Iterator[Finding]:
        """Yield each MAC address that is somebody's."""
        matches = list(_COLON_MAC.finditer(text)) if colon_groups(text) else []
        for at, word in DASH_WORDS.occurrences(text):
            matches.extend(_DASH_MAC.finditer(text, at + len(word), at + len(word) + _AFTER))
        seen: set[int] = set()
        for match in matches:
            value = match.group()
            if match.start() not in seen and not _nobodys(value):
                seen.add(match.start())
                yield Finding(self.entity, match.start(), match.end(), value, self.confidence)


IMEI_WORDS = Words("imei", "串号", "串號", cues=("mei", "串号", "串號"))
"""Where a text may give an IMEI. The scan looks for "mei", which "IMEI" holds: no word of it begins with an i,
which would make it stop at every i of a text."""
_LABEL = re.compile(r"(?<![A-Za-z])(?:(?i:imei(?:sv)?)(?:[ \t]*(?:码|碼|号|號))?|串号|串號)" + NUMBER_GAP)
"""An IMEI's label: "IMEI", "IMEISV", "IMEI码", "串号"."""
_NUMBER = re.compile(r"[0-9]{2}[ \-]?[0-9]{6}[ \-]?[0-9]{6}[ \-]?[0-9]{1,2}(?![0-9A-Za-z])")
"""Fifteen digits, or sixteen for an IMEISV, maybe grouped as printed on a box: "35-693803-564380-9"."""


class ImeiRecognizer(LabelledValueRecognizer):
    """A phone's IMEI right after its label, its check digit right (0.9): "IMEI: 35-693803-564380-9"."""

    entity = "DEVICE_ID"
    cues = IMEI_WORDS
    reach = 4
    confidence = 0.9
    label = _LABEL

    def value_end(self, text: str, label: re.Match[str]) -> int:
        """Where the number after the label ends (0: no IMEI: fifteen digits whose check digit is wrong)."""
        found = _NUMBER.match(text, label.end())
        if found is None:
            return 0
        digits = "".join(char for char in found.group() if char.isdigit())
        return found.end() if len(digits) == 16 or luhn_valid(digits) else 0
