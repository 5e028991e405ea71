"""A place's coordinates (COORDINATES): a latitude and a longitude, which say where a home is to a few metres.

"GPS 52.520008, 13.404954", "40.7128° N, 74.0060° W", "40°42'46.1\"N 74°00'21.6\"W", "maps.google.com/?q=52.52,13.40",
"latitude: 52.3731", "纬度：39.9042". A pair of decimals is a place's when a word of places stands near it ("GPS",
"location", "maps", "geo:", "坐标", 0.85) or it is written in degrees (0.9), each with four decimals or more (a tenth of
those is eleven metres), the latitude within ±90 and the longitude within ±180. A pair alone ("-33.8688, 151.2093") is
not taken: in code and science most are not places (arrays of numbers: 54 such pairs in 322 MB of code, documentation
and logs even leaving out lists, small numbers and long decimals, 842 with them), and looking at every message's
decimals for one cost each message of the pii benchmark ~8,700 instructions (cachegrind), 3 % of its whole analysis. A
latitude or a longitude alone is a place's after its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words
from .registry import Finding

__all__ = ["PLACE_WORDS", "CoordinatesRecognizer"]

_LATITUDE = r"-?(?:[1-8]?[0-9]\.[0-9]{4,15}|90\.0{4,15})"
_LONGITUDE = r"-?(?:(?:1[0-7][0-9]|[1-9]?[0-9])\.[0-9]{4,15}|180\.0{4,15})"
_PAIR = re.compile(rf"(?<![\w.\-])({_LATITUDE})(°)?(?:[ \t]?([NS]))?[ \t]*[,，][ \t]*({_LONGITUDE})(°)?"
                   r"(?:[ \t]?([EW]))?(?![0-9]|\.[0-9]|[eE][\-+]?[0-9])")
"""A latitude and a longitude with a comma between them, maybe with degrees' signs and hemispheres' letters (not a
number's mantissa: "1.2428864009344e-17")."""
_DMS = re.compile(r"[0-9]{1,2}°[ \t]?[0-9]{1,2}['′][ \t]?[0-9]{1,2}(?:\.[0-9]+)?(?:\"|″|'')?[ \t]?[NS][ \t,]*"
                  r"[0-9]{1,3}°[ \t]?[0-9]{1,2}['′][ \t]?[0-9]{1,2}(?:\.[0-9]+)?(?:\"|″|'')?[ \t]?[EW]")
"""Degrees, minutes and seconds: "40°42'46.1\"N 74°00'21.6\"W"."""
_NAMED = re.compile(r"(?:(?i:latitude|longitude)[\"']?[ \t]*[:=：]|(?:纬度|經度|经度|緯度|経度)[ \t]*[:：]?)[ \t]*"
                    r"(-?[0-9]{1,3}\.[0-9]{3,15})(?![0-9])")
"""A latitude or a longitude after its name ("latitude: 52.3731", as a home automation system's configuration writes
it), three decimals or more."""
_IN_A_LIST = re.compile(r"[ \t]*,[ \t]*-?[0-9]+(?:\.[0-9]+)?(?![0-9.]|[zm])")
"""Another number after a pair: one of a list of numbers ("location error 0.1234, 0.5678, 0.9012"), not a map's zoom
("maps/@52.5200066,13.404954,15z")."""
PLACE_WORDS = Words("gps", "ocat", "coord", "posi", "geo:", "maps", "°", "atitude", "ongitude", "koordinaten",
                    "standort", "ubicación", "坐标", "位置", "定位", "纬度", "經度", "经度", "緯度", "経度", "座標", "좌표", "위치")
"""Words of places, a degree's sign and a coordinate's names, or the part of them the scan looks for: coordinates are
looked for only near one. "ocat" for "location" and "located", "coord" for "coordinates", "coords", "coordonnées" and
"coordenadas", "posi" for "position" and "posizione", "atitude" and "ongitude": fewer words for the scan, and none
begins with an l, which would make it stop at every l of a text."""
_BEFORE, _AFTER = 60, 60
"""How far before a word of places coordinates may begin, and after it end ("…/maps/@52.5200066,13.404954,15z")."""


class CoordinatesRecognizer:
    """Coordinates near a word of places or a degree's sign: a pair of decimals, degrees with minutes and seconds, or
    a latitude or longitude named."""

    entity = "COORDINATES"

    applies = PLACE_WORDS.anywhere
    """Only a text with a word of places, a degree's sign or a coordinate's name can give coordinates: the words' own
    test, which the registry calls with no frame of this class's between (~500 instructions less a message)."""

    def find(self, text: str) -> Iterator[Finding]:
        """Yield the coordinates in each word's window, once each."""
        seen: set[int] = set()
        for at, word in PLACE_WORDS.occurrences(text):
            window = max(0, at - _BEFORE), at + len(word) + _AFTER
            for pair in _PAIR.finditer(text, *window):
                if pair.start() not in seen and not _IN_A_LIST.match(text, pair.end()):
                    seen.add(pair.start())
                    marked = any(pair.group(i) for i in (2, 3, 5, 6))
                    yield Finding(self.entity, pair.start(), pair.end(), pair.group(), 0.9 if marked else 0.85)
            for regex, group in ((_DMS, 0), (_NAMED, 1)):
                for found in regex.finditer(text, *window):
                    if found.start(group) not in seen:
                        seen.add(found.start(group))
                        yield Finding(self.entity, found.start(group), found.end(group), found.group(group), 0.9)
