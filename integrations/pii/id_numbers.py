"""National identity numbers besides the US SSN and the Chinese resident ID (which have recognizers of their own):
alone where their shape and check character make them sure, after a label where not.

Alone (0.85; a CPF or an AHV number as written 0.95, an NIR 0.96): Spain's DNI (12345678Z) and NIE (X1234567L),
Brazil's CPF as written (123.456.789-09), France's NIR (1 84 12 75 123 456 78, or in one block), India's Aadhaar in its
groups (2345 6789 0124), South Korea's resident registration number as written (850730-1234569, with its check digit),
Belgium's national number as written (85.07.30-033.28), Hong Kong's HKID with its bracketed check character
(A123456(3)), Switzerland's AHV number as written (756.1234.5678.97), Finland's henkilötunnus with a dash and a check
letter (131052-308T) and a US ITIN as written (912-78-1234), unless a label of another kind of number comes just
before ("order 12345678Z").

After a label that names its kind (id_labels: "DNI", "CPF:", "Steuer-ID", "SIN", "マイナンバー", "personnummer", "NIK" …;
0.96, surer than a card's issuer prefix and Luhn, which a South African identity number from 4 or an Indonesian NIK
from 51 may also have): those numbers written any way (a resident registration number issued since October 2020,
without a check digit, too), and the ones that are never taken alone: the Netherlands' BSN (nine digits, as many as a
phone number's), Italy's codice fiscale (its shape searched for in every text cost ~1.8 µs a message, 6 % of the pii
benchmark), the UK's National Insurance number (no check character), Germany's tax ID (eleven digits), Canada's SIN
(nine, and one number in ten passes Luhn), Japan's My Number (twelve, as a phone number with its country code),
Australia's tax file number (nine), Taiwan's national ID (a letter and nine digits, as a part number), Singapore's
NRIC and FIN (a letter, seven digits, a letter), Sweden's personnummer, Denmark's CPR number and a henkilötunnus with
a check digit or born since 2000 (a date and four characters, as a date-stamped reference; the date's six digits
alone make no digit run), Poland's PESEL, Turkey's T.C. Kimlik number, Norway's fødselsnummer and Greece's AMKA
(eleven digits), Mexico's CURP (eighteen letters and digits; its six digits make no run), Portugal's NIF, Israel's
identity number and Austria's social insurance number (nine or ten digits), Ireland's PPS number (seven digits and a
letter or two), the rodné číslo of Czechia and Slovakia (a date, a slash and three or four digits, as an account
number with its bank's code), Romania's CNP, South Africa's and Thailand's identity numbers (thirteen digits), Chile's
RUT and Argentina's CUIT (dashed digits with one check digit), Malaysia's MyKad and Vietnam's CCCD (twelve digits),
Indonesia's NIK (sixteen, as a card's), and the identity documents: Australia's Medicare card, Germany's and Italy's
identity cards, India's voter ID.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .birth_id_checks import be_national_number_valid, hetu_valid, rrn_valid
from .context import word_before
from .id_checks import (
    aadhaar_valid,
    ahv_valid,
    cpf_valid,
    dni_valid,
    hkid_valid,
    itin_shaped,
    nir_valid,
)
from .id_labels import ID_LABEL, ID_LABEL_WORDS, KINDS_OF_LABEL
from .labels import LabelledValueRecognizer
from .numeric import CARD_WORDS, ID_WORDS
from .registry import Finding
from .runs import LONG_TEXT, digit_runs, longest_run

__all__ = ["LabelledIdRecognizer", "NationalIdRecognizer"]

_EDGE = r"(?![0-9A-Za-z])"
_NIR_REST = r" ?[0-9]{2} ?(?:0[1-9]|1[0-2]|[2-9][0-9]) ?(?:[0-9]{2}|2[AB]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}"
_NIR = "[12]" + _NIR_REST


def _first(chars: str) -> str:
    """A number's first character, then that nothing of a number or a word stands before it: a lookbehind after the
    first character lets a search over a long text skip to the characters a number can begin with."""
    return f"[{chars}](?<![0-9A-Za-z.\\-/][{chars}])"


_IN_A_RUN = re.compile(
    f"{_first('0-9')}(?:(?P<cpf>[0-9]{{2}}\\.[0-9]{{3}}\\.[0-9]{{3}}-[0-9]{{2}})|(?P<rrn>[0-9]{{5}}-[1-8][0-9]{{6}})"
    f"|(?P<be>[0-9]\\.[0-9]{{2}}\\.[0-9]{{2}}-[0-9]{{3}}\\.[0-9]{{2}})|(?P<itin>(?<=9)[0-9]{{2}}-[5-9][0-9]-[0-9]{{4}})"
    f")(?![0-9])"
    f"|(?P<nir>{_first('12')}{_NIR_REST}){_EDGE}"
    f"|(?P<aadhaar>{_first('2-9')}[0-9]{{3}}(?P<gap>[ -])[0-9]{{4}}(?P=gap)[0-9]{{4}})(?![0-9])"
)
"""The numbers that are all digits and separators, as a digit run is (a CPF, a resident registration number, a
Belgian national number and an ITIN share their first digit's test: apart, three of them cost a 1 MB block of a log
25 ms more)."""
_DNI = re.compile(f"(?P<dni>{_first('0-9')}[0-9]{{7}}-?[A-Z])(?![0-9A-Za-z]|(?<=E)[-+][0-9])")
"""A DNI, not a float's exponent (+99585767E-22)."""
_NIE = re.compile(f"(?P<nie>{_first('XYZ')}-?[0-9]{{7}}-?[A-Z]){_EDGE}")
_CORSICAN_NIR = re.compile(f"(?P<nir>{_first('12')}{_NIR_REST}){_EDGE}")
_ANY = re.compile(f"{_IN_A_RUN.pattern}|{_DNI.pattern}|{_NIE.pattern}")
"""Every shape at once, for a long text (one pass: four cost a 1 MB block of a log 62 ms)."""
_HKID = re.compile(f"(?P<hkid>{_first('A-Z')}[A-Z]?[0-9]{{6}}\\([0-9A]\\))")
_BRACKETED_CHECK = re.compile(r"\([0-9A]\)")
_HETU = re.compile(f"(?P<hetu>{_first('0-3')}[0-9][01][0-9]{{3}}-[0-9]{{3}}[A-FHJ-NPR-Y]){_EDGE}")
_HETU_SIGN = re.compile(r"-[0-9]{3}[A-FHJ-NPR-Y]")
"""Where a henkilötunnus may be in a long text: found by its century's sign, a dash (a plus, the 1800s', passes no
check here), which the regex engine skips to as it does to an HKID's bracket. A search from any of several characters
checks a set at each character: [-+] cost a 1 MB block of a log 61 million instructions, a dash 10.5 million
(cachegrind); as a branch of _ANY, the henkilötunnus cost it 61 million (1.6 % of the block's analysis)."""
_AHV = re.compile(r"(?P<ahv>756(?<![0-9A-Za-z.\-]756)\.[0-9]{4}\.[0-9]{4}\.[0-9]{2})(?![0-9])")
"""An AHV number as written, found by its first digits, which the regex engine skips to (as a part of _ANY, it cost a
1 MB block of a log 53 million instructions more, 1.4 % of its analysis)."""
"""Where an HKID may end: found by its bracket, which the regex engine skips to (as a part of _ANY, an HKID's first
letter cost a 1 MB block of a log 4.5 % more instructions, tried at every capital)."""


class NationalIdRecognizer:
    """DNI, NIE, CPF, NIR, Aadhaar, resident registration, Belgian national, HKID, ITIN, AHV numbers and
    henkilötunnus whose shape and check character (an ITIN's middle digits) make them sure alone."""

    entity = "NATIONAL_ID"

    def applies(self, text: str) -> bool:
        """A digit run of seven characters at least (an NIE's), or an HKID's check character A (its six digits make
        no run)."""
        return longest_run(text) >= 7 or "(A)" in text

    def find(self, text: str) -> list[Finding]:
        """The numbers whose check character is right and that no other kind's label comes before."""
        found: list[Finding] = []
        seen: set[int] = set()
        for m in _candidates(text):
            if m.start() in seen or word_before(text, m.start(), ID_WORDS):
                continue
            seen.add(m.start())
            kind = next(kind for kind, value in m.groupdict().items() if value and kind in _CHECKS)
            if _CHECKS[kind](_compact(m.group())):
                confidence = 0.85 if kind == "nir" and CARD_WORDS.anywhere(text) else _ALONE_CONFIDENCE.get(kind, 0.85)
                found.append(Finding(self.entity, m.start(), m.end(), m.group(), confidence))
        return found


def _candidates(text: str) -> list[re.Match[str]]:
    """The numbers of these shapes in or at the edges of text's digit runs.

    Each shape is looked for only where a run's length or its neighbours allow it, in a plain loop (no generator: most
    texts have none): the numbers' regex over a window around each run cost 34,000 instructions a message of the pii
    benchmark (cachegrind), 13 % of all; searched in each run of 14 to 24 characters, 29,000; this, 16,400 as
    generators.
    """
    if len(text) > LONG_TEXT:
        return [*_ANY.finditer(text), *_hkids(text), *_hetus(text), *_AHV.finditer(text)]
    found: list[re.Match[str]] = []
    for start, end in digit_runs(text):
        if text[start] in "(+":
            start += 1
        length = end - start
        if (length == 11 or length == 14 or length == 15 or length == 21) and _may_be_whole(text, start, end) \
                and (whole := _IN_A_RUN.match(text, start, end)):
            found.append(whole)
        elif length == 10 and text[start + 6] == "-" and (hetu := _HETU.match(text, start)):  # its letter after the run
            found.append(hetu)
        elif length == 16 and text.startswith("756.", start) and (ahv := _AHV.match(text, start)):
            found.append(ahv)
        after = text[end:end + 1]
        if after == "-" or "A" <= after <= "Z":  # a DNI's letter, maybe after a dash
            found.extend(_DNI.finditer(text, max(0, end - 9), end + 4))  # its letter, maybe after a dash, and what follows
        elif after == ")" and start and "A" <= text[start - 1] <= "Z":  # an HKID's bracketed check digit
            found.extend(_HKID.finditer(text, max(0, start - 2), end + 1))
        # An NIE's letter, maybe before a dash; a Corsican department (2A, 2B), maybe before a space.
        if start and (text[start - 1] in "XYZ-AB" or (text[start - 1] == " " and text[start - 2:start - 1] in "AB")):
            found.extend(_edge_before(text, start, end))
    if "(A)" in text:  # an HKID whose check character is A: its six digits make no run
        found.extend(_hkids(text))
    return found


def _hetus(text: str) -> Iterator[re.Match[str]]:
    """The henkilötunnus before a century's sign, found by the sign."""
    for sign in _HETU_SIGN.finditer(text):
        if hetu := _HETU.match(text, max(0, sign.start() - 6)):
            yield hetu


def _hkids(text: str) -> Iterator[re.Match[str]]:
    """The HKIDs before a bracketed check character, found by their bracket."""
    for check in _BRACKETED_CHECK.finditer(text):
        yield from _HKID.finditer(text, max(0, check.start() - 8), check.end())


def _edge_before(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """An NIE whose letter, or a Corsican NIR whose department (2A, 2B), comes right before the run."""
    before = text[max(0, start - 2):start]
    if before[-1:] in ("X", "Y", "Z") or before in ("X-", "Y-", "Z-"):
        yield from _NIE.finditer(text, max(0, start - 2), end + 2)
    if before.rstrip() in ("2A", "2B") or text[max(0, start - 3):start - 1] in ("2A", "2B"):
        yield from _CORSICAN_NIR.finditer(text, max(0, start - 14), end)


_SEPARATORS = re.compile(r"[ .\-]")


def _compact(number: str) -> str:
    """number without the spaces, dots and dashes it is written with, as the checks read it (an HKID's brackets
    stay: its check reads past them)."""
    return _SEPARATORS.sub("", number)


def _may_be_whole(text: str, start: int, end: int) -> bool:
    """Whether a run of 11, 14, 15 or 21 characters is shaped as an ITIN (912-78-1234), a CPF (123.456.789-09), an
    Aadhaar number in its groups (2345 6789 0124), a resident registration number (850730-1234569), an NIR (15 digits
    from 1 or 2, or spaced: 1 84 12 75 123 456 40) or a Belgian national number (85.07.30-033.28)."""
    if end - start == 11:
        return text[start] == "9" and text[start + 3] == "-"
    if end - start == 14:
        return text[start + 3] == "." or text[start + 4] in " -" or text[start + 6] == "-"
    return text[start] in "12" or text[start + 2] == "."


_CHECKS = {"dni": dni_valid, "nie": dni_valid, "cpf": cpf_valid, "nir": nir_valid, "aadhaar": aadhaar_valid,
           "rrn": rrn_valid, "be": be_national_number_valid, "hkid": hkid_valid, "itin": itin_shaped, "ahv": ahv_valid,
           "hetu": hetu_valid}
_ALONE_CONFIDENCE = {"cpf": 0.95, "ahv": 0.95, "nir": 0.96}
"""A CPF or an AHV number as written is sure; an NIR, its birth month and its key right, surer than a card of the
15-digit JCB range it may also fall in (1800…, Luhn: one number in ten passes), unless the text speaks of a card (then
0.85)."""

_LABELLED = re.compile(
    rf"(?:[0-9]{{6}}[-+A-FU-Ya-fu-y][0-9]{{3}}[0-9A-Ya-y]|756\.?[0-9]{{4}}\.?[0-9]{{4}}\.?[0-9]{{2}}|[0-9]{{7}}[A-Wa-w][ABHTWXabhtwx]?"
    rf"|[0-9]{{6}}/[0-9]{{3,4}}|[0-9]{{1,2}}\.[0-9]{{3}}\.[0-9]{{3}}-[0-9Kk]|[0-9]{{7,8}}-[0-9Kk]|[0-9]{{2}}-[0-9]{{8}}-[0-9]"
    rf"|[0-9]{{4}} [0-9]{{6}}|[0-9]{{6}} [0-9]{{5}}|[0-9]{{6}} [0-9]{{4}} [0-9]{{2}} ?[0-9]|[0-9]{{4}} [0-9]{{5}} [0-9](?:[ -][1-9])?"
    rf"|[CFGHJ-NPRTV-Zcfghj-nprtv-z0-9]{{9}} ?[0-9]|[A-Za-z]{{2}}[0-9]{{5}}[A-Za-z]{{2}}|[A-Za-z]{{3}}[0-9]{{7}}"
    rf"|[0-9]{{6}}-[0-9]{{2}}-[0-9]{{4}}|[0-9]-[0-9]{{4}}-[0-9]{{5}}-[0-9]{{2}}-[0-9]|[0-9]{{16}}"
    rf"|[0-9]{{8}}-?[A-Za-z]|[XYZxyz]-?[0-9]{{7}}-?[A-Za-z]|[0-9]{{3}}\.?[0-9]{{3}}\.?[0-9]{{3}}-?[0-9]{{2}}|{_NIR}"
    rf"|[0-9]{{4}}[ -]?[0-9]{{4}}[ -]?[0-9]{{4}}|[0-9]{{4}}\.?[0-9]{{2}}\.?[0-9]{{3}}|[0-9]{{2}} [0-9]{{3}} [0-9]{{3}} [0-9]{{3}}"
    rf"|[0-9]{{3}}[ -][0-9]{{3}}[ -][0-9]{{3}}|[0-9]{{6}}-?[0-9]{{7}}|[0-9]{{2}}\.?[0-9]{{2}}\.?[0-9]{{2}}-?[0-9]{{3}}\.?[0-9]{{2}}"
    rf"|[A-Za-z][0-9]{{9}}|[0-9]{{8}}|[A-Za-z]{{1,2}}[0-9]{{6}}\(?[0-9Aa]\)?|[A-Za-z][0-9]{{7}}[A-Za-z]"
    rf"|(?:19|20)?[0-9]{{6}}[-+][0-9]{{4}}|[0-9]{{10}}|[0-9]{{3}}-[0-9]{{2}}-[0-9]{{4}}|[0-9]{{3}} [0-9]{{3}} [0-9]{{4}}"
    rf"|[A-Za-z]{{5}}[0-9]{{4}}[A-Za-z]|[A-Za-z]{{4}}[0-9]{{6}}[A-Za-z]{{6}}[0-9A-Za-z][0-9]"
    rf"|[A-Za-z]{{6}}[0-9LMNP-V]{{2}}[A-Za-z][0-9LMNP-V]{{2}}[A-Za-z][0-9LMNP-V]{{3}}[A-Za-z]"
    rf"|[A-Za-z]{{2}} ?[0-9]{{2}} ?[0-9]{{2}} ?[0-9]{{2}} ?[A-Da-d]|[A-Za-z][A-Za-z9]{{4}}[0-9]{{6}}[A-Za-z][A-Za-z9][0-9][A-Za-z]{{2}}"
    rf"|[A-Za-z]{{0,2}}[0-9]+(?:[.\-][0-9]+| [0-9]{{3,}})*)(?![0-9A-Za-z]|[.\-][0-9])"
)
"""The shapes of the numbers a label may name, written any way (which kind it is, the label's checks tell); last, digits
after up to two letters in any groups (an Argentine DNI, 12.345.678; a US driver's license, D123-4567-8901). A shape is
taken whole: not where a dot or a dash and a digit go on after it (a PSN's twelve digits are a PCN's first)."""


class LabelledIdRecognizer(LabelledValueRecognizer):
    """A national identity number of a kind its label names, written any way, right after the label (0.96)."""

    entity = "NATIONAL_ID"
    cues = ID_LABEL_WORDS
    reach = 12
    """How far from its cue a label may begin or end ("numéro de sécurité sociale")."""
    confidence = 0.96
    label = ID_LABEL

    def value_end(self, text: str, label: re.Match[str]) -> int:
        """Where the number after the label ends (0: what follows is no number of a kind the label names)."""
        found = _LABELLED.match(text, label.end())
        if found is None:
            return 0
        compact = _compact(found.group())
        return found.end() if any(check(compact) for check in KINDS_OF_LABEL[label.lastgroup or ""]) else 0
