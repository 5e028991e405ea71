"""Identity documents' numbers the pii evaluation draws (Australia's Medicare card, Germany's and Italy's identity
cards, India's voter ID, the UK's and the US's driving licences, the Philippines' PhilSys card), made from the rules their
issuers define, not from the recognizers' code."""

from __future__ import annotations

import random
import string

from pii_values import birth_day


def medicare(rng: random.Random) -> str:
    """An Australian Medicare card number: a digit from 2-6, seven more, the check digit of the eight weighed 1, 3, 7,
    9, 1, 3, 7, 9, the card's issue (1-9); spaced 4-5-1 as on the card, or not."""
    body = rng.choice("23456") + "".join(rng.choice(string.digits) for _ in range(7))
    value = body + str(sum(int(d) * w for d, w in zip(body, (1, 3, 7, 9, 1, 3, 7, 9), strict=True)) % 10) \
        + str(rng.randint(1, 9))
    return f"{value[:4]} {value[4:9]} {value[9]}" if rng.random() < 0.5 else value


_AUSWEIS_CHARS = "CFGHJKLMNPRTVWXYZ0123456789"


def ausweis(rng: random.Random) -> str:
    """A German identity card number: a letter of the authority's series, eight letters (no vowels, no B, D, Q, S) and
    digits, and the ICAO 9303 check digit (values weighed 7, 3, 1)."""
    body = rng.choice("CFGHJKLMNPRTVWXYZ") + "".join(rng.choice(_AUSWEIS_CHARS) for _ in range(8))
    return body + str(sum(int(char, 36) * (7, 3, 1)[i % 3] for i, char in enumerate(body)) % 10)


def cie(rng: random.Random) -> str:
    """An Italian electronic identity card number: CA to CZ, five digits, two letters."""
    letters = lambda n: "".join(rng.choice(string.ascii_uppercase) for _ in range(n))  # noqa: E731
    return "C" + letters(1) + f"{rng.randint(0, 99999):05d}" + letters(2)


def epic(rng: random.Random) -> str:
    """An Indian voter ID (EPIC) number: three letters and seven digits."""
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + f"{rng.randint(0, 9999999):07d}"


def uk_licence(rng: random.Random) -> str:
    """A UK driving licence number: a surname's first five letters (9s after a shorter one), the birth year's decade,
    month (a woman's 50 more) and day, the year's last digit, two initials (9 for none), a digit and two letters."""
    surname = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 5))).ljust(5, "9")
    born = birth_day(rng)
    month = born.month + (50 if rng.random() < 0.5 else 0)
    initials = rng.choice(string.ascii_uppercase) + rng.choice(string.ascii_uppercase + "9")
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
    return f"{surname}{born.year % 100 // 10}{month:02d}{born.day:02d}{born.year % 10}{initials}{rng.randint(0, 9)}{letters}"


def us_licence(rng: random.Random) -> str:
    """A US driver's license number in one state's shape: California's (a letter, seven digits), New York's (nine
    digits), Florida's (a letter, twelve digits in dashed groups), Texas's (eight digits), Illinois's (a letter, eleven)."""
    digits = lambda n: "".join(rng.choice(string.digits) for _ in range(n))  # noqa: E731
    letter = rng.choice(string.ascii_uppercase)
    return rng.choice((f"{letter}{digits(7)}", f"{rng.randint(1, 9)}{digits(8)}",
                       f"{letter}{digits(3)}-{digits(3)}-{digits(2)}-{digits(3)}-{digits(1)}",
                       f"{rng.randint(1, 9)}{digits(7)}", f"{letter}{digits(3)}-{digits(4)}-{digits(4)}"))


def philsys(rng: random.Random) -> str:
    """A Philippine PhilSys Number (twelve digits) or card number (sixteen), in dashed groups of four or not."""
    number = str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(rng.choice((11, 15))))
    return "-".join(number[i:i + 4] for i in range(0, len(number), 4)) if rng.random() < 0.7 else number

