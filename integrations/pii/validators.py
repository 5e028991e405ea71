"""Check digits and structure rules that decide whether a candidate span is real PII."""

from __future__ import annotations

import datetime as _dt
import ipaddress
import operator
import time
from collections.abc import Sequence

__all__ = [
    "CN_ID_WEIGHTS",
    "CN_PROVINCE_CODES",
    "IBAN_LENGTHS",
    "cn_id_check_char",
    "is_valid_cn_id",
    "is_valid_cn_id15",
    "weighed_sum",
    "is_valid_iban",
    "is_valid_ipv4",
    "is_valid_ipv6",
    "luhn_check_digit",
    "luhn_valid",
    "real_date",
]

CN_ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_ID_MAP = "10X98765432"
_CN_ID_ZERO = 48 * sum(CN_ID_WEIGHTS)  # what the ASCII code of "0" adds to the weighted sum

CN_PROVINCE_CODES: frozenset[str] = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82", "83", "91"]
)

#: Total IBAN length per country (ISO 13616 registry, common countries).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22,
    "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27,
    "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def cn_id_check_char(body17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID."""
    if len(body17) != 17 or not (body17.isascii() and body17.isdigit()):
        raise ValueError(f"expected the first 17 digits of an ID, got {body17!r}")
    total = sum(map(operator.mul, body17.encode("ascii"), CN_ID_WEIGHTS)) - _CN_ID_ZERO
    return _CN_ID_MAP[total % 11]


_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_today_cache: tuple[float, tuple[int, int, int]] = (0.0, (0, 0, 0))


def _today() -> tuple[int, int, int]:
    """Today's (year, month, day), looked up at most once a minute (validation is hot)."""
    global _today_cache
    now = time.monotonic()
    checked, today = _today_cache
    if now - checked > 60.0:
        d = _dt.date.today()
        today = (d.year, d.month, d.day)
        _today_cache = (now, today)
    return today


def real_date(year: int, month: int, day: int, today: _dt.date | None = None) -> bool:
    """True when the date exists, is after 1900 and is not in the future."""
    if year <= 1900 or not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month]:
        return False
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return False
    limit = (today.year, today.month, today.day) if today is not None else _today()
    return (year, month, day) <= limit


def is_valid_cn_id(value: str, today: _dt.date | None = None) -> bool:
    """Validate an 18-character resident ID (GB 11643-1999): region, birth date, check char."""
    if len(value) != 18 or not value[:17].isdigit() or not value[:17].isascii():
        return False
    if value[:2] not in CN_PROVINCE_CODES:
        return False
    if not real_date(int(value[6:10]), int(value[10:12]), int(value[12:14]), today):
        return False
    return cn_id_check_char(value[:17]) == value[17].upper()


def is_valid_cn_id15(value: str, today: _dt.date | None = None) -> bool:
    """Validate a legacy 15-digit resident ID: region and a 19YYMMDD birth date (no check digit)."""
    if len(value) != 15 or not value.isdigit() or not value.isascii():
        return False
    if value[:2] not in CN_PROVINCE_CODES:
        return False
    return real_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]), today)


# Maps the ASCII digit d to the Luhn value of 2*d (digits of the product added).
_LUHN_DOUBLE = bytes.maketrans(b"0123456789", bytes([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]))


def weighed_sum(digits: str, weights: Sequence[int]) -> int:
    """The sum of digits weighed place by place (as many places as the shorter has): the start of most check digits."""
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


def luhn_valid(digits: str) -> bool:
    """True when a string of ASCII digits passes the Luhn (mod 10) check."""
    if not (digits.isascii() and digits.isdigit()):
        return False
    raw = digits.encode("ascii")
    kept = raw[-1::-2]
    doubled = raw[-2::-2].translate(_LUHN_DOUBLE)
    return (sum(kept) - 48 * len(kept) + sum(doubled)) % 10 == 0


def luhn_check_digit(body: str) -> str:
    """Return the Luhn check digit to append to a string of ASCII digits."""
    if not (body.isascii() and body.isdigit()):
        raise ValueError(f"expected a string of digits, got {body!r}")
    for candidate in "0123456789":
        if luhn_valid(body + candidate):
            return candidate
    raise AssertionError("unreachable: one of ten digits always satisfies Luhn")


def is_valid_iban(value: str) -> bool:
    """Validate a compact IBAN (no spaces): known country length and ISO 7064 mod-97 == 1."""
    iban = value.upper()
    if len(iban) < 15 or not iban.isalnum() or not iban.isascii():
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is None or len(iban) != expected or not iban[2:4].isdigit():
        return False
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97 == 1


def is_valid_ipv4(value: str) -> bool:
    """True for a dotted-quad IPv4 address: four numbers 0-255 without leading zeros."""
    parts = value.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not (part.isascii() and part.isdigit()) or len(part) > 3:
            return False
        if (len(part) > 1 and part[0] == "0") or int(part) > 255:
            return False
    return True


def is_valid_ipv6(value: str) -> bool:
    """True for an IPv6 address in any standard textual form."""
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True
