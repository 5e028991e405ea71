"""Recognizers for national formats: phone numbers written without a country code (validated by
``phonenumbers``, Google's libphonenumber metadata) and US Social Security numbers (the SSA's rules)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import phonenumbers

from .context import Words, word_before
from .numeric import ID_WORDS, PhoneRecognizer
from .registry import Finding
from .runs import EXTENSION, matches_in_runs, without_extension

__all__ = ["DEFAULT_REGIONS", "NationalPhoneRecognizer", "SsnRecognizer"]

DEFAULT_REGIONS: tuple[str, ...] = ("US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "AU", "IN", "JP", "KR",
                                    "SG", "HK", "TW")
"""Chinese numbers have a recognizer of their own (PhoneRecognizer): their shapes need no metadata."""
_ZIP_PLUS_4 = re.compile(r"[0-9]{5}-[0-9]{4}")
"""A US ZIP+4 code ("Boston, MA 02110-1301", in every GPL notice), no phone unless a phone word comes before it."""
_MORE_PAIRS = re.compile(r" [0-9]{2}(?![0-9])")
"""Another pair of digits after a number written in pairs: a dump of bytes ("<Buffer 01 02 03 04 05 06 07 08>"), no
phone unless a phone word comes before it."""
_NOT_A_PHONE = re.compile(
    r"(?:19|20)[0-9]{2}[-./ ][01]?[0-9][-./ ][0-3]?[0-9](?:[ T][0-9:]+)?"  # 2024-05-06
    r"|[0-3]?[0-9][-./ ][01]?[0-9][-./ ](?:19|20)[0-9]{2}(?:[ T][0-9:]+)?"  # 06.05.2024
    r"|[0-9]{3}-[0-9]{2}-[0-9]{4}"  # the shape of a US Social Security number
    r"|[48]00[- ]?[0-9]{3}[- ]?[0-9]{4}"  # a Chinese 400/800 service line: a business, not a person
    r"|[0-9]{1,3}(?:\.[0-9]{1,3}){3}"  # an IPv4 address
    r"|0(?:10|2[0-9])[- ]?[1-9][0-9]{7}|0[3-9][0-9]{2}[- ]?[1-9][0-9]{6,7}")  # a Chinese fixed line (PhoneRecognizer's)
"""What has a phone number's digits but is something else."""
PHONE_WORDS = Words(*PhoneRecognizer.PHONE_WORDS.words, "telefon", "ruf", "tél", "appel", "teléfono", "móvil", "cellulare",
                    "desk", "電話", "전화", scanned=False)
_NOT_DIGIT = re.compile(r"[^0-9]")
_DIGIT_GROUP = re.compile(r"[0-9]+")
_NANP_REGIONS = frozenset({"US", "CA", "PR", "JM", "TT", "BS", "BB", "DO"})
_TRUNK_ZERO = frozenset({"GB", "DE", "FR", "NL", "BE", "AU", "IN", "JP", "KR", "TW", "AT", "CH", "SE", "NO", "FI", "NZ",
                         "IE", "PL", "TR", "ZA", "BR", "AR", "MX", "TH", "MY", "ID", "PH", "VN", "PK", "EG", "IL"})
"""Regions whose national numbers start with a trunk 0 (Italy's leading 0 belongs to the number)."""
_NANP_SHAPE = re.compile(r"(?:1[ .\-])?\(?[2-9][0-9]{2}\)?[ .\-]?[2-9][0-9]{2}[ .\-]?[0-9]{4}")
_CN_MOBILE = re.compile(r"1[3-9][0-9](?:[ \-]?[0-9]{4}){2}")
"""Chinese mobiles are PhoneRecognizer's."""
_LOCAL_ONLY = phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY
_NEAR = 24
"""Characters before a number in which a context word counts."""
_LAST_DIGIT = re.compile(r"[0-9](?=[^0-9]*\Z)")
"""The last digit of a window: a phone word before it labels that other number."""
_TRUNK_BLOCK = re.compile(r"0[1-9][0-9]{8,9}")
"""One block of 10 or 11 digits from a trunk 0, the way national numbers are written ("07700900123"):
order numbers, timestamps and amounts do not start with 0 (9 digits from 0 are as often a US bank's
routing number)."""


class NationalPhoneRecognizer:
    """Phone numbers in national form: "(415) 555-0132", "07700 900123", "06 12 34 56 78", "0490 75 40 81".

    A candidate is 8-12 digits with the separators people write (and maybe an extension); it counts
    when libphonenumber says it is a valid number of a configured region and it is written in groups
    the way phone numbers are, or as one block from a trunk 0, or a phone word stands before it (another
    block of digits alone may be an order or student number). After a phone word, 7 digits in groups
    count too: a local number dialled without its area code ("call me at 555-0132").
    """

    entity = "PHONE"
    _RE = re.compile(
        r"(?<![0-9A-Za-z+\-./])(?<![0-9:]:)(?:1[ .\-])?(?:\(0?[0-9]{1,4}\)[ .\-]?|[0-9]{2,5}(?:[ .\-]| ?/ ?)|[0-9]{3})[0-9]{2,4}"
        r"(?:[ .\-]?[0-9]{2,4}){1,3}(?:" + EXTENSION + r")?(?![0-9A-Za-z]|[.\-/:][0-9]|-[Xx])",
        re.ASCII,
    )

    def __init__(self, regions: Sequence[str] = DEFAULT_REGIONS) -> None:
        self.regions = tuple(regions)
        self._nanp = tuple(r for r in self.regions if r in _NANP_REGIONS)[:1]  # one parse covers +1 (US, CA, ...)
        self._trunk = tuple(r for r in self.regions if r not in _NANP_REGIONS and r in _TRUNK_ZERO)
        self._plain = tuple(r for r in self.regions if r not in _NANP_REGIONS and r not in _TRUNK_ZERO)

    def _shortlist(self, number: str, labelled: bool) -> tuple[str, ...]:
        """The configured regions whose numbers can look like number: parsing each costs ~50 us.

        Shortlisting by shape cut the analysis of the pii benchmark's messages from 11,484 parses
        (3,200 messages/s) to about one per candidate. A number after a phone word may also be
        another region's written without its trunk 0 (Indian mobiles: "98765 43210").
        """
        if number.lstrip("(")[:1] == "0":
            return self._trunk + self._plain  # Italy's leading 0 belongs to the number
        nanp = _NANP_SHAPE.fullmatch(number) is not None
        if not labelled:
            return self._nanp if nanp else self._plain
        return (self._nanp if nanp else ()) + self._plain + self._trunk

    shortest_run = 8
    """A run of 8 digits and separators is needed."""

    def find(self, text: str) -> Iterator[Finding]:
        """Yield numbers valid in a configured region: 0.8 after a phone word, after 00, in the first region or
        with the area code in parentheses; 0.7 a later region's number alone, written from a trunk 0 or in that
        region's groups (a PHONE threshold of 0.75 drops those); 0.4, under the default threshold, one grouped
        otherwise ("21 43 65 87")."""
        for m in matches_in_runs(self._RE, text, 8, _may_be_a_phone):
            value, start = m.group(), m.start()
            number = without_extension(value)
            digits = len(_NOT_DIGIT.sub("", number))
            dialled = number[:2] == "00"  # a country code after the international prefix: "0044 20 7946 0958"
            if not (10 <= digits <= 17 if dialled else 7 <= digits <= 12) or _CN_MOBILE.fullmatch(number):
                continue
            labelled = _labelled(text, start)
            if digits == 7 and not labelled:
                continue  # a local number without its area code ("call me at 555-0132") only after a phone word
            if not (labelled or _grouped_like_a_phone(number) or _TRUNK_BLOCK.fullmatch(number)):
                continue  # decided before parsing: a parse costs ~50 us (a timestamp is no phone unless labelled)
            if _NOT_A_PHONE.fullmatch(number) or word_before(text, start, ID_WORDS):
                continue
            if not labelled and (_ZIP_PLUS_4.fullmatch(number) or _MORE_PAIRS.match(text, m.end())
                                 or text[start - 1:start] in ("/", "`", ":") or _counted(number)):
                continue  # a ZIP+4 code, a dump of bytes, a path's, a URL's or an id's part ("/commit/0847954331",
                # "arXiv:0905.4913"; but "phone:07700900123"), code, a count
            region = self._valid_in(number, labelled) or (self._local_in(number) if digits == 7 else None)
            if region is None:
                continue
            if dialled or labelled or region == self.regions[0] or "(" in value:
                confidence = 0.8
            elif number[0] == "0" or self._grouped_as_in_a_region(number, labelled):
                confidence = 0.7
            else:  # a later region's number alone, grouped unlike its numbers: "21 43 65 87" (Hong Kong's 2143 6587)
                confidence = 0.4
            yield Finding(self.entity, start, m.end(), value, confidence)

    def _grouped_as_in_a_region(self, number: str, labelled: bool) -> bool:
        """number is valid in a shortlisted region and written in the groups of its national format there
        ("06 12 34 56 78" in France, "0412 345 678" in Australia)."""
        groups = [len(g) for g in _DIGIT_GROUP.findall(number)]
        for region in self._shortlist(number, labelled):
            parsed = _parsed(number, region)
            if parsed is not None and phonenumbers.is_valid_number(parsed):
                national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
                if [len(g) for g in _DIGIT_GROUP.findall(national)] == groups:
                    return True
        return False

    def _local_in(self, number: str) -> str | None:
        """The first configured region where number is a local number, dialled without its area code (a US
        number's 7 digits: libphonenumber holds none of them valid)."""
        for region in self.regions:
            parsed = _parsed(number, region)
            if parsed is not None and phonenumbers.is_possible_number_with_reason(parsed) == _LOCAL_ONLY:
                return region
        return None

    def _valid_in(self, number: str, labelled: bool) -> str | None:
        """The first shortlisted region number is valid in (after 00, the region its country code names)."""
        if number[:2] == "00":
            parsed = _parsed("+" + number[2:], None)
            valid = parsed is not None and phonenumbers.is_valid_number(parsed)
            return phonenumbers.region_code_for_number(parsed) if valid else None
        for region in self._shortlist(number, labelled):
            parsed = _parsed(number, region)
            if parsed is not None and phonenumbers.is_valid_number(parsed):
                return region
        return None


def _parsed(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """number as libphonenumber reads it in region, None when it cannot."""
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None


def _may_be_a_phone(text: str, start: int, end: int) -> bool:
    """Not a whole date, address or Chinese number (checked before the costly search), and not one block of
    digits (an order number, a timestamp) unless it starts with a trunk 0, or has a national number's 8-12
    digits and a phone word stands before it.

    The length is checked before the words: blocks of 13-16 digits (order, invoice and tracking numbers)
    are half of the pii benchmark's runs, and the words cost 3.5 us a block.
    """
    if text[start] != "0" and text[start:end].isdigit() and (not 8 <= end - start <= 12 or not _labelled(text, start)):
        return False
    return not _NOT_A_PHONE.fullmatch(text, start, end)


def _labelled(text: str, start: int) -> bool:
    """A phone word stands shortly before start, with no other number between them ("电话 010-5949017，20800012":
    the word is the first number's label). A word after a number labels the next one as often: it does not count.

    The other number is looked for only when a word is there (most windows have none): 1 us saved a call.
    """
    begin = max(0, start - _NEAR)
    if not PHONE_WORDS.in_text(text, begin, start):
        return False
    other = _LAST_DIGIT.search(text, begin, start)
    return other is None or PHONE_WORDS.in_text(text, other.end(), start)


def _counted(number: str) -> bool:
    """Whether the digits count up or down ("0123456789", "01 23 45 67 89", "9876543210"): without a phone word, a
    placeholder or the digits code lists (206 of the 832 numbers taken for phones in 322 MB of code, documentation and
    logs)."""
    digits = _NOT_DIGIT.sub("", number)
    return digits in _COUNTING_UP or digits in _COUNTING_DOWN


_COUNTING_UP, _COUNTING_DOWN = "01234567890123", "98765432109876"


def _grouped_like_a_phone(value: str) -> bool:
    """Written with separators the way phone numbers are (not one block of digits like an order number):
    three groups or more, or a national trunk prefix ("030 12345678", "(02) 9374 4000")."""
    groups = len(_DIGIT_GROUP.findall(value))
    return groups >= 3 or (groups == 2 and value[0] in "0(")


class SsnRecognizer:
    """US Social Security numbers: 123-45-6789 unless labelled as another number ("part no."), 123456789 and
    123 45 6789 only with a word that says SSN."""

    entity = "SSN"
    _DASHED = re.compile(r"(?<![0-9A-Za-z\-])[0-9]{3}-[0-9]{2}-[0-9]{4}(?![0-9A-Za-z]|-[0-9])", re.ASCII)
    _BARE = re.compile(r"(?<![0-9A-Za-z])[0-9]{3}( ?)[0-9]{2}\1[0-9]{4}(?![0-9A-Za-z])", re.ASCII)
    WORDS = Words("ssn", "social security", "社会安全号", "社保号")

    shortest_run = 9
    """Nine digits (with or without two dashes) are needed."""

    def find(self, text: str) -> Iterator[Finding]:
        """Yield numbers that follow the SSA's rules (see ssn_valid)."""
        mentioned = self.WORDS.anywhere(text)
        if "-" in text:
            for m in matches_in_runs(self._DASHED, text, 11, _has_a_dash):
                said = mentioned and self._said(text, m.start())
                if (said or not word_before(text, m.start(), ID_WORDS)) and ssn_valid(m.group()):
                    yield Finding(self.entity, m.start(), m.end(), m.group(), 0.85)
        if mentioned:
            for m in matches_in_runs(self._BARE, text, 9):
                if self._said(text, m.start()) and ssn_valid(m.group().replace(" ", "")):
                    yield Finding(self.entity, m.start(), m.end(), m.group(), 0.8)

    def _said(self, text: str, start: int) -> bool:
        return self.WORDS.in_text(text, max(0, start - _NEAR), start)


def _has_a_dash(text: str, start: int, end: int) -> bool:
    """Whether the run has a dash: without one, the search for 123-45-6789 is skipped (a run of digits alone,
    as order and tracking numbers are: 0.6 % fewer instructions a message of the pii benchmark)."""
    return "-" in text[start:end]


_SSN_SHAPE = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{9}")
ADVERTISED_SSNS = frozenset({"078051120", "457555462", "219099999"})
"""Numbers printed in advertisements and on sample cards, never a person's (python-stdnum keeps the same list)."""


def ssn_valid(number: str) -> bool:
    """The SSA's rules: area not 000, 666 or 9xx, group not 00, serial not 0000, not an advertised number.

    Written here rather than taken from python-stdnum: importing ``stdnum.us.ssn`` cost 8.2 MiB of
    RSS and 32 ms (``stdnum.util`` imports ``pydoc``), for six lines.
    """
    if not _SSN_SHAPE.fullmatch(number):
        return False
    digits = number.replace("-", "")
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"
            and digits not in ADVERTISED_SSNS)
