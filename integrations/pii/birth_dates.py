"""Dates of birth: a date right after a label that says it is one, or in a table's column whose header does.

"DOB: 03/12/1984", "my date of birth is 12 March 1984", "born on March 12th, 1984", "geboren am 12.03.1984",
JSON's `"date_of_birth": "1984-03-12"`, `dateOfBirth: 1984-03-12`, XML's `<DateOfBirth>1984-03-12</DateOfBirth>`,
"née le 12 mars 1984", "出生日期：1984年3月12日", "生日是3月12日", "生年月日：昭和59年3月12日", "생년월일: 1984년 3월 12일"; a
month and its year too ("born in March 1984", "DOB: 03/1984", "出生年月：1984年3月"). A date alone is a meeting's, an
order's or a log's; after such a label it is a person's; a place of birth or a weekday may come between ("born in Leeds
in March 1984", "born in a small village in March 1984", "born on a Tuesday, 12 March 1984"). The date must be one the
calendar has (no 31 April; a Japanese era's day the era had) and, with its year, after 1900 and not in the future
(validators.real_date, as for a resident ID's birth date); a birthday's day and month count without a year ("mein
Geburtstag ist der 12. März", "mi cumpleaños es el 12 de marzo"). A year alone ("born in 1984") is not taken, nor a
month alone ("born in March").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from .context import Words
from .labels import LabelledValueRecognizer
from .registry import Finding
from .tables import table_birth_dates
from .validators import real_date

__all__ = ["BirthDateRecognizer"]

_MONTHS = {name: n for n, names in enumerate((
        "january jan januar janvier enero gennaio januari", "february feb februar février fevrier febrero febbraio "
        "februari", "march mar märz maerz mars marzo maart", "april apr avril abril aprile", "may mai mayo maggio mei",
        "june jun juni juin junio giugno", "july jul juli juillet julio luglio", "august aug août aout agosto "
        "augustus", "september sep sept septembre septiembre settembre", "october oct oktober octobre octubre "
        "ottobre", "november nov novembre noviembre", "december dec dezember décembre decembre diciembre dicembre",
), start=1) for name in names.split()}
"""Month names and their usual abbreviations, in English, German, French, Spanish, Italian and Dutch."""

_LABELS = (r"date[\s_\-]*of[\s_\-]*birth|birth[\s_\-]*date|birthday|d\.?o\.?b\.?|born(?:\s+on)?|geburtsdatum|geburtstag"
           r"|geboren(?:\s+am)?|geb\.|n[ée]e?\s+(?:le|en)|date\s+de\s+naissance|nacid[oa]"
           r"|fecha\s+de\s+nacimiento"
           r"|nat[oa]\s+il|data\s+di\s+nascita|geboortedatum|geboren\s+op|cumpleaños|compleanno|verjaardag"
           r"|anniversaire")
_LABEL = re.compile(
    rf"(?:\b(?i:{_LABELS})|\b[Nn]at[oa]\s+nel|出生日期|出生年月日|出生年月|出生于|出生在|生于|生日|生年月日は?|생년월일[은는]?"
    r"|생일[은는이]?)"
    r"[\"']?[ \t]*(?:[:：][ \t]*\n|[:：=\-–>])?[ \t]*[\"']?"  # a key's quotes, an XML element's ">"
    r"(?:(?i:is|was|ist|est|es|è|on|in|at|am|im|der|le|el|en|il|op)[ \t]+){0,2}"
    r"(?:(?:[A-Z][^\W\d_]*(?:['’]s)?[.,]?[ \t]+){1,4}"  # the place of birth first: "born in New York on",
    r"(?:(?:a|an|the)[ \t]+(?:[^\W\d_]+[ \t]+){0,3}[^\W\d_]+,[ \t]+)?(?:on|in)[ \t]+"  # "born in Leeds, a small town, in"
    r"|(?:(?:a|an|the)[ \t]+(?:[^\W\d_]+[ \t]+){0,3}|home[ \t]+)(?:on|in)[ \t]+)?"  # or in lower case: "in a small village in"
    r"(?:(?:a[ \t]+)?(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?[ \t]+)?"  # "born on a Tuesday,"
    r"(?:(?i:the)[ \t]+)?(?:是|为|于|在)?[ \t]*"
)
_NUMBERS = re.compile(
    r"(?P<iso>(?P<y1>(?:19|20)[0-9]{2})[-/.](?P<m1>[0-9]{1,2})[-/.](?P<d1>[0-9]{1,2}))(?![0-9])"
    r"|(?P<dmy>(?P<a>[0-9]{1,2})[./\-](?P<b>[0-9]{1,2})[./\-](?P<y2>(?:19|20)?[0-9]{2}))(?![0-9])"
    r"|(?P<han>(?:(?:(?P<y3>(?:19|20)[0-9]{2})|(?P<era>大正|昭和|平成|令和)(?P<era_year>[0-9]{1,2}|元))[年년][ \t]?)?"
    r"(?P<m3>[0-9]{1,2})[月월][ \t]?(?P<d3>[0-9]{1,2})[日号일])"
    r"|(?P<ym>(?P<y6>(?:19|20)[0-9]{2})(?:[-/.]|[年년][ \t]?)(?P<m6>[0-9]{1,2})[月월]?)(?![0-9]|[-/.][0-9])"
    r"|(?P<my>(?P<m7>[0-9]{1,2})[./\-](?P<y7>(?:19|20)[0-9]{2}))(?![0-9]|[-/.][0-9])"
)
_ERAS = {"大正": (1911, (1912, 7, 30), (1926, 12, 24)), "昭和": (1925, (1926, 12, 25), (1989, 1, 7)),
         "平成": (1988, (1989, 1, 8), (2019, 4, 30)), "令和": (2018, (2019, 5, 1), (9999, 12, 31))}
"""For each Japanese era, the year before its first (昭和59年 is 1984; a first year is written 元年), its first day and
its last."""
_WORDS = re.compile(
    r"(?P<dm>(?P<d4>[0-9]{1,2})(?:st|nd|rd|th|\.|er)?(?:[ \t]+(?:of|de)\b)?[ \t]+(?P<m4>[^\W\d_]+)\.?)"
    r"|(?P<md>(?P<m5>[^\W\d_]+)\.?[ \t]+(?P<d5>[0-9]{1,2})(?:st|nd|rd|th)?\b)"
    r"|(?P<m8>[^\W\d_]+)\.?"  # a month: its year must follow
)
_YEAR = re.compile(r",?[ \t]+(?:(?:of|de|del)[ \t]+)?(?P<y>(?:19|20)[0-9]{2})(?![0-9])")

BIRTH_WORDS = Words("birth", "birthday", "dob", "d.o.b", "born", "geburtsdatum", "geboren", "geb.", "né le", "née le",
                    "né en", "née en", "naissance", "nacido", "nacida", "nacimiento", "nato il", "nata il", "nato nel",
                    "nata nel", "nascita", "geboortedatum", "geburtstag", "cumpleaños", "compleanno", "verjaardag",
                    "anniversaire", "出生", "生于", "生日", "生年月日", "생년월일", "생일")
"""Where a text may give a date of birth: the labels are searched for only around these."""


class BirthDateRecognizer(LabelledValueRecognizer):
    """A date (with its year, a birthday's day and month, or a month and its year) right after a label for a date of
    birth (0.9)."""

    entity = "DATE_OF_BIRTH"
    cues = BIRTH_WORDS
    reach = 14
    """How far from its cue a label may begin ("date of birth" for "birth") or end ("nacida el")."""
    confidence = 0.9
    label = _LABEL

    def find(self, text: str) -> Iterator[Finding]:
        """Yield the dates after their labels, and the dates of a table's column of dates of birth."""
        yield from super().find(text)
        for start, end in table_birth_dates(text):
            if _date_end(text, start) == end:
                yield Finding(self.entity, start, end, text[start:end], self.confidence)

    def value_end(self, text: str, label: re.Match[str]) -> int:
        """Where the date after the label ends (0: none does)."""
        return _date_end(text, label.end())


def _date_end(text: str, at: int) -> int:
    """Where the date that starts at at ends, 0 when none does (or it is no day of the calendar)."""
    found = _NUMBERS.match(text, at)
    if found is not None:
        if found["ym"] or found["my"]:  # a month and its year
            year, month = (found["y6"], found["m6"]) if found["ym"] else (found["y7"], found["m7"])
            return found.end() if _real(year, month, "1") else 0
        if found["iso"]:
            return found.end() if _real(found["y1"], found["m1"], found["d1"]) else 0
        if found["han"]:
            year = found["y3"] or (found["era"] and _era_year(found["era"], found["era_year"], found["m3"], found["d3"]))
            return found.end() if year != "" and _real(year, found["m3"], found["d3"]) else 0
        year = found["y2"]
        if len(year) == 2:  # the latest year that ends so and is not in the future
            this_year = datetime.date.today().year
            full = this_year // 100 * 100 + int(year)
            year = str(full if full <= this_year else full - 100)
        # Day first (most of the world) or month first (the US): either is a date if the calendar has it.
        return found.end() if _real(year, found["b"], found["a"]) or _real(year, found["a"], found["b"]) else 0
    found = _WORDS.match(text, at)
    if found is None:
        return 0
    day, month = (found["d4"], found["m4"]) if found["dm"] else (found["d5"], found["m5"]) if found["md"] \
        else (None, found["m8"])
    number = _MONTHS.get(month.lower())
    if number is None:
        return 0
    year = _YEAR.match(text, found.end())
    if year is not None:
        return year.end() if _real(year["y"], str(number), day or "1") else 0
    return found.end() if day and _real(None, str(number), day) else 0


def _era_year(era: str, year: str, month: str, day: str) -> str:
    """The year of a day in a Japanese era's years, "" when the era had no such day."""
    before, first, last = _ERAS[era]
    full = before + (1 if year == "元" else int(year))
    return str(full) if first <= (full, int(month), int(day)) <= last else ""


def _real(year: str | None, month: str, day: str) -> bool:
    """Whether the calendar has this day, after 1900 and not after today (without a year: any year's, 29 February
    too)."""
    return real_date(int(year) if year else 2000, int(month), int(day))
