"""The check characters of national identity numbers that hold their holder's birth date: South Korea's resident
registration number, Belgium's national number, Sweden's personnummer, Poland's PESEL, Finland's henkilötunnus,
Denmark's CPR number, Norway's fødselsnummer, the rodné číslo of Czechia and Slovakia, Romania's CNP and South
Africa's identity number. The date must be one the calendar has, after 1900 and not in the future.

Written here rather than taken from python-stdnum, for the reason id_checks gives; each was checked against python-stdnum
2.2's on 100,000 random numbers of its kind, half of them valid. They disagree only on births in 1900 or before or in
the future, which Roost refuses and python-stdnum takes.
"""

from __future__ import annotations

import datetime

from .validators import luhn_valid, real_date, weighed_sum

__all__ = ["amka_valid", "be_national_number_valid", "cnp_valid", "cpr_shaped", "fodselsnummer_valid", "hetu_valid",
           "mykad_valid", "nik_valid", "personnummer_valid", "pesel_valid", "rodne_cislo_valid", "rrn_shaped",
           "rrn_valid", "za_id_valid"]


_RRN_CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}
"""The century of a South Korean resident's birth by the digit after the date (5-8: foreign residents)."""


def rrn_shaped(digits: str) -> bool:
    """Thirteen digits of a South Korean resident registration number: a birth date the calendar has (its century
    from the seventh digit) and a place of registration up to 96. Numbers issued since October 2020 have no check
    digit."""
    if len(digits) != 13 or not digits.isdigit() or digits[6] not in _RRN_CENTURY:
        return False
    year = _RRN_CENTURY[digits[6]] + int(digits[:2])
    return real_date(year, int(digits[2:4]), int(digits[4:6])) and int(digits[7:9]) <= 96


def rrn_valid(digits: str) -> bool:
    """A resident registration number (rrn_shaped) whose last digit is its check digit: 11 less the sum of the
    others weighed 2-9, 2-5, mod 11, mod 10."""
    if not rrn_shaped(digits):
        return False
    total = weighed_sum(digits, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5))
    return (11 - total % 11) % 10 == int(digits[12])


def be_national_number_valid(digits: str) -> bool:
    """Belgium's national number: eleven digits, a birth month up to 12 (0 when unknown), and the last two 97 less the
    first nine mod 97 (with a 2 before them for a birth since 2000)."""
    if len(digits) != 11 or not digits.isdigit() or int(digits) == 0 or int(digits[2:4]) > 12:
        return False
    check = int(digits[9:])
    if 97 - int(digits[:9]) % 97 == check:
        return True
    return int(digits[:2]) + 2000 <= datetime.date.today().year and 97 - int("2" + digits[:9]) % 97 == check


def personnummer_valid(value: str) -> bool:
    """Sweden's personnummer: a birth date (YYMMDD, or YYYYMMDD), a dash (a plus from the year one turns 100) and four
    digits, the last making the ten of YYMMDDNNNC pass Luhn; a block of ten or twelve digits too."""
    compact = value.replace(" ", "")
    sign = compact[-5] if len(compact) in (11, 13) else "-"
    digits = compact[:-5] + compact[-4:] if len(compact) in (11, 13) else compact
    if sign not in "-+" or len(digits) not in (10, 12) or not digits.isdigit() or not luhn_valid(digits[-10:]):
        return False
    if len(digits) == 12:
        year = int(digits[:4])
    else:  # the latest year that ends so and is not in the future, a century earlier after a plus
        this_year = datetime.date.today().year
        year = this_year // 100 * 100 + int(digits[:2])
        year -= 100 * ((year > this_year) + (sign == "+"))
    return real_date(year, int(digits[-8:-6]), int(digits[-6:-4]))


_PESEL_CENTURY = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 1800}
"""The century of a PESEL's birth date by its month's twenties (a birth in 2004 has months 21-32)."""


def pesel_valid(digits: str) -> bool:
    """Poland's PESEL: eleven digits, a birth date (its century in the month), and the check digit that makes the
    sum weighed 1, 3, 7, 9 repeated a multiple of 10."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    total = weighed_sum(digits, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3))
    month = int(digits[2:4])
    return (10 - total) % 10 == int(digits[10]) and real_date(
        _PESEL_CENTURY[month // 20] + int(digits[:2]), month % 20, int(digits[4:6]))


_HETU_CENTURY = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900, "A": 2000, "B": 2000,
                 "C": 2000, "D": 2000, "E": 2000, "F": 2000}
"""The century of a henkilötunnus's birth date by its sign (the letters since 2023, besides - and A)."""
_HETU_CHECKS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu_valid(value: str) -> bool:
    """Finland's henkilötunnus: a birth date DDMMYY, its century's sign (a dash when written without: its dash taken
    out with the other separators), an individual number from 002 to 899 (900 up are temporary), and the check
    character of the nine digits mod 31."""
    code = value.upper()
    if len(code) == 10:
        code = f"{code[:6]}-{code[6:]}"
    if len(code) != 11 or code[6] not in _HETU_CENTURY or not (code[:6] + code[7:10]).isdigit():
        return False
    if not 2 <= int(code[7:10]) <= 899 or _HETU_CHECKS[int(code[:6] + code[7:10]) % 31] != code[10]:
        return False
    return real_date(_HETU_CENTURY[code[6]] + int(code[4:6]), int(code[2:4]), int(code[:2]))


def cpr_shaped(digits: str) -> bool:
    """Denmark's CPR number: a birth date DDMMYY whose century the seventh digit tells, and four digits (no check digit
    since 2007)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    year, seventh = int(digits[4:6]), digits[6]
    if seventh in "0123" or (seventh in "49" and year >= 37):
        year += 1900
    elif seventh in "5678" and year >= 58:
        year += 1800
    else:
        year += 2000
    return real_date(year, int(digits[2:4]), int(digits[:2]))


def fodselsnummer_valid(digits: str) -> bool:
    """Norway's fødselsnummer (a D-number's day 40 more, an H-number's month 40 more): a birth date DDMMYY whose century
    the three digits after it tell, and two mod-11 check digits."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    for place, weights in ((9, (3, 7, 6, 1, 8, 9, 4, 5, 2)), (10, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))):
        if -weighed_sum(digits, weights) % 11 != int(digits[place]):
            return False
    day, month, year, serial = int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6:9])
    if serial < 500 or (serial >= 900 and year >= 40):
        year += 1900
    elif year < 40:
        year += 2000
    elif serial < 750 and year >= 54:
        year += 1800
    else:
        return False
    return real_date(year, month - 40 if month > 40 else month, day - 40 if 40 < day < 80 else day)


def rodne_cislo_valid(value: str) -> bool:
    """The rodné číslo of Czechia and Slovakia: a birth date YYMMDD (a woman's month 50 more; 20 more when a day's
    numbers ran out, since 2004), a slash, and three digits (births before 1954) or four that make the ten a multiple
    of 11 (or the nine leave 10 and the last is 0)."""
    digits = value.replace("/", "")
    if len(digits) not in (9, 10) or not digits.isdigit():
        return False
    year = 1900 + int(digits[:2])
    if len(digits) == 9:
        if year > 1953:
            return False
    else:
        year += 100 if year < 1954 else 0
        if int(digits[:9]) % 11 % 10 != int(digits[9]):
            return False
    return real_date(year, int(digits[2:4]) % 50 % 20, int(digits[4:6]))


_CNP_CENTURY = {"1": 1900, "2": 1900, "3": 1800, "4": 1800, "5": 2000, "6": 2000}
"""The century of a CNP's birth date by its first digit (7-9, foreign residents', tell none: 1900 is taken)."""
_CNP_COUNTIES = {f"{n:02d}" for n in (*range(1, 49), 51, 52, 70, 80, 81, 82, 83)}


def cnp_valid(digits: str) -> bool:
    """Romania's CNP: sex and century (1-9), a birth date YYMMDD, the county's code, a serial, and the check digit of
    the twelve weighed 2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9 mod 11 (10 written 1)."""
    if len(digits) != 13 or not digits.isdigit() or digits[0] == "0" or digits[7:9] not in _CNP_COUNTIES:
        return False
    check = weighed_sum(digits, (2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9)) % 11
    year = _CNP_CENTURY.get(digits[0], 1900) + int(digits[1:3])
    return (1 if check == 10 else check) == int(digits[12]) and real_date(year, int(digits[3:5]), int(digits[5:7]))


def za_id_valid(digits: str) -> bool:
    """South Africa's identity number: a birth date YYMMDD (in the latest century that puts it in the past), four
    digits, citizenship (0, or 1 for a permanent resident), one digit, and a Luhn check digit."""
    if len(digits) != 13 or not digits.isdigit() or digits[10] not in "01" or not luhn_valid(digits):
        return False
    year = datetime.date.today().year // 100 * 100 + int(digits[:2])
    return real_date(year, int(digits[2:4]), int(digits[4:6])) or real_date(year - 100, int(digits[2:4]), int(digits[4:6]))


_MYKAD_PLACES = {f"{n:02d}" for n in (*range(1, 17), *range(21, 69), 71, 72, *range(74, 80), *range(82, 94), 98, 99)}
"""The places of birth a MyKad number's seventh and eighth digits name (the states, then the countries abroad)."""


def mykad_valid(digits: str) -> bool:
    """Malaysia's MyKad (NRIC) number: a birth date YYMMDD (either century), the place of birth's code, and four
    digits (no check digit)."""
    if len(digits) != 12 or not digits.isdigit() or digits[6:8] not in _MYKAD_PLACES:
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    return real_date(1900 + int(digits[:2]), month, day) or real_date(2000 + int(digits[:2]), month, day)


_NIK_PROVINCES = {f"{n:02d}" for n in (*range(11, 20), 21, *range(31, 37), 51, 52, 53, *range(61, 66), *range(71, 77),
                                     81, 82, *range(91, 97))}
"""Indonesia's provinces by the first two digits of a NIK (Papua's of 2022 among them)."""


def nik_valid(digits: str) -> bool:
    """Indonesia's NIK: sixteen digits, the province, regency and district of registration, a birth date DDMMYY (a
    woman's day 40 more, either century), and four digits."""
    if len(digits) != 16 or not digits.isdigit() or digits[:2] not in _NIK_PROVINCES:
        return False
    day, month = int(digits[6:8]) % 40, int(digits[8:10])
    return real_date(1900 + int(digits[10:12]), month, day) or real_date(2000 + int(digits[10:12]), month, day)


def amka_valid(digits: str) -> bool:
    """Greece's AMKA: a birth date DDMMYY (either century), four digits and a Luhn check digit."""
    if len(digits) != 11 or not digits.isdigit() or not luhn_valid(digits):
        return False
    day, month = int(digits[:2]), int(digits[2:4])
    return real_date(1900 + int(digits[4:6]), month, day) or real_date(2000 + int(digits[4:6]), month, day)
