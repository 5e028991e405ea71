"""Postal addresses without a label, where the text writes one whole: a house number and a street, then the postcode
and the town, as letters are addressed in the US, the UK, Germany, Austria and Switzerland, France, the Netherlands,
Spain and Italy.

"Ship it to 1600 Pennsylvania Ave NW, Washington, DC 20500", "42 Acacia Avenue, Reading RG1 1AA", "Hauptstraße 5,
10115 Berlin", "12 rue de la Paix, 75002 Paris", "Keizersgracht 123, 1015 CJ Amsterdam", "Calle Mayor 5, 28013 Madrid",
"Via Roma 10, 00184 Roma". A street alone ("I live on Baker Street") or a town alone is not found: only with its
number and its postcode is it surely an address, and which words are an address's takes a language model to tell
without them (see addresses.py for the addresses a label gives).

A text is searched only around a street's word (found by the one scan of the text for the words of every kind), and
there only in a window: the addresses' regexes over every text would cost each message of the pii benchmark 56-72 us,
more than its whole analysis (38-47 us, measured in turn).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words
from .registry import Finding

__all__ = ["STREET_WORDS", "StreetAddressRecognizer"]

_WORD = r"[\w'’.\-]*"
"""What follows the first character of a street name's word: letters, digits, apostrophes, dots, dashes ("O'Neill",
"St.", "5th")."""
_NAME = rf"(?:[A-Z0-9]{_WORD}\s){{1,4}}"
"""A UK street's name: one to four words that begin with a capital or a digit ("King Edward", "5th")."""
_US = (rf"[0-9]{{1,6}}[A-Z]?\s(?:[NSEW]\.?\s)?(?:[A-Z0-9]{_WORD}\s){{0,4}}[A-Z]{_WORD}"
       r"(?:,?\s(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|#)\.?\s?#?[0-9A-Za-z\-]+)?"
       r"(?:,\s(?:[A-Z][\w.]*\s?){1,3}){1,2},?\s[A-Z]{2}\s[0-9]{5}(?:-[0-9]{4})?(?![0-9])")
"""A US address: a house number, the street's words, maybe a unit, the town (maybe after a floor), the state and the ZIP
code: "1600 Pennsylvania Ave NW, Washington, DC 20500", "12 Main St., Apt 4B, Springfield, IL 62704". Searched for
around a street's word, it may then end with any ("807 Deborah Estate Apt. 573, …" around "apt.")."""
_UK = (r"(?:(?:Flat|Apartment)\s[0-9]+[A-Z]?,\s)?[0-9]{1,4}[A-Z]?,?\s" + _NAME +
       r"(?:Street|St|Road|Rd|Lane|Avenue|Close|Drive|Way|Gardens|Crescent|Grove|Place|Terrace|Court|Hill|Square|Mews"
       r"|Row|Walk|Park|Green|Rise|View)\b\.?(?:,\s(?:[A-Z][a-z'’\-]+\s?){1,3})*,?\s"
       r"[A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][A-Z]{2}(?![A-Za-z0-9])")
"""A UK address with its postcode: "42 Acacia Avenue, Reading RG1 1AA", "Flat 3, 12 High Street, Leeds LS1 4AP"."""
_GERMAN_STREET = (r"(?:[A-ZÄÖÜ][a-zäöüß]+-)*[A-ZÄÖÜ]?[a-zäöüß]+(?:straße|strasse|str\.|weg|allee|platz|gasse|ring"
                  r"|damm|ufer|chaussee|steig|pfad)"
                  r"|(?:[A-ZÄÖÜ][a-zäöüß]+[\s\-]){1,3}(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Markt|Ring|Damm|Ufer)")
_DE = (r"(?:" + _GERMAN_STREET + r")\s[0-9]{1,4}\s?[a-z]?(?:[\-/][0-9]{1,4})?,\s(?:D-|A-|CH-)?[0-9]{4,5}\s"
       r"[A-ZÄÖÜ][a-zäöüß]+(?:\s(?:am|an\sder|im|bei)\s[A-ZÄÖÜ][a-zäöüß]+|\s[A-ZÄÖÜ][a-zäöüß]+)?")
"""A German, Austrian or Swiss address: "Hauptstraße 5, 10115 Berlin", "Lange Gasse 12, 1080 Wien"."""
_FR = (r"[0-9]{1,4}(?:\s?(?:bis|ter))?,?\s(?:rue|avenue|av\.|boulevard|bd|place|allée|impasse|chemin|quai|cours|route"
       r"|square)\s(?:(?:de|du|des|la|le|l'|l’|d'|d’)\s?|[A-ZÉÈ][\w'’\-]*\s?){1,6},?\s[0-9]{5}\s[A-ZÉ][\w\-]+"
       r"(?:\s(?:Cedex|CEDEX)(?:\s[0-9]{1,2})?)?")
"""A French address: "12 rue de la Paix, 75002 Paris", "5 bis, avenue Victor Hugo 69003 Lyon"."""
_NL = (r"[A-Z][a-z]+(?:straat|laan|weg|gracht|plein|kade|singel|dijk|markt|dreef|steeg)\s[0-9]{1,4}"
       r"(?:\s?[a-zA-Z]|-[0-9]+)?,\s[0-9]{4}\s?[A-Z]{2},?\s(?:'s-)?[A-Z][a-z]+(?:\s[A-Z][a-z]+)?")
"""A Dutch address: "Keizersgracht 123, 1015 CJ Amsterdam"."""
_ES = (r"(?:Calle|C/|Avenida|Avda\.|Plaza|Paseo|Carrer|Camino|Ronda|Traves[íi]a|Carretera|Rambla|Glorieta|Pasaje)\s(?:(?:de|del|la|las|los|el)\s|[A-ZÁÉÍÓÚÑ][\w.]*\s?)"
       r"{1,5},?\s(?:n[º°]\s?)?[0-9]{1,4}(?:,\s?[0-9]+[ºª]?\s?[A-Za-zºª]*)*,\s[0-9]{5}\s[A-ZÁÉÍÓÚ][\w\-]+"
       r"(?:\s(?:de\s)?[A-ZÁÉÍÓÚ][\w\-]+)?")
"""A Spanish address: "Calle Mayor 5, 28013 Madrid", "Avenida de la Constitución, 12, 2º B, 41004 Sevilla"."""
_IT = (r"(?:Via|Viale|Piazza|Corso|Largo|Vicolo|Piazzale|Strada|Borgo|Contrada|Lungomare)\s(?:(?:di|del|della|dei|degli|delle|XX)\s|[A-Z][\w'’.]*\s?)"
       r"{1,5},?\s[0-9]{1,4}[A-Za-z]?(?:/[A-Za-z0-9])?,\s[0-9]{5},?\s[A-Z]\w+(?:\s[A-Z][\w']+)*(?:\s\([A-Z]{2}\))?")
"""An Italian address: "Via Roma 10, 00184 Roma", "Piazza della Signoria, 5, 50122 Firenze (FI)"."""
_ENGLISH = re.compile(f"(?:{_US})|(?:{_UK})")
_FAMILIES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (_ENGLISH, ("street", "st,", "st.,", "avenue", "ave,", "ave.", "ave nw", "ave ne", "ave sw", "ave se", "road", "rd,",
                "rd.,", "boulevard", "blvd", "ane,", "ane ", "drive", "dr,", "dr.,", "court", "way,", "place", "terrace",
                "parkway", "pkwy", "circle", "ghway", "square", "trail,", "trail ", "plaza", "suite", "apt.",
                "apt ", "apt,", "crossing", "ridge,", "valley", "creek", "pike", "xpressway", "reeway", "close,",
                "gardens", "crescent", "grove", "mews", "row,", "walk,", "park,", "green,", "rise,", "view,")),
    (re.compile(_DE), ("straße", "strasse", "str.", "weg ", "allee", "platz", "gasse", "damm ", "ufer ", "chaussee",
                       "steig ", "pfad ", "markt ", *(f"ring {digit}" for digit in "0123456789"))),
    (re.compile(_FR), ("rue ", "avenue", "av.", "boulevard", "bd ", "place", "allée", "mpasse", "chemin", "uai ",
                       "cours ", "route ", "square")),
    (re.compile(_NL), ("straat", "aan ", "gracht", "plein ", "kade ", "singel ", "dijk ", "markt ", "dreef ",
                       "steeg ")),
    (re.compile(_ES), ("calle", "c/ ", "avenida", "avda", "paseo", "carrer", "camino", "ronda", "travesía", "travesia", "carretera",
                       "rambla", "glorieta", "pasaje")),
    (re.compile(_IT), ("via ", "viale", "piazza", "corso", "argo", "vicolo", "strada", "borgo", "contrada", "ungomare")),
)
"""Each country's addresses, searched around the words of its streets (a word two languages share, "avenue", "place",
tries both)."""
_ADDRESS_OF: dict[str, tuple[re.Pattern[str], ...]] = {}
for _regex, _words in _FAMILIES:
    for _word in _words:
        _ADDRESS_OF[_word] = (*_ADDRESS_OF.get(_word, ()), _regex)
STREET_WORDS = Words(*_ADDRESS_OF)
"""A street's word (or its abbreviation before the comma after it): the addresses are searched for only around one.
Words other words hold are cues with what follows them: "ave," and "ave nw", not "ave" (every "have"); "st.," not
"st." (every "roost." of a log's module names); "ring 1", not "ring" (every "string"); "c/ " (not every "src/"). None
begins with e, h, i or l, which no other kind's word begins with: the scan would stop at a third of a text's letters
(1.2 us a message of the pii benchmark more, where the whole scan cost 3.3): "ane " for "Lane", "ghway" for "Highway",
"mpasse", "aan " for "laan", "argo" for "Largo", "uai " for "quai". Nor does one begin with a comma: a US address's
state and ZIP code (", IL 6", found where any street's word comes before them) cost each message 1,900 instructions of
the pii benchmark (cachegrind) as words of the scan. A w and a q cost 2,400 together: the w is kept ("Way", "Walk",
"-weg"), the q is not ("uai ")."""
_BEFORE, _AFTER = 60, 90
"""How far an address may begin before its street's word, and end after it."""


class StreetAddressRecognizer:
    """An address without a label, with its house number and postcode (0.8): "42 Acacia Avenue, Reading RG1 1AA"."""

    entity = "ADDRESS"
    confidence = 0.8

    def applies(self, text: str) -> bool:
        """Only a text with a street's word can give an address."""
        return STREET_WORDS.anywhere(text)

    def find(self, text: str) -> Iterator[Finding]:
        """Yield the addresses around each street's word, once each, matched whole from where they begin."""
        seen: set[int] = set()
        for at, word in STREET_WORDS.occurrences(text):
            for regex in _ADDRESS_OF[word]:
                for near in regex.finditer(text, max(0, at - _BEFORE), at + len(word) + _AFTER):
                    start = near.start()
                    if start in seen or (start and text[start - 1].isalnum()):
                        continue
                    seen.add(start)
                    if whole := regex.match(text, start):
                        yield Finding(self.entity, start, whole.end(), whole.group(), self.confidence)
