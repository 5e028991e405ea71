"""The check characters of national identity numbers: Spain's DNI and NIE, Brazil's CPF, France's NIR, India's
Aadhaar (Verhoeff), the Netherlands' BSN (11-proof), Italy's codice fiscale, Germany's tax ID (ISO 7064 MOD 11,10),
Canada's SIN (Luhn), Japan's My Number, Australia's tax file number, Taiwan's national ID, Hong Kong's HKID,
Singapore's NRIC and FIN, Turkey's T.C. Kimlik number, the UK's NHS number (mod 11), Mexico's CURP, Switzerland's AHV
number (EAN-13), Portugal's NIF, Ireland's PPS number, Austria's social insurance number, Chile's RUT, Argentina's
CUIT, Israel's identity number, Thailand's ID; and the shapes of a UK National Insurance number, a US ITIN, an Indian
PAN, a Vietnamese CCCD and an Argentine DNI, which have no check character. Those that hold a birth date have a module of
their own, birth_id_checks, and so have identity documents' numbers: document_checks.

Written here rather than taken from python-stdnum, which has most of them: importing one of its modules cost 11 MiB
of RSS and 32 ms (``stdnum.util`` imports ``pydoc``; measured 7 December, python-stdnum 2.2), for a few lines each.
Each it has was checked against python-stdnum 2.2's on 100,000 random numbers of its kind, half of them valid, and
50,000 codici fiscali with each of the 26 last letters. They disagree only where Roost asks more or knows more: a
codice fiscale's birth date is not checked (python-stdnum refuses some), ITINs have the IRS's middle digits 50-65 and
an adopted child's 93 too, and a CURP may begin with a word RENAPO replaces.
"""

from __future__ import annotations

import re

from .validators import luhn_valid, real_date, weighed_sum

__all__ = ["aadhaar_valid", "ahv_valid", "ar_dni_shaped", "bsn_valid", "cccd_shaped", "codice_fiscale_valid", "cpf_valid", "cuit_valid",
           "curp_valid", "dni_valid", "hkid_valid", "il_id_valid", "itin_shaped", "kimlik_valid", "my_number_valid",
           "nhs_valid", "nif_pt_valid", "nino_shaped", "nir_valid", "nric_valid", "pan_shaped", "pps_valid", "rut_valid",
           "sin_valid", "svnr_valid", "tax_id_de_valid", "tfn_valid", "thai_id_valid", "tw_id_valid"]

_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_valid(value: str) -> bool:
    """A DNI (12345678Z) or NIE (X1234567L), dashes allowed: its letter is the number's remainder mod 23."""
    compact = value.replace("-", "").upper()
    if compact[:1] in ("X", "Y", "Z"):
        compact = str("XYZ".index(compact[0])) + compact[1:]
    return len(compact) == 9 and compact[:8].isdigit() and _DNI_LETTERS[int(compact[:8]) % 23] == compact[8]


def ar_dni_shaped(digits: str) -> bool:
    """Argentina's DNI: seven or eight digits from 1,000,000 (no check digit; Peru's is written so too)."""
    return len(digits) in (7, 8) and digits.isdigit() and digits[0] != "0"


def cpf_valid(digits: str) -> bool:
    """Eleven digits whose last two are the CPF's mod-11 check digits (not one digit eleven times)."""
    if len(digits) != 11 or not digits.isdigit() or digits == digits[0] * 11:
        return False
    for n in (9, 10):
        total = weighed_sum(digits[:n], range(n + 1, 1, -1))
        if total * 10 % 11 % 10 != int(digits[n]):
            return False
    return True


def nir_valid(value: str) -> bool:
    """Fifteen characters of a French NIR (Corsica's departments 2A and 2B too) whose last two are 97 less the first
    thirteen mod 97."""
    body, key = value[:13], value[13:]
    number = body.replace("2A", "19", 1) if body[5:7] == "2A" else body.replace("2B", "18", 1) if body[5:7] == "2B" \
        else body
    return len(value) == 15 and number.isdigit() and key.isdigit() and 97 - int(number) % 97 == int(key)


_VERHOEFF_TABLE = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
"""Multiplication in the dihedral group D5."""
_VERHOEFF_PERMUTATION = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def aadhaar_valid(digits: str) -> bool:
    """Twelve digits, the first 2-9, that pass the Verhoeff check (not a palindrome, which UIDAI never issues)."""
    if len(digits) != 12 or not digits.isdigit() or digits[0] in "01" or digits == digits[::-1]:
        return False
    check = 0
    for i, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_TABLE[check][_VERHOEFF_PERMUTATION[i % 8][int(digit)]]
    return check == 0


def bsn_valid(digits: str) -> bool:
    """Nine digits that pass the 11-proof (the last digit weighs -1), not all zeros."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    return weighed_sum(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)) % 11 == 0


_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12,
                    14, 16, 10, 22, 25, 24, 23), strict=True))
_CF_EVEN = {**{str(n): n for n in range(10)}, **{chr(65 + n): n for n in range(26)}}
_CF_SHAPE = re.compile(r"[A-Z]{6}[0-9LMNP-V]{2}[A-EHLMPR-T][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]")


def codice_fiscale_valid(value: str) -> bool:
    """Sixteen characters shaped as a codice fiscale (digits replaced by letters too, as for namesakes) whose last is
    its check letter."""
    code = value.upper()
    if not _CF_SHAPE.fullmatch(code):
        return False
    total = sum(_CF_ODD[ch] for ch in code[0:15:2]) + sum(_CF_EVEN[ch] for ch in code[1:15:2])
    return chr(65 + total % 26) == code[15]


_NINO = re.compile(r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]")


def nino_shaped(value: str) -> bool:
    """A National Insurance number's shape (no check character): two letters of those HMRC issues, six digits, A-D."""
    return _NINO.fullmatch(value.replace(" ", "").upper()) is not None


def tax_id_de_valid(digits: str) -> bool:
    """Germany's tax ID (Steuer-IdNr): eleven digits, not from 0; in the first ten exactly one digit twice or three
    times and the others once; the last the ISO 7064 MOD 11,10 check digit."""
    if len(digits) != 11 or not digits.isdigit() or digits[0] == "0":
        return False
    repeated = [digits[:10].count(d) for d in set(digits[:10])]
    if sorted(n for n in repeated if n > 1) not in ([2], [3]):
        return False
    check = 5
    for digit in digits:
        check = ((check or 10) * 2 % 11 + int(digit)) % 10
    return check == 1


def sin_valid(digits: str) -> bool:
    """Canada's Social Insurance Number: nine digits, not from 0 or 8, that pass Luhn."""
    return len(digits) == 9 and digits[:1] not in ("0", "8") and luhn_valid(digits)


def my_number_valid(digits: str) -> bool:
    """Japan's Individual Number (My Number): twelve digits, the last the check digit of the first eleven weighed
    6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 (mod 11; 10 is written 0)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    total = weighed_sum(digits, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    return -total % 11 % 10 == int(digits[11])


def tfn_valid(digits: str) -> bool:
    """Australia's tax file number: nine digits (eight for old ones) whose sum weighed 1, 4, 3, 7, 5, 8, 6, 9, 10 is
    a multiple of 11."""
    if len(digits) not in (8, 9) or not digits.isdigit():
        return False
    return weighed_sum(digits, (1, 4, 3, 7, 5, 8, 6, 9, 10)) % 11 == 0


_TW_LETTERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))
"""The number each first letter of a Taiwanese ID stands for."""


def tw_id_valid(value: str) -> bool:
    """Taiwan's national ID: a letter, 1 or 2 (8 or 9 for residents' new permits), eight digits; the letter's two
    digits and the nine weighed 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1 add up to a multiple of 10."""
    code = value.upper()
    if len(code) != 10 or code[0] not in _TW_LETTERS or code[1] not in "1289" or not code[1:].isdigit():
        return False
    letter = _TW_LETTERS[code[0]]
    total = letter // 10 + letter % 10 * 9 + weighed_sum(code[1:], (8, 7, 6, 5, 4, 3, 2, 1, 1))
    return total % 10 == 0


def hkid_valid(value: str) -> bool:
    """Hong Kong's HKID, A123456(3) (brackets optional): one or two letters, six digits and a check character (0-9 or
    A for 10) that makes the letters (A=10 ... Z=35, a lone letter led by a space worth 36) and digits weighed 9 down
    to 1 a multiple of 11."""
    code = value.upper().replace("(", "").replace(")", "")
    if len(code) not in (8, 9) or not code[:-7].isalpha() or not code[:-7].isascii() or not code[-7:-1].isdigit():
        return False
    body = code[:-1] if len(code) == 9 else " " + code[:-1]
    total = sum((36 if ch == " " else int(ch, 36)) * w for ch, w in zip(body, range(9, 1, -1), strict=True))
    check = -total % 11
    return code[-1] == ("A" if check == 10 else str(check))


_NRIC_LETTERS = {"S": (0, "JZIHGFEDCBA"), "T": (4, "JZIHGFEDCBA"), "F": (0, "XWUTRQPNMLK"), "G": (4, "XWUTRQPNMLK"),
                 "M": (3, "XWUTRQPNJLK")}
"""For each first letter of a Singapore NRIC or FIN: what its sum starts from, and its check letters by remainder."""


def nric_valid(value: str) -> bool:
    """Singapore's NRIC (S, T) or FIN (F, G, M): a letter, seven digits weighed 2, 7, 6, 5, 4, 3, 2, and the check
    letter of the sum's remainder mod 11."""
    code = value.upper()
    if len(code) != 9 or code[0] not in _NRIC_LETTERS or not code[1:8].isdigit():
        return False
    start, letters = _NRIC_LETTERS[code[0]]
    total = start + weighed_sum(code[1:8], (2, 7, 6, 5, 4, 3, 2))
    return letters[total % 11] == code[8]


def kimlik_valid(digits: str) -> bool:
    """Turkey's T.C. Kimlik number: eleven digits, not from 0; the tenth from the first nine weighed 3, 1, 3, 1 …
    (mod 10, from 10), the eleventh the sum of the ten mod 10."""
    if len(digits) != 11 or not digits.isdigit() or digits[0] == "0":
        return False
    tenth = (10 - weighed_sum(digits[:9], (3, 1) * 5)) % 10
    return tenth == int(digits[9]) and (tenth + sum(int(d) for d in digits[:9])) % 10 == int(digits[10])


def itin_shaped(digits: str) -> bool:
    """A US ITIN (or ATIN): nine digits from 9, the middle two in a range the IRS issues them from (50-65, 70-88,
    90-92, 94-99; 93 for an adopted child's ATIN)."""
    if len(digits) != 9 or not digits.isdigit() or digits[0] != "9":
        return False
    middle = int(digits[3:5])
    return 50 <= middle <= 65 or 70 <= middle <= 88 or middle >= 90


def nhs_valid(digits: str) -> bool:
    """The UK's NHS number: ten digits whose sum weighed 10 down to 1 is a multiple of 11."""
    return len(digits) == 10 and digits.isdigit() and sum(
        int(d) * w for d, w in zip(digits, range(10, 0, -1), strict=True)) % 11 == 0


_PAN = re.compile(r"[A-Z]{3}[ABCFGHJKLPT][A-Z][0-9]{4}[A-Z]")


def pan_shaped(value: str) -> bool:
    """India's PAN: five letters (the fourth the holder's kind: P for a person), four digits but 0000, a letter."""
    code = value.upper()
    return _PAN.fullmatch(code) is not None and code[5:9] != "0000"


_CURP = re.compile(r"[A-Z]{4}[0-9]{6}[HM](?:AS|BC|BS|CC|CH|CL|CM|CS|DF|DG|GR|GT|HG|JC|MC|MN|MS|NE|NL|NT|OC|PL|QR|QT|SL|SP"
                   r"|SR|TC|TL|TS|VZ|YN|ZS)[A-Z]{3}[0-9A-Z][0-9]")
"""A CURP's shape: name letters, birth date, sex, the state of birth (NE: born abroad), name consonants, a character
that tells the century (a digit before 2000), the check digit."""
_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"


def curp_valid(value: str) -> bool:
    """Mexico's CURP: its shape, a birth date the calendar has, and the check digit of the seventeen characters
    weighed 18 down to 2 (mod 10)."""
    code = value.upper()
    if _CURP.fullmatch(code) is None:
        return False
    year = (1900 if code[16].isdigit() else 2000) + int(code[4:6])
    if not real_date(year, int(code[6:8]), int(code[8:10])):
        return False
    total = sum(_CURP_ALPHABET.index(ch) * (18 - i) for i, ch in enumerate(code[:17]))
    return (10 - total % 10) % 10 == int(code[17])


def ahv_valid(digits: str) -> bool:
    """Switzerland's AHV/AVS number: thirteen digits from 756 (the country's code), the last its EAN-13 check digit."""
    return len(digits) == 13 and digits.isdigit() and digits.startswith("756") and weighed_sum(digits, (1, 3) * 7) % 10 == 0


def nif_pt_valid(digits: str) -> bool:
    """Portugal's NIF: nine digits, not from 0, the last 11 less the sum of the eight weighed 9 down to 2 mod 11 (0 for
    10 and 11)."""
    if len(digits) != 9 or not digits.isdigit() or digits[0] == "0":
        return False
    return (11 - weighed_sum(digits, range(9, 1, -1))) % 11 % 10 == int(digits[8])


_PPS = re.compile(r"[0-9]{7}[A-W][ABHWTX]?")
_PPS_CHECKS = "WABCDEFGHIJKLMNOPQRSTUV"


def pps_valid(value: str) -> bool:
    """Ireland's PPS number: seven digits, a check letter, and maybe a second letter (A, B or H since 2013, which
    counts, weighed 9; W, T or X of older numbers, which does not); the digits weighed 8 down to 2, mod 23."""
    code = value.upper()
    if _PPS.fullmatch(code) is None:
        return False
    total = weighed_sum(code, range(8, 1, -1))
    if code[8:] in ("A", "B", "H"):
        total += 9 * _PPS_CHECKS.index(code[8])
    return _PPS_CHECKS[total % 23] == code[7]


def svnr_valid(digits: str) -> bool:
    """Austria's social insurance number: ten digits, not from 0, a serial of three, a check digit (the others weighed
    3, 7, 9, 5, 8, 4, 2, 1, 6 mod 11; a serial giving 10 is not issued) and the birth date DDMMYY, which may be one the
    calendar lacks (month 13 and up when it was not known)."""
    return len(digits) == 10 and digits.isdigit() and digits[0] != "0" and sum(
        int(d) * w for d, w in zip(digits, (3, 7, 9, 0, 5, 8, 4, 2, 1, 6), strict=True)) % 11 == int(digits[3])


def rut_valid(value: str) -> bool:
    """Chile's RUT (RUN for a person): seven or eight digits and the check character of their sum weighed 9, 8, 7, 6,
    5, 4 repeated from the right, mod 11 (K for 10)."""
    code = value.upper()
    if len(code) not in (8, 9) or not code[:-1].isdigit():
        return False
    total = sum(int(d) * (4 + (5 - i) % 6) for i, d in enumerate(reversed(code[:-1])))
    return "0123456789K"[total % 11] == code[-1]


_CUIT_KINDS = ("20", "23", "24", "27", "30", "33", "34", "50", "51", "55")
"""The kinds of holder a CUIT's first two digits tell: 20, 23, 24 and 27 a person, 30, 33 and 34 a company, 50, 51 and
55 the international ones."""


def cuit_valid(digits: str) -> bool:
    """Argentina's CUIT or CUIL: eleven digits, the first two its holder's kind, the last the check digit of the ten
    weighed 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 (11 less the sum mod 11; 0 for 11, 9 for 10)."""
    if len(digits) != 11 or not digits.isdigit() or digits[:2] not in _CUIT_KINDS:
        return False
    total = weighed_sum(digits, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    return "012345678990"[11 - total % 11] == digits[10]


def il_id_valid(digits: str) -> bool:
    """Israel's identity number (teudat zehut): nine digits, not all zeros, that pass Luhn."""
    return len(digits) == 9 and digits != "000000000" and luhn_valid(digits)


def thai_id_valid(digits: str) -> bool:
    """Thailand's national ID: thirteen digits, the first 1-8 (the holder's kind), the last 11 less the twelve weighed
    13 down to 2, mod 11, mod 10."""
    if len(digits) != 13 or not digits.isdigit() or digits[0] in "09":
        return False
    return (11 - weighed_sum(digits, range(13, 1, -1)) % 11) % 10 == int(digits[12])


def cccd_shaped(digits: str) -> bool:
    """Vietnam's citizen identity card (CCCD) number: twelve digits, a province from 001 to 096, the century and sex
    (0-3 for the 1900s and 2000s), the birth year's last two digits, a serial (no check digit)."""
    return len(digits) == 12 and digits.isdigit() and 1 <= int(digits[:3]) <= 96 and digits[3] in "0123"
