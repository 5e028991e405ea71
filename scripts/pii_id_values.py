"""National identity numbers of every kind the pii evaluation draws, made from the rules their issuers define (check
characters, birth dates, numbering), not from the recognizers' code."""

from __future__ import annotations

import random
import string

from pii_values import birth_day, luhn_digit

_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni(rng: random.Random) -> str:
    """A Spanish DNI (8 digits and the letter of their remainder mod 23) or NIE (X, Y or Z first), maybe dashed."""
    number = rng.randint(0, 99_999_999)
    if rng.random() < 0.3:
        prefix = rng.choice("XYZ")
        number %= 10_000_000
        value = f"{prefix}{number:07d}" + _DNI_LETTERS[("XYZ".index(prefix) * 10_000_000 + number) % 23]
    else:
        value = f"{number:08d}{_DNI_LETTERS[number % 23]}"
    return value[:-1] + "-" + value[-1] if rng.random() < 0.2 else value


def cpf(rng: random.Random) -> str:
    """A Brazilian CPF as written, 123.456.789-09, with its two mod-11 check digits."""
    digits = [rng.randint(0, 9) for _ in range(9)]
    for n in (9, 10):
        digits.append(sum(d * w for d, w in zip(digits, range(n + 1, 1, -1), strict=True)) * 10 % 11 % 10)
    text = "".join(map(str, digits))
    return f"{text[:3]}.{text[3:6]}.{text[6:9]}-{text[9:]}"


def nir(rng: random.Random) -> str:
    """A French NIR: sex, year, month, department, commune, order and the key 97 - n mod 97; spaced or in one block."""
    body = f"{rng.choice('12')}{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}" \
           f"{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    value = body + f"{97 - int(body) % 97:02d}"
    spaced = f"{value[0]} {value[1:3]} {value[3:5]} {value[5:7]} {value[7:10]} {value[10:13]} {value[13:]}"
    return spaced if rng.random() < 0.5 else value


_VERHOEFF_D = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
               (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
               (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
               (9, 8, 7, 6, 5, 4, 3, 2, 1, 0))
_VERHOEFF_P = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
               (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
               (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8))
_VERHOEFF_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def aadhaar(rng: random.Random) -> str:
    """An Aadhaar number (12 digits from 2-9, the last its Verhoeff check digit) in its groups of four."""
    body = str(rng.randint(2, 9)) + "".join(rng.choice(string.digits) for _ in range(10))
    check = 0
    for i, digit in enumerate(reversed(body)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[(i + 1) % 8][int(digit)]]
    value = body + str(_VERHOEFF_INV[check])
    return f"{value[:4]} {value[4:8]} {value[8:]}"


def bsn(rng: random.Random) -> str:
    """A Dutch BSN: nine digits that pass the 11-proof."""
    while True:
        body = [rng.randint(0, 9) for _ in range(8)]
        last = sum(d * w for d, w in zip(body, range(9, 1, -1), strict=True)) % 11
        if last < 10 and any(body):
            return "".join(map(str, body)) + str(last)


_CF_ODD = dict(zip(string.digits + string.ascii_uppercase,
                   (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12,
                    14, 16, 10, 22, 25, 24, 23), strict=True))


def codice_fiscale(rng: random.Random) -> str:
    """An Italian codice fiscale: letters of the names, birth year, month letter, day (+40 for women), a place's
    code, and the check letter (odd and even places weighed as the decree of 1976 says)."""
    letters = lambda n: "".join(rng.choice(string.ascii_uppercase) for _ in range(n))  # noqa: E731
    body = (letters(6) + f"{rng.randint(0, 99):02d}" + rng.choice("ABCDEHLMPRST")
            + f"{rng.randint(1, 28) + rng.choice([0, 40]):02d}" + rng.choice("ABCDEFGHILM") + f"{rng.randint(1, 999):03d}")
    total = sum(_CF_ODD[ch] for ch in body[0::2]) + sum(int(ch, 36) - (0 if ch.isdigit() else 10) for ch in body[1::2])
    return body + chr(65 + total % 26)


def nino(rng: random.Random) -> str:
    """A UK National Insurance number: two letters HMRC issues, six digits, A-D; spaced as on letters, or not."""
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice([c for c in "ABCEGHJKLMNPRSTWXYZ" if first + c not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")])
    digits = "".join(rng.choice(string.digits) for _ in range(6))
    suffix = rng.choice("ABCD")
    return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}" if rng.random() < 0.5 \
        else f"{first}{second}{digits}{suffix}"


def tax_id_de(rng: random.Random) -> str:
    """A German tax ID: ten digits, not from 0, one of them twice (or three times) and the others once, then the
    ISO 7064 MOD 11,10 check digit; grouped 2-3-3-3 as on the letter, or in one block."""
    while True:
        digits = rng.sample(string.digits, 9)
        digits.append(rng.choice(digits))
        if rng.random() < 0.3:  # a digit three times: another place takes a copy of the repeated one
            digits[digits.index(next(d for d in digits if digits.count(d) == 1))] = digits[-1]
        rng.shuffle(digits)
        if digits[0] != "0":
            break
    product = 10
    for digit in digits:
        total = (int(digit) + product) % 10 or 10
        product = total * 2 % 11
    value = "".join(digits) + str((11 - product) % 10)
    return f"{value[:2]} {value[2:5]} {value[5:8]} {value[8:]}" if rng.random() < 0.5 else value


def sin(rng: random.Random) -> str:
    """A Canadian Social Insurance Number: nine digits from 1-7 or 9 that pass Luhn, grouped 3-3-3 or not."""
    body = rng.choice("12345679") + "".join(rng.choice(string.digits) for _ in range(7))
    value = body + luhn_digit(body)
    gap = rng.choice([" ", "-", ""])
    return f"{value[:3]}{gap}{value[3:6]}{gap}{value[6:]}"


def my_number(rng: random.Random) -> str:
    """A Japanese Individual Number (My Number): eleven digits and the check digit 11 - (sum of digit x weight mod 11),
    0 for 10 and 11, the weights 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2; grouped in fours as on the card, or not."""
    body = "".join(rng.choice(string.digits) for _ in range(11))
    remainder = sum(int(d) * w for d, w in zip(body, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    value = body + str(0 if remainder <= 1 else 11 - remainder)
    return f"{value[:4]} {value[4:8]} {value[8:]}" if rng.random() < 0.5 else value


def tfn(rng: random.Random) -> str:
    """An Australian tax file number: nine digits whose sum weighed 1, 4, 3, 7, 5, 8, 6, 9, 10 is a multiple of 11;
    grouped 3-3-3 or not."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        rest = -sum(d * w for d, w in zip(digits, (1, 4, 3, 7, 5, 8, 6, 9), strict=True)) % 11
        last = next((d for d in range(10) if d * 10 % 11 == rest), None)
        if last is not None:
            value = "".join(map(str, digits)) + str(last)
            return f"{value[:3]} {value[3:6]} {value[6:]}" if rng.random() < 0.5 else value


_TW_LETTER_NUMBERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def tw_id(rng: random.Random) -> str:
    """A Taiwanese national ID: a letter (its county), 1 or 2, seven digits and the check digit that makes the
    letter's two digits and the nine, weighed 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1, a multiple of 10."""
    letter = rng.choice(list(_TW_LETTER_NUMBERS))
    body = rng.choice("12") + "".join(rng.choice(string.digits) for _ in range(7))
    tens, ones = divmod(_TW_LETTER_NUMBERS[letter], 10)
    total = tens + ones * 9 + sum(int(d) * w for d, w in zip(body, (8, 7, 6, 5, 4, 3, 2, 1), strict=True))
    return f"{letter}{body}{-total % 10}"


def hkid(rng: random.Random) -> str:
    """A Hong Kong HKID: one or two letters, six digits, and the check character in brackets (A for 10) that makes
    the letters (A=10 ... Z=35, a lone one led by a space worth 36) and digits weighed 9 down to 2, with it, a
    multiple of 11."""
    letters = rng.choice(string.ascii_uppercase) + (rng.choice(string.ascii_uppercase) if rng.random() < 0.2 else "")
    digits = "".join(rng.choice(string.digits) for _ in range(6))
    values = [36] * (2 - len(letters)) + [ord(ch) - 55 for ch in letters] + [int(d) for d in digits]
    check = (11 - sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True)) % 11) % 11
    return f"{letters}{digits}({'A' if check == 10 else check})"


def nric(rng: random.Random) -> str:
    """A Singapore NRIC (S, T) or FIN (F, G, M): the letter, seven digits weighed 2, 7, 6, 5, 4, 3, 2, and the check
    letter of the sum (plus 4 for T and G, 3 for M) mod 11 in the letter's table."""
    first = rng.choice("STFGM")
    digits = "".join(rng.choice(string.digits) for _ in range(7))
    total = {"S": 0, "F": 0, "T": 4, "G": 4, "M": 3}[first] + sum(
        int(d) * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2), strict=True))
    table = "JZIHGFEDCBA" if first in "ST" else "XWUTRQPNMLK" if first in "FG" else "KLJNPQRTUWX"[::-1]
    return first + digits + table[total % 11]


def kimlik(rng: random.Random) -> str:
    """A Turkish T.C. Kimlik number: nine digits from 1-9 first, the tenth ((odd places' sum x 7 - even places' sum)
    mod 10), the eleventh the sum of the ten mod 10."""
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
    tenth = (sum(digits[0::2]) * 7 - sum(digits[1::2])) % 10
    eleventh = (sum(digits) + tenth) % 10
    return "".join(map(str, digits)) + f"{tenth}{eleventh}"


def itin(rng: random.Random) -> str:
    """A US ITIN as written: 9, two digits, the middle two from a range the IRS issues them from, four digits."""
    middle = rng.choice([*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)])
    return f"9{rng.randint(0, 99):02d}-{middle}-{rng.randint(0, 9999):04d}"


def nhs(rng: random.Random) -> str:
    """A UK NHS number: nine digits and the check digit 11 less their sum weighed 10 down to 2 mod 11 (none when that
    is 10); grouped 3-3-4 as on letters, or not."""
    while True:
        body = "".join(rng.choice(string.digits) for _ in range(9))
        check = (11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11) % 11
        if check < 10:
            value = body + str(check)
            return f"{value[:3]} {value[3:6]} {value[6:]}" if rng.random() < 0.5 else value


def pan(rng: random.Random) -> str:
    """An Indian PAN: three letters, the holder's kind (P for a person, mostly), the first letter of the surname, four
    digits (not 0000) and a letter."""
    letters = lambda n: "".join(rng.choice(string.ascii_uppercase) for _ in range(n))  # noqa: E731
    return letters(3) + rng.choice("PPPPCFHT") + letters(1) + f"{rng.randint(1, 9999):04d}" + letters(1)


_CURP_STATES = ("AS BC BS CC CH CL CM CS DF DG GR GT HG JC MC MN MS NE NL NT OC PL QR QT SL SP SR TC TL TS VZ YN "
                "ZS").split()
_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"


def curp(rng: random.Random) -> str:
    """A Mexican CURP: four letters of the names, birth date, H or M, the state of birth (RENAPO's codes), three
    consonants, a digit before 2000 (a letter since), and the check digit of the seventeen weighed 18 down to 2."""
    day = birth_day(rng)
    body = ("".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + day.strftime("%y%m%d") + rng.choice("HM")
            + rng.choice(_CURP_STATES) + "".join(rng.choice("BCDFGHJKLMNPQRSTVWXYZ") for _ in range(3))
            + (rng.choice(string.digits) if day.year < 2000 else rng.choice(string.ascii_uppercase)))
    total = sum(_CURP_ALPHABET.index(ch) * (18 - i) for i, ch in enumerate(body))
    return body + str((10 - total % 10) % 10)


def ahv(rng: random.Random) -> str:
    """A Swiss AHV/AVS number as written: 756 (the country's code), nine digits and the EAN-13 check digit."""
    body = "756" + "".join(rng.choice(string.digits) for _ in range(9))
    value = body + str(-sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10)
    return f"{value[:3]}.{value[3:7]}.{value[7:11]}.{value[11:]}"


def nif_pt(rng: random.Random) -> str:
    """A Portuguese NIF: 1, 2 or 3 (a person), seven digits, and 11 less the eight weighed 9 down to 2 mod 11 (0 for
    10 and 11)."""
    body = rng.choice("123") + "".join(rng.choice(string.digits) for _ in range(7))
    return body + str((11 - sum(int(d) * w for d, w in zip(body, range(9, 1, -1), strict=True))) % 11 % 10)


_PPS_LETTERS = "WABCDEFGHIJKLMNOPQRSTUV"


def pps(rng: random.Random) -> str:
    """An Irish PPS number: seven digits and the check letter of their sum weighed 8 down to 2 mod 23; a second letter
    (A or B since 2013, weighed 9; W for some older numbers, not counted) now and then."""
    digits = "".join(rng.choice(string.digits) for _ in range(7))
    second = rng.choice(["", "", "", "A", "B", "W"])
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    total += 9 * _PPS_LETTERS.index(second) if second in ("A", "B") else 0
    return digits + _PPS_LETTERS[total % 23] + second


def svnr(rng: random.Random) -> str:
    """An Austrian social insurance number: a serial from 100, the check digit (the serial and the birth date DDMMYY
    weighed 3, 7, 9 and 5, 8, 4, 2, 1, 6 mod 11; a serial giving 10 is not issued), the birth date; spaced after the
    check digit as on the e-card, or not."""
    while True:
        serial = f"{rng.randint(100, 999)}"
        born = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}"
        check = sum(int(d) * w for d, w in zip(serial + born, (3, 7, 9, 5, 8, 4, 2, 1, 6), strict=True)) % 11
        if check < 10:
            return f"{serial}{check}{rng.choice([' ', ''])}{born}"


def rut(rng: random.Random) -> str:
    """A Chilean RUT: a number from 1,000,000 and the check character of its digits weighed 2 to 7 from the right
    (11 less the sum mod 11; 0 for 11, K for 10); 12.345.678-5 as written, or without the dots."""
    number = rng.randint(1_000_000, 26_000_000)
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(str(number))))
    check = "0K987654321"[total % 11]
    return f"{number:,}".replace(",", ".") + f"-{check}" if rng.random() < 0.7 else f"{number}-{check}"


def cuit(rng: random.Random) -> str:
    """An Argentine CUIT or CUIL: the holder's kind (20 a man, 27 a woman, 30 a company), the DNI's eight digits, and
    11 less their sum weighed 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 mod 11 (0 for 11; a number giving 10 is issued otherwise)."""
    while True:
        kind, number = rng.choice(["20", "27", "30"]), f"{rng.randint(1_000_000, 45_000_000):08d}"
        check = 11 - sum(int(d) * w for d, w in zip(kind + number, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
        if check != 10:
            return f"{kind}-{number}-{check % 11}"


def il_id(rng: random.Random) -> str:
    """An Israeli identity number (teudat zehut): eight digits and the Luhn check digit."""
    body = "".join(rng.choice(string.digits) for _ in range(8))
    return body + luhn_digit(body)


def thai_id(rng: random.Random) -> str:
    """A Thai national ID: the holder's kind (1-8), eleven digits and 11 less their sum weighed 13 down to 2, mod 11,
    mod 10; 1-2345-67890-12-1 as on the card, or in one block."""
    body = rng.choice("12345678") + "".join(rng.choice(string.digits) for _ in range(11))
    value = body + str((11 - sum(int(d) * w for d, w in zip(body, range(13, 1, -1), strict=True)) % 11) % 10)
    return f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}" if rng.random() < 0.5 else value


def cccd(rng: random.Random) -> str:
    """A Vietnamese citizen identity card number: a province (001-096), the century and sex (0, 1 for the 1900s; 2, 3
    for the 2000s), the birth year's last two digits and a serial of six."""
    year = rng.randint(1930, 2010)
    century = rng.choice("01") if year < 2000 else rng.choice("23")
    return f"{rng.randint(1, 96):03d}{century}{year % 100:02d}{rng.randint(0, 999999):06d}"


def ar_dni(rng: random.Random) -> str:
    """An Argentine DNI: seven or eight digits from 1,000,000, with dots as on the card (12.345.678) or not."""
    number = rng.randint(1_000_000, 99_999_999)
    return f"{number:,}".replace(",", ".") if rng.random() < 0.7 else str(number)
