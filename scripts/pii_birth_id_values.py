"""National identity numbers that hold their holder's birth date, of every kind the pii evaluation draws, made from the
rules their issuers define (birth dates, centuries, check characters), not from the recognizers' code."""

from __future__ import annotations

import random

from pii_values import birth_day, luhn_digit


def _weighed(digits: str, weights: tuple[int, ...]) -> int:
    """The sum of digits weighed by weights, place by place."""
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


def rrn(rng: random.Random) -> str:
    """A South Korean resident registration number as written: birth date, a digit for the century and sex, a place
    up to 96, a serial, and the check digit (11 less the weighed sum mod 11, mod 10)."""
    day = birth_day(rng)
    body = day.strftime("%y%m%d") + rng.choice("12" if day.year < 2000 else "34") + f"{rng.randint(0, 96):02d}" \
        + f"{rng.randint(0, 999):03d}"
    total = _weighed(body, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5))
    return f"{body[:6]}-{body[6:]}{(11 - total % 11) % 10}"


def be_national_number(rng: random.Random) -> str:
    """A Belgian national number: birth date, a serial (odd for men), and 97 less the nine mod 97 (a 2 before them
    for a birth since 2000); written 85.07.30-033.28 or in one block."""
    day = birth_day(rng)
    body = day.strftime("%y%m%d") + f"{rng.randint(1, 998):03d}"
    value = body + f"{97 - int(('2' if day.year >= 2000 else '') + body) % 97:02d}"
    return f"{value[:2]}.{value[2:4]}.{value[4:6]}-{value[6:9]}.{value[9:]}" if rng.random() < 0.5 else value


def personnummer(rng: random.Random) -> str:
    """A Swedish personnummer: birth date YYMMDD, a dash, three digits and the Luhn check digit of the ten; written
    with the century (YYYYMMDD-NNNN) now and then."""
    day = birth_day(rng)
    body = day.strftime("%y%m%d") + f"{rng.randint(0, 999):03d}"
    value = f"{body[:6]}-{body[6:]}{luhn_digit(body)}"
    return str(day.year // 100) + value if rng.random() < 0.3 else value


def pesel(rng: random.Random) -> str:
    """A Polish PESEL: birth date YYMMDD (20 added to the month for a birth since 2000), four digits and the check
    digit that makes the sum weighed 1, 3, 7, 9 repeated a multiple of 10."""
    day = birth_day(rng)
    body = f"{day.year % 100:02d}{day.month + (20 if day.year >= 2000 else 0):02d}{day.day:02d}{rng.randint(0, 9999):04d}"
    total = _weighed(body, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3))
    return body + str((10 - total % 10) % 10)


def hetu(rng: random.Random) -> str:
    """A Finnish henkilötunnus: birth date DDMMYY, the century's sign (- for the 1900s, A for the 2000s; since 2023 also
    Y-U and B-F), an individual number from 002 to 899, and the check character of the nine digits mod 31."""
    day = birth_day(rng)
    sign = (rng.choice("YXWVU") if rng.random() < 0.1 else "-") if day.year < 2000 \
        else (rng.choice("BCDEF") if rng.random() < 0.1 else "A")
    digits = day.strftime("%d%m%y") + f"{rng.randint(2, 899):03d}"
    return digits[:6] + sign + digits[6:] + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]


def cpr(rng: random.Random) -> str:
    """A Danish CPR number: birth date DDMMYY and four digits, the first of them telling the century (0-3 the 1900s,
    4 the 2000s up to 2036); DDMMYY-NNNN, or in one block."""
    day = birth_day(rng)
    value = day.strftime("%d%m%y") + rng.choice("0123" if day.year < 2000 else "4") + f"{rng.randint(0, 999):03d}"
    return f"{value[:6]}-{value[6:]}" if rng.random() < 0.7 else value


def fodselsnummer(rng: random.Random) -> str:
    """A Norwegian fødselsnummer: birth date DDMMYY, an individual number (000-499 for the 1900s, 500-999 for the
    2000s) and two mod-11 check digits; in one block, or spaced after the date."""
    while True:
        day = birth_day(rng)
        body = day.strftime("%d%m%y") + f"{rng.randint(0, 499) if day.year < 2000 else rng.randint(500, 999):03d}"
        first = -_weighed(body, (3, 7, 6, 1, 8, 9, 4, 5, 2)) % 11
        second = -_weighed(body + str(first), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) % 11
        if first < 10 and second < 10:
            value = f"{body}{first}{second}"
            return f"{value[:6]} {value[6:]}" if rng.random() < 0.2 else value


def rodne_cislo(rng: random.Random) -> str:
    """A Czech or Slovak rodné číslo: birth date YYMMDD (a woman's month 50 more), a slash, and four digits that make
    the ten a multiple of 11 (three digits, no check, for a birth before 1954)."""
    day = birth_day(rng)
    body = f"{day.year % 100:02d}{day.month + rng.choice([0, 50]):02d}{day.day:02d}"
    if day.year < 1954:
        return f"{body}/{rng.randint(0, 999):03d}"
    serial = f"{body}{rng.randint(0, 999):03d}"
    return f"{body}/{serial[6:]}{int(serial) % 11 % 10}"


_CNP_COUNTIES = [*range(1, 47), 51, 52]


def cnp(rng: random.Random) -> str:
    """A Romanian CNP: sex and century (1 or 2 for the 1900s, 5 or 6 for the 2000s), birth date YYMMDD, a county,
    a serial, and the check digit of the twelve weighed 2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9 mod 11 (1 for 10)."""
    day = birth_day(rng)
    body = rng.choice("12" if day.year < 2000 else "56") + day.strftime("%y%m%d") \
        + f"{rng.choice(_CNP_COUNTIES):02d}{rng.randint(1, 999):03d}"
    check = _weighed(body, (2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9)) % 11
    return body + ("1" if check == 10 else str(check))


def za_id(rng: random.Random) -> str:
    """A South African identity number: birth date YYMMDD, four digits (0-4999 a woman), citizenship (0, or 1 for a
    permanent resident), an 8, and the Luhn check digit; in one block, or spaced as on the green book."""
    body = birth_day(rng).strftime("%y%m%d") + f"{rng.randint(0, 9999):04d}" + rng.choice("01") + "8"
    value = body + luhn_digit(body)
    return f"{value[:6]} {value[6:10]} {value[10:12]} {value[12]}" if rng.random() < 0.2 else value


_MYKAD_STATES = [*range(1, 17), *range(21, 60)]


def mykad(rng: random.Random) -> str:
    """A Malaysian MyKad number: birth date YYMMDD, a state's place-of-birth code, four digits; 850730-14-5678 as on
    the card, or in one block."""
    value = birth_day(rng).strftime("%y%m%d") + f"{rng.choice(_MYKAD_STATES):02d}{rng.randint(0, 9999):04d}"
    return f"{value[:6]}-{value[6:8]}-{value[8:]}" if rng.random() < 0.6 else value


def nik(rng: random.Random) -> str:
    """An Indonesian NIK: province, regency and district of registration, birth date DDMMYY (a woman's day 40 more), a
    serial."""
    day = birth_day(rng)
    place = rng.choice(["3171", "3273", "3578", "1101", "5171", "7371", "9471"]) + f"{rng.randint(1, 40):02d}"
    return place + f"{day.day + rng.choice([0, 40]):02d}{day.month:02d}{day.year % 100:02d}{rng.randint(1, 9999):04d}"


def amka(rng: random.Random) -> str:
    """A Greek AMKA: birth date DDMMYY, four digits and the Luhn check digit."""
    body = birth_day(rng).strftime("%d%m%y") + f"{rng.randint(0, 9999):04d}"
    return body + luhn_digit(body)
