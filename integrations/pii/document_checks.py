"""The checks and shapes of identity documents' numbers: Australia's Medicare card, Germany's identity card (ICAO 9303),
Italy's electronic identity card, India's voter ID, the UK's and the US's driving licences and the Philippines' PhilSys
card. Those without a check character are taken only after their label (id_labels).
"""

from __future__ import annotations

import re

from .validators import real_date, weighed_sum

__all__ = ["ausweis_valid", "cie_shaped", "epic_shaped", "medicare_valid", "philsys_shaped", "uk_licence_valid",
           "us_licence_shaped"]


def medicare_valid(digits: str) -> bool:
    """Australia's Medicare card number: ten digits from 2-6, the ninth the check digit of the eight weighed 1, 3, 7,
    9, 1, 3, 7, 9 (mod 10), the tenth the card's issue; an eleventh, the holder's place on the card, may follow."""
    if len(digits) not in (10, 11) or not digits.isdigit() or digits[0] not in "23456":
        return False
    return weighed_sum(digits, (1, 3, 7, 9, 1, 3, 7, 9)) % 10 == int(digits[8])


_ICAO_VALUES = {char: value for value, char in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def ausweis_valid(value: str) -> bool:
    """Germany's identity card (Personalausweis) number: nine letters and digits (no vowels, no B, D, Q, S) and the
    check digit of ICAO 9303 (values weighed 7, 3, 1 repeated, mod 10)."""
    code = value.upper()
    if len(code) != 10 or not code[9].isdigit() or any(char not in "CFGHJKLMNPRTVWXYZ0123456789" for char in code[:9]):
        return False
    return sum(_ICAO_VALUES[char] * (7, 3, 1)[i % 3] for i, char in enumerate(code[:9])) % 10 == int(code[9])


_CIE = re.compile(r"[A-Z]{2}[0-9]{5}[A-Z]{2}")
_EPIC = re.compile(r"[A-Z]{3}[0-9]{7}")


def cie_shaped(value: str) -> bool:
    """Italy's electronic identity card (CIE) number's shape: two letters, five digits, two letters (no check)."""
    return _CIE.fullmatch(value.upper()) is not None


def epic_shaped(value: str) -> bool:
    """India's voter ID (EPIC) number's shape: three letters and seven digits (no check)."""
    return _EPIC.fullmatch(value.upper()) is not None




_UK_LICENCE = re.compile(r"(?:[A-Z]{5}|[A-Z]{4}9|[A-Z]{3}99|[A-Z]{2}999|[A-Z]9999)[0-9]{6}[A-Z][A-Z9][0-9][A-Z]{2}")


def uk_licence_valid(value: str) -> bool:
    """A UK (DVLA) driving licence number: the surname's first five letters (9s after a shorter one), the birth
    year's decade, month (a woman's 50 more) and day, the year's last digit, two initials (9 for none), a digit and
    two check letters; the birth a day the calendar has (no check letters' rule is published)."""
    code = value.upper()
    if _UK_LICENCE.fullmatch(code) is None:
        return False
    year, month, day = int(code[5] + code[10]), int(code[6:8]) % 50, int(code[8:10])
    return real_date(1900 + year, month, day) or real_date(2000 + year, month, day)


_US_LICENCE = re.compile(r"[A-Z]{0,2}[0-9]{5,14}")


def us_licence_shaped(value: str) -> bool:
    """A US driver's license number as most states write it: up to two letters and five to fourteen digits (each state
    has its own shape; none has a check character others can compute)."""
    code = value.upper()
    return _US_LICENCE.fullmatch(code) is not None and code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").strip("0") != ""


def philsys_shaped(digits: str) -> bool:
    """The Philippines' PhilSys numbers: the PhilSys Number (PSN), twelve digits, or the card's number (PCN), sixteen
    (no check digit is published)."""
    return len(digits) in (12, 16) and digits.isdigit() and digits.strip("0") != ""
