"""Recognizers for national formats, validated by well-kept libraries: phone numbers written without a
country code (``phonenumbers``, Google's libphonenumber metadata) and US Social Security numbers
(``python-stdnum``)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import phonenumbers
from stdnum.us import ssn

from .numeric import ID_WORDS, PhoneRecognizer
from .registry import Finding
from .runs import has_run, word_before

__all__ = ["DEFAULT_REGIONS", "NationalPhoneRecognizer", "SsnRecognizer"]

DEFAULT_REGIONS: tuple[str, ...] = ("US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "AU", "IN", "JP", "KR",
                                    "SG", "HK", "TW")
"""Chinese numbers have a recognizer of their own (PhoneRecognizer): their shapes need no metadata."""
_NOT_A_PHONE = re.compile(
    r"(?:19|20)[0-9]{2}[-./ ][01]?[0-9][-./ ][0-3]?[0-9](?:[ T][0-9:]+)?"  # 2024-05-06
    r"|[0-3]?[0-9][-./ ][01]?[0-9][-./ ](?:19|20)[0-9]{2}(?:[ T][0-9:]+)?"  # 06.05.2024
    r"|[0-9]{3}-[0-9]{2}-[0-9]{4}"  # the shape of a US Social Security number
    r"|[48]00[- ]?[0-9]{3}[- ]?[0-9]{4}")  # a Chinese 400/800 service line: a business, not a person
"""What has a phone number's digits but is something else."""
PHONE_WORDS = (*PhoneRecognizer.PHONE_WORDS, "telefon", "ruf", "tél", "téléphone", "appel", "teléfono", "móvil",
               "telefono", "cellulare", "電話", "전화")
_NEAR = 24
"""Characters before a number in which a context word counts."""


class NationalPhoneRecognizer:
    """Phone numbers in national form: "(415) 555-0132", "07700 900123", "06 12 34 56 78", "0490 75 40 81".

    A candidate is 8-16 digits with the separators people write; it counts when libphonenumber
    says it is a valid number of a configured region and it is written in groups the way phone
    numbers are, or a phone word stands just before it (a block of digits alone may be an order
    or student number).
    """

    entity = "PHONE"
    _RE = re.compile(
        r"(?<![0-9A-Za-z+\-./:])(?:\(0?[0-9]{1,4}\)[ .\-]?|[0-9]{2,5}[ .\-]|[0-9]{3})[0-9]{2,4}(?:[ .\-]?[0-9]{2,4}){1,3}"
        r"(?:\s?(?:x|ext\.?|#)\s?[0-9]{1,5})?(?![0-9A-Za-z]|[.\-/:][0-9])",
        re.ASCII,
    )

    def __init__(self, regions: Sequence[str] = DEFAULT_REGIONS) -> None:
        self.regions = tuple(regions)

    def applies(self, text: str) -> bool:
        """A run of 8 digits and separators is needed."""
        return has_run(text, 8)

    def find(self, text: str) -> Iterator[Finding]:
        """Yield numbers valid in a configured region (the first one, or another with context)."""
        for m in self._RE.finditer(text):
            value = m.group()
            digits = sum(ch.isdigit() for ch in value)
            if not 8 <= digits <= 16 or _NOT_A_PHONE.fullmatch(value) or word_before(text, m.start(), ID_WORDS):
                continue
            region = self._valid_in(value)
            if region is None:
                continue
            near = text[max(0, m.start() - _NEAR):m.start()].lower()
            labelled = any(word in near for word in PHONE_WORDS)
            grouped = _grouped_like_a_phone(value)
            if labelled or (grouped and (region == self.regions[0] or "(" in value)):
                yield Finding(self.entity, m.start(), m.end(), value, 0.8)
            elif grouped:
                yield Finding(self.entity, m.start(), m.end(), value, 0.7)

    def _valid_in(self, value: str) -> str | None:
        for region in self.regions:
            try:
                number = phonenumbers.parse(value, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return region
        return None


def _grouped_like_a_phone(value: str) -> bool:
    """Written with separators the way phone numbers are (not one block of digits like an order number):
    three groups or more, or a national trunk prefix ("030 12345678", "(02) 9374 4000")."""
    if not re.search(r"[ .\-()]", value):
        return False
    return len(re.findall(r"[0-9]+", value)) >= 3 or value[0] in "0("


class SsnRecognizer:
    """US Social Security numbers: 123-45-6789 always, 123456789 with a word that says SSN."""

    entity = "SSN"
    _DASHED = re.compile(r"(?<![0-9A-Za-z\-])[0-9]{3}-[0-9]{2}-[0-9]{4}(?![0-9A-Za-z]|-[0-9])", re.ASCII)
    _BARE = re.compile(r"(?<![0-9A-Za-z])[0-9]{9}(?![0-9A-Za-z])", re.ASCII)
    _WORDS = ("ssn", "social security", "社会安全号", "社保号")

    def applies(self, text: str) -> bool:
        """Nine digits (with or without two dashes) are needed."""
        return has_run(text, 9)

    def find(self, text: str) -> Iterator[Finding]:
        """Yield numbers python-stdnum accepts as an SSN (area not 000, 666 or 9xx; group and serial not zero)."""
        for m in self._DASHED.finditer(text):
            if ssn.is_valid(m.group()):
                yield Finding(self.entity, m.start(), m.end(), m.group(), 0.85)
        for m in self._BARE.finditer(text):
            near = text[max(0, m.start() - _NEAR):m.start()].lower()
            if any(word in near for word in self._WORDS) and ssn.is_valid(m.group()):
                yield Finding(self.entity, m.start(), m.end(), m.group(), 0.8)
