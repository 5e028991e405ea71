"""Recognizers for numbers: Chinese resident IDs, phone numbers, payment cards and IBANs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import WINDOW, Words, lowered, word_before
from .registry import Finding
from .runs import EXTENSION, LONG_TEXT, digit_runs, matches_in_runs, without_extension
from .validators import IBAN_LENGTHS, is_valid_cn_id, is_valid_cn_id15, is_valid_iban, luhn_valid

__all__ = ["CardRecognizer", "CnIdRecognizer", "IbanRecognizer", "PhoneRecognizer"]

_END = r"(?![0-9A-Za-z])"

# Labels right before a number that say it is some other kind of identifier.
ID_WORDS: tuple[str, ...] = (
    "order", "invoice", "tracking", "ticket", "serial", "sku", "ref", "no.", "no", "id", "#", "commit", "merge",
    "订单", "单号", "运单", "快递", "发票", "编号", "流水", "工单", "代码", "part",
)  # fmt: skip


class CnIdRecognizer:
    """Chinese resident ID numbers (GB 11643-1999), whole or in the groups of forms (region, birth date,
    sequence: "110105 19491231 002X"), optionally the legacy 15-digit form."""

    entity = "CN_ID"

    # The first digit comes before the lookbehind so the regex engine can skip to digits fast.
    _RE18 = re.compile(
        r"[1-9](?<![0-9][1-9])[0-9]{5}([ \-]?)(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])"
        r"(?:0[1-9]|[12][0-9]|3[01])\1[0-9]{3}[0-9Xx]" + _END
    )
    _RE15 = re.compile(
        r"[1-9](?<![0-9][1-9])[0-9]{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}" + _END
    )

    def __init__(self, legacy: bool = False) -> None:
        self.legacy = legacy
        self.shortest_run = 15 if legacy else 17
        """Only a run of 17 digits (before the check character) can hold an ID, of 15 a legacy one."""

    def find(self, text: str) -> Iterator[Finding]:
        """Yield IDs whose region, birth date and check character are valid."""
        for m in matches_in_runs(self._RE18, text, 17):
            if is_valid_cn_id(m.group().replace(m.group(1), "") if m.group(1) else m.group()):
                yield Finding(self.entity, m.start(), m.end(), m.group(), 0.99)
        if self.legacy:
            for m in matches_in_runs(self._RE15, text, 15):
                if is_valid_cn_id15(m.group()):
                    yield Finding(self.entity, m.start(), m.end(), m.group(), 0.7)


_FIXED_LINE_EXTENSION = EXTENSION + "|-[0-9]{1,5}"
"""A Chinese fixed line's extension, also after a dash as business cards write it ("0755-88888888-8008")."""
_FIXED_LINE_EXTENSION_AT_END = re.compile(f"(?:{_FIXED_LINE_EXTENSION})$")


class PhoneRecognizer:
    """Chinese mobile and fixed-line numbers, and numbers in international +CC form."""

    entity = "PHONE"

    # Every branch starts with a literal character (then its boundary check), so the regex
    # engine skips quickly to the few characters a phone number can start with. The group
    # that matched tells the kind: 1-3 +86 mobile, 4 mobile, 5 fixed line (6, 7 separators),
    # 8 fixed line with the area code in parentheses, 9 international; fixed lines and international
    # numbers may have an extension ("010-12345678转8008").
    _MOBILE_TAIL = r"1[3-9][0-9](?:[ \-]?[0-9]{4}){2}"
    _RE = re.compile(
        r"(?:\+(?<![0-9A-Za-z+]\+)(86[ \-]?" + _MOBILE_TAIL + r")"
        r"|0(?<![0-9A-Za-z]0)(086[ \-]?" + _MOBILE_TAIL + r")"
        r"|\((?<![0-9A-Za-z]\()(\s?(?:\+|00)86\s?\)[ \-]?" + _MOBILE_TAIL + r")"
        r"|1(?<![0-9A-Za-z+]1)([3-9][0-9](?:[ \-]?[0-9]{4}){2})"
        r"|0(?<![0-9A-Za-z]0)((?:(?:10|2[0-9])([ \-]?)[1-9][0-9]{7}|[3-9][0-9]{2}([ \-]?)[1-9][0-9]{6,7})"
        r"(?:" + _FIXED_LINE_EXTENSION + r")?)"
        r"|\(((?:0(?:10|2[0-9])\)\s?[1-9][0-9]{7}|0[3-9][0-9]{2}\)\s?[1-9][0-9]{6,7})(?:" + _FIXED_LINE_EXTENSION
        + r")?)"
        r"|\+(?<![0-9A-Za-z+]\+)([1-9][0-9 \-().]{6,22}[0-9](?:" + EXTENSION + r")?))" + _END,
        re.ASCII,
    )
    PHONE_WORDS = Words(
        "tel", "phone", "call", "fax", "mobile", "cell", "whatsapp", "sms", "my number", "电话", "座机", "手机",
        "联系", "致电", "拨打", "来电", "打给", "传真", "热线", "微信", scanned=False,
    )  # fmt: skip

    shortest_run = 9
    """Only a run of at least 9 digits and separators can hold a phone number."""

    def find(self, text: str) -> Iterator[Finding]:
        """Yield phone numbers that have a valid shape and are not labelled as other ids."""
        for m in matches_in_runs(self._RE, text, 9, _may_be_a_phone):
            kind = m.lastindex
            start = m.start()
            value = m.group()
            if kind is None or kind <= 3:
                confidence = 0.92
            elif kind == 4:
                if word_before(text, start, ID_WORDS) and not self._labelled_phone(text, start):
                    continue
                confidence = 0.9
            elif kind == 5:
                if word_before(text, start, ID_WORDS) and not self._labelled_phone(text, start):
                    continue
                if m.group(6) or m.group(7):
                    confidence = 0.85
                elif word_before(text, start, self.PHONE_WORDS.words):
                    confidence = 0.75
                # One block of 11 digits from a trunk 0 is how fixed lines are written (order numbers do not
                # start with 0); 12 digits from 0 are as often a UPC barcode.
                elif len(number := _FIXED_LINE_EXTENSION_AT_END.sub("", value)) == 11 and number.isdigit():
                    confidence = 0.7
                else:
                    continue
            elif kind == 8:
                confidence = 0.85
            else:
                number = without_extension(value)
                if number.count(")") == number.count("(") + 1 and text[start - 1:start] == "(":
                    start, value, number = start - 1, "(" + value, "(" + number  # "(+44) 7700 900123"
                digits = sum(ch.isdigit() for ch in number)
                if not 8 <= digits <= 15 or number.count("(") != number.count(")"):
                    continue
                if "  " in number or "--" in number:
                    continue
                if "." in number and not (_DOTTED_PHONE.fullmatch(number) and not _AMOUNT_GOES_ON.match(text, m.end())):
                    continue
                confidence = 0.8
            yield Finding(self.entity, start, m.end(), value, confidence)

    def _labelled_phone(self, text: str, start: int) -> bool:
        """True when a phone word comes shortly before ("Phone No. 138...", "手机号 138...")."""
        return self.PHONE_WORDS.in_text(text, max(0, start - 16), start)


_DOTTED_PHONE = re.compile(r"\+[0-9]{1,3}(?:\.[0-9]{1,4}){2,5}")
"""An international number written with dots ("+61.2.9374.4000"): groups of a phone number's size, not a version
("+1.5.3.20240105")."""
_AMOUNT_GOES_ON = re.compile(r"[,.][0-9]")
"""After dotted digits, the decimals of an amount ("+12.345.678,90")."""


def _may_be_a_phone(text: str, start: int, end: int) -> bool:
    """A block of digits alone can only be a mobile number (11 digits from 1) or a fixed line (from 0)."""
    block = text[start:end]
    return not block.isdigit() or block[0] == "0" or (block[0] == "1" and len(block) == 11)


def card_brand_ok(digits: str) -> bool:
    """True when the digits start with a known issuer prefix and have that brand's length."""
    n = len(digits)
    p2, p3, p4 = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":  # Visa
        return n in (13, 16, 19)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:  # Mastercard
        return n == 16
    if p2 in (34, 37):  # American Express
        return n == 15
    if 2200 <= p4 <= 2204:  # Mir
        return 16 <= n <= 19
    if p4 == 6011 or 644 <= p3 <= 649 or p2 in (62, 65):  # Discover, UnionPay
        return 16 <= n <= 19
    if p2 == 35:  # JCB (3528-3589 issued; the whole 35 range seen in the wild)
        return 16 <= n <= 19
    if p4 in (1800, 2131):  # JCB's old 15-digit numbers
        return n == 15
    if 300 <= p3 <= 305 or p2 in (36, 38, 39):  # Diners Club
        return 14 <= n <= 19
    if p2 in (50, 56, 57, 58, 63, 67, 6) or p3 == 639:  # Maestro (and 06 Maestro UK)
        return 12 <= n <= 19
    return False


CARD_WORDS = Words(
    "卡号", "银行卡", "信用卡", "借记卡", "储蓄卡", "账号", "账户", "银联", "card", "visa", "master",
    "maestro", "amex", "jcb", "unionpay", "mc",
)  # fmt: skip


class CardRecognizer:
    """Payment card numbers: 12-19 digits and Luhn, with an issuer prefix or a word that says card;
    UnionPay numbers that fail Luhn only with such a word."""

    entity = "CARD"

    _RE = re.compile(r"[0-9](?<![0-9A-Za-z][0-9])(?:[ \-]?[0-9]){11,18}" + _END)
    # Without a word that says card, only 13-19 digits with an issuer prefix count, and those start
    # with 1-6: the narrow search costs a message without such a word what it cost before the wider
    # rules (pii benchmark, card recognizer alone: 21 us a message with the wide search everywhere).
    _BRANDED = re.compile(r"[1-6](?<![0-9A-Za-z][1-6])(?:[ \-]?[0-9]){12,18}" + _END)
    _ID_CONTEXT = re.compile(r"身份证|证件|编号|id ?(?:no|number|card)", re.IGNORECASE)

    shortest_run = 12
    """Only a run of at least 12 digits and separators can hold a card number."""

    def find(self, text: str) -> Iterator[Finding]:
        """Yield card numbers; a trailing group that belongs to the next number is trimmed."""
        said = CARD_WORDS.anywhere(text)
        for start, number in self._numbers(text, said):
            # No regex: 0.2 us less a candidate. A block of digits is one group (0.5 % fewer instructions a message).
            groups = [number] if number.isdigit() else number.replace(" ", "-").split("-")
            for keep in range(len(groups), 0, -1):
                digits = "".join(groups[:keep])
                if len(digits) < 12:
                    break
                if keep > 1 and min(len(g) for g in groups[: keep - 1]) < 3:
                    continue  # "978-7-111-..." is grouped like no card number
                end = start + len(digits) + keep - 1
                confidence = self._score(digits, text, start, end, said)
                if confidence:
                    yield Finding(self.entity, start, end, text[start:end], confidence)
                    break

    def _numbers(self, text: str, said: bool) -> Iterator[tuple[int, str]]:
        """Where the numbers the search finds in digit runs start, and their text (12-19 digits with a card word,
        else 13-19 from 1-6).

        A run of digits alone is decided without the regex: the search would find all of it or nothing (a digit
        next to the number continues it). The order, invoice and tracking numbers of the pii benchmark are such
        runs: 1.8 % fewer instructions a message.
        """
        regex, shortest, firsts = (self._RE, 12, "0123456789") if said else (self._BRANDED, 13, "123456")
        for start, end in digit_runs(text):
            if end - start < shortest:
                continue
            run = text[start:end]
            if run.isdigit():
                if (end - start <= 19 and run[0] in firsts and not (start and text[start - 1] in _ALPHANUMERIC)
                        and not (end < len(text) and text[end] in _ALPHANUMERIC)):
                    yield start, run
                continue
            for m in regex.finditer(text, start, end + 2):
                yield m.start(), m.group()

    def _score(self, digits: str, text: str, start: int, end: int, said: bool) -> float:
        """Confidence for a digit string at [start, end), 0.0 when it is not a card (said: the text has a card
        word somewhere)."""
        if len(digits) > 19:
            return 0.0
        luhn = luhn_valid(digits)
        if not luhn and not (said and digits.startswith("62")):
            return 0.0  # decided before the words around are read: most numbers fail Luhn
        if digits.count(digits[0]) == len(digits):
            return 0.0
        window = (max(0, start - 20), end + 20)
        near = said and _card_word_in(text, *window)
        if not near and word_before(text, start, ID_WORDS):
            return 0.0  # "订单号 4144…", "order 5123…": labelled as another kind of number
        if len(digits) == 18 and self._ID_CONTEXT.search(text, *window) and _shaped_like_cn_id(digits):
            return 0.0  # an ID number with a wrong check character, next to the word for ID: not a card
        brand = card_brand_ok(digits)
        if luhn:
            if brand and len(digits) > 13:
                return 0.95
            # Another prefix, 12 digits (Maestro's shortest, as long as many codes) or 13 (an EAN-13 barcode's
            # length; 13-digit cards are rare now): a word must say card.
            return 0.85 if near else 0.0
        # Some real UnionPay cards fail Luhn: count them only when a word says "card".
        if brand and digits.startswith("62") and near:
            return 0.75
        return 0.0


def _card_word_in(text: str, begin: int, end: int) -> bool:
    """Whether a card word lies wholly within text[begin:end], "mc" only as a word of its own (not the "Mc" of a
    name). Read from where the scan of the text found the card words: a case-insensitive regex over the window
    cost 1.1 % of the pii benchmark's instructions."""
    for at, word in CARD_WORDS.occurrences(text, begin, end):
        after = at + len(word)
        if word == "mc" and ((at and _word_char(text[at - 1])) or (after < min(end, len(text))
                                                                 and _word_char(text[after]))):
            continue
        return True
    return False


def _word_char(char: str) -> bool:
    """A character a regex's \\w matches: a letter or digit of any script, or "_"."""
    return char.isalnum() or char == "_"


_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
"""An ASCII letter or digit: next to a number, it would continue it (a set, not a function called 1.7 times a
message: 0.7 % fewer instructions)."""


def _shaped_like_cn_id(digits: str) -> bool:
    """Region, birth date and sequence where a Chinese resident ID has them (whatever its check character)."""
    return digits[0] != "0" and digits[6:8] in ("19", "20") and "01" <= digits[10:12] <= "12" and "01" <= digits[12:14] <= "31"


class IbanRecognizer:
    """International bank account numbers, compact or in groups of four; in lower case after their label."""

    entity = "IBAN"

    _RE = re.compile(r"[A-Z]{2}[0-9]{2}(?: ?[0-9A-Z]){11,30}")
    _RE_ANY_CASE = re.compile(r"[A-Za-z]{2}[0-9]{2}(?: ?[0-9a-zA-Z]){11,30}")
    _COUNTRY = re.compile(r"[A-Z][A-Z](?=[0-9])")
    _COUNTRY_LOWER = re.compile(r"(?![A-Z]{2})[A-Za-z]{2}(?=[0-9])")
    """A country code with a small letter ("de", "De"): those in capitals are found anyway."""

    def applies(self, text: str) -> bool:
        """A run of digits right after a capital letter (maybe and a space) is needed: an IBAN's account number
        follows its country code and check digits ("DE89 3704 0044 ...") or the bank's letters ("GB82 WEST
        1234 5698 ..."). Every IBAN of Faker's 76 locales has one (15,600 found, compact and in groups). Or the label
        and a country code in lower case after it ("iban: de89370400440532013000").

        Read from the cached digit runs: searching the text for two capitals before a digit cost every message
        1.4 % more of the pii benchmark's instructions than this.
        """
        if len(text) > LONG_TEXT:  # one run, the whole text: nothing stands before it
            return self._COUNTRY.search(text) is not None or bool(self._lower_starts(text))
        for start, _ in digit_runs(text):
            before = start - 1 if start and text[start - 1] != " " else start - 2
            if before >= 0 and "A" <= text[before] <= "Z":
                return True
        return "iban" in lowered(text) and bool(self._lower_starts(text))

    def find(self, text: str) -> Iterator[Finding]:
        """Yield IBANs with a known country length and a valid mod-97 check."""
        starts = [(start, self._RE) for start in self._starts(text)]
        starts += [(start, self._RE_ANY_CASE) for start in self._lower_starts(text)]
        for start, regex in starts:
            if start and text[start - 1].isascii() and text[start - 1].isalnum():
                continue
            m = regex.match(text, start)
            if m is None:
                continue
            expected = IBAN_LENGTHS[text[start : start + 2].upper()]
            count = 0
            end = start
            for i in range(start, m.end()):
                if text[i] != " ":
                    count += 1
                    if count == expected:
                        end = i + 1
                        break
            if count != expected or (end < len(text) and text[end].isascii() and text[end].isalnum()):
                continue
            value = text[start:end]
            if is_valid_iban(value.replace(" ", "").upper()):
                yield Finding(self.entity, start, end, value, 0.97)

    def _starts(self, text: str) -> list[int]:
        """Where a known country code stands right before a digit (the check digits)."""
        return [m.start() for m in self._COUNTRY.finditer(text) if m.group() in IBAN_LENGTHS]

    def _lower_starts(self, text: str) -> list[int]:
        """Where a known country code with a small letter stands right before a digit, after the label "IBAN".

        The label is looked for with str.find, not in the one scan of context words: as a word of that scan it cost
        the pii benchmark, whose messages have no IBAN label, ~1,000 instructions a message more (cachegrind)."""
        lower = lowered(text)
        starts = []
        at = lower.find("iban")
        while at != -1:
            for m in self._COUNTRY_LOWER.finditer(text, at + 4, at + 4 + WINDOW):
                if m.group().upper() in IBAN_LENGTHS:
                    starts.append(m.start())
            at = lower.find("iban", at + 4)
        return starts
