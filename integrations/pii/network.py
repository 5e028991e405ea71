"""Recognizers for network identifiers: e-mail addresses and IP addresses."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from .context import word_before
from .registry import Finding
from .runs import LONG_TEXT, digit_runs
from .validators import is_valid_ipv4, is_valid_ipv6

__all__ = ["EmailRecognizer", "IpRecognizer", "colon_groups"]

_HEX_COLON = frozenset("0123456789abcdefABCDEF:")
_THIS_DEVICE = ("127.", "0.0.0.0")
"""Loopback and unspecified IPv4 addresses name this device, nobody's: "listening on 127.0.0.1"
stays readable in logs (IPv6's ::1 and :: are too short to be taken for an address already)."""
_PREFIX = re.compile(r"/[0-9]{1,3}(?![0-9])")
_COLON_GROUPS = re.compile(r"::|:(?:[0-9A-Fa-f]{1,4}:){2}")
"""Where an IPv6 address or a MAC address may be: "::", or three colons with groups of hexadecimal digits between them.
The regex engine jumps to the literal colon; one search a text serves both recognizers (a search of their own for a MAC
address's colons and dashes cost each message of the pii benchmark ~4,000 instructions, cachegrind)."""
_colon_groups: tuple[str, bool] = ("", False)


def colon_groups(text: str) -> bool:
    """Whether text holds "::" or three colons with hexadecimal groups between them (kept for the latest text)."""
    global _colon_groups
    entry = _colon_groups  # read once: a long text is analyzed in a worker thread beside the loop
    if entry[0] is not text:
        entry = _colon_groups = (text, ":" in text and _COLON_GROUPS.search(text) is not None)
    return entry[1]


def _nobodys(value: str, text: str, end: int) -> bool:
    """Whether an address is nobody's: a multicast group's ("224.0.0.1", "ff02::1"), an IPv4 one reserved for the
    future or the broadcast ("240.0.0.1", "255.255.255.255"), or a network's own written with its prefix
    ("10.0.0.0/16", "2001:db8::/32"; a host's stays: "10.0.1.41/24"). The ranges set aside for documentation stay:
    examples stand for real addresses (Roost's tests write them so)."""
    address = ipaddress.ip_address(value)
    if address.is_multicast or (address.version == 4 and address.is_reserved):
        return True
    prefix = _PREFIX.match(text, end)
    if prefix is None:
        return False
    try:
        return ipaddress.ip_network(value + prefix.group(), strict=True).num_addresses > 1
    except ValueError:
        return False


_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"
"""Latin letters with their accented forms, Greek and Cyrillic."""


class EmailRecognizer:
    """E-mail addresses, found from each '@' outwards (nothing to do without an '@')."""

    entity = "EMAIL"

    # Letters of alphabetic scripts may be in an address (RFC 6531: "müller@example.de", "josé@correo.es",
    # "иван@пример.рф"); a Chinese name is not taken in: with no space before it, where would it start?
    _LOCAL = re.compile(f"[{_LETTERS}0-9._%+\\-]{{1,64}}$")
    _DOMAIN = re.compile(
        f"[{_LETTERS}0-9](?:[{_LETTERS}0-9\\-]{{0,61}}[{_LETTERS}0-9])?"
        f"(?:\\.[{_LETTERS}0-9](?:[{_LETTERS}0-9\\-]{{0,61}}[{_LETTERS}0-9])?)*\\.[{_LETTERS}]{{2,24}}"
        f"(?![{_LETTERS}0-9\\-])"
    )

    # An address written so that harvesters miss it: "john [at] example [dot] com", "jane(at)example.org", or its
    # "@" escaped for HTML ("john&#64;example.com", "&#x40;", "&commat;").
    _AT = r"(?:\s*[\[({<]\s*(?i:at)\s*[\])}>]\s*|&#0*64;|&#[xX]0*40;|&commat;)"
    _DOT = r"(?:\.|\s*[\[({<]\s*(?i:dot)\s*[\])}>]\s*|&#0*46;|&period;)"
    _WRITTEN_OUT = re.compile(f"(?<![\\w.%+-])[A-Za-z0-9._%+-]{{1,64}}{_AT}[A-Za-z0-9-]{{1,63}}"
                              f"(?:{_DOT}[A-Za-z0-9-]{{1,63}})*{_DOT}[A-Za-z]{{2,24}}(?![\\w-])")
    # Or said in words: "john at example dot com", "john dot doe at gmail dot com"; only up to a top-level domain
    # people say ("dot com", "dot de"), not a word one looks or is at ("look at google dot com"), not one letter ("at
    # a dot com startup").
    _SAID_DOT = r"\s(?i:dot)\s"
    _SAID = re.compile(
        r"(?<![\w.%+-])(?!(?i:look|looking|looked|arrive|arrived|meet|stay|staying|work|worked|working|be|is|am|are"
        r"|was|were|him|her|me|us|them|it|this|that|here|there)\s)"
        f"[A-Za-z0-9._%+-]{{1,64}}(?:{_SAID_DOT}[A-Za-z0-9_%+-]{{1,64}}){{0,3}}\\s(?i:at)\\s[A-Za-z0-9-]{{2,63}}"
        f"(?:{_SAID_DOT}[A-Za-z0-9-]{{2,63}}){{0,3}}{_SAID_DOT}(?i:com|org|net|edu|gov|io|co|uk|de|fr|es|it|nl|be|ch|at|se"
        f"|no|dk|fi|pl|ru|cn|jp|kr|in|br|au|ca|us|info|me|eu)(?![\\w-])")

    def applies(self, text: str) -> bool:
        """Only text with an '@', an "at" in brackets or a "dot" said can hold an address."""
        return "@" in text or _written_out(text) or " dot " in text or " DOT " in text

    def find(self, text: str) -> Iterator[Finding]:
        """Yield addresses with a plausible local part and a dotted domain, and those written out."""
        if _written_out(text):
            for m in self._WRITTEN_OUT.finditer(text):
                yield Finding(self.entity, m.start(), m.end(), m.group(), 0.9)
        if " dot " in text or " DOT " in text:
            for m in self._SAID.finditer(text):
                yield Finding(self.entity, m.start(), m.end(), m.group(), 0.85)
        at = text.find("@")
        while at != -1:
            # A local part has no space: searched for after the last one, not from each letter of the words before
            # it (1.2 % of the pii benchmark's instructions).
            begin = max(0, at - 64)
            local = self._LOCAL.search(text, max(begin, text.rfind(" ", begin, at) + 1), at)
            domain = self._DOMAIN.match(text, at + 1) if local else None
            if local and domain:
                start = local.start()
                while start < at and text[start] == ".":
                    start += 1
                if start < at and text[at - 1] != ".":
                    end = domain.end()
                    yield Finding(self.entity, start, end, text[start:end], 0.95)
            at = text.find("@", at + 1)


def _written_out(text: str) -> bool:
    """Whether an "at" in brackets or an escaped "@" may stand for an '@' in text: "[at]", "(at)", "(AT)", "&#64;"."""
    if "&" in text and ("&#" in text or "&commat;" in text):
        return True
    if "]" not in text and ")" not in text:  # most texts have neither: two searches instead of four
        return False
    return "at]" in text or "at)" in text or "AT]" in text or "AT)" in text


class IpRecognizer:
    """IPv4 and IPv6 addresses, validated by the ipaddress module; version numbers, this device's and nobody's
    excluded."""

    entity = "IP"

    # Not followed by a letter, a fifth number, or a package's revision ("alsa 1.2.5.1-2", "1.2.3.4-1ubuntu1";
    # "10.0.0.1-10.0.0.20" is a range of addresses).
    _V4 = re.compile(
        r"[0-9](?<![0-9A-Za-z.][0-9])[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![0-9A-Za-z]|\.[0-9]|-[0-9]+(?![0-9.]))"
    )
    # IPv6 candidates are found from an anchor, "::" or a chain of six colons, both starting
    # with a literal ":" the regex engine jumps to; the candidate then starts a little earlier.
    _V6_ANCHOR = re.compile(r"::|:(?:[0-9A-Fa-f]{1,4}:){5}")
    _V6 = re.compile(r"[0-9A-Fa-f:]{2,39}(?:\.[0-9]{1,3}){0,3}")
    _V4_ANCHOR = re.compile(r"\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]")

    # Labels that make a dotted quad a version or section number, not an address ("rv:1.9.2.20" in a
    # browser's user agent).
    NOT_IP_WORDS: tuple[str, ...] = (
        "version", "ver", "ver.", "v", "rv", "release", "build", "section", "chapter", "§",
        "版本", "章节", "第", "条",
    )  # fmt: skip

    def applies(self, text: str) -> bool:
        """IPv4 needs a digit run with three dots (a long text is one run); IPv6 "::" or colons with groups between.

        The runs are looked at here, not only in find: three dots in a message are common (prices, versions,
        sentences), and finding nothing after them cost 1.2 % of the pii benchmark's instructions. A one-character
        `in` test goes first: str.count first widens its argument to the text's width when the text is not ASCII
        (0.6 % of the instructions).
        """
        if colon_groups(text):
            return True
        if "." not in text:
            return False
        for start, end in digit_runs(text):
            if end - start >= 7 and text.count(".", start, end) >= 3:
                return True
        return False

    def find(self, text: str) -> Iterator[Finding]:
        """Yield valid IPv4 and IPv6 addresses."""
        if text.count(".") >= 3:
            for m in self._v4_matches(text):
                value = m.group()
                if (is_valid_ipv4(value) and not value.startswith(_THIS_DEVICE)
                        and not word_before(text, m.start(), self.NOT_IP_WORDS)
                        and not _nobodys(value, text, m.end())):
                    yield Finding(self.entity, m.start(), m.end(), value, 0.9)
        if ":" in text:
            yield from self._find_v6(text)

    def _v4_matches(self, text: str) -> Iterator[re.Match[str]]:
        """Dotted quads, searched in digit runs with three dots (or from dots in long texts)."""
        if len(text) > LONG_TEXT:
            end = 0
            for anchor in self._V4_ANCHOR.finditer(text):
                start = anchor.start()
                if start < end:
                    continue
                while start > max(end, anchor.start() - 3) and text[start - 1].isdigit():
                    start -= 1
                m = self._V4.match(text, start)
                if m is not None:
                    end = m.end()
                    yield m
            return
        for start, end in digit_runs(text):
            if end - start >= 7 and text.count(".", start, end) >= 3:
                yield from self._V4.finditer(text, start, end + 1)

    def _v6_candidates(self, text: str) -> Iterator[tuple[int, str]]:
        """(start, text) of runs of hex digits and colons around each IPv6 anchor."""
        end = 0
        for anchor in self._V6_ANCHOR.finditer(text):
            start = anchor.start()
            if start < end:
                continue
            limit = max(end, start - 39)
            while start > limit and text[start - 1] in _HEX_COLON:
                start -= 1
            if text.startswith(":", start) and not text.startswith("::", start):
                start += 1  # "ip:2001:db8::1": the label's colon is not part of the address
            m = self._V6.match(text, start)
            if m is not None:
                end = m.end()
                yield start, m.group()

    def _find_v6(self, text: str) -> Iterator[Finding]:
        """Yield IPv6 addresses; times like 12:30:45 and MAC addresses fail validation."""
        for start, value in self._v6_candidates(text):
            if start and (text[start - 1] == "." or _word_char(text[start - 1])
                          or text[start - 3:start] in (":x:", ":*:")):  # /etc/passwd's ids: "maria:x:1002:1002::/home"
                continue
            end = start + len(value)
            if value.endswith(":") and not value.endswith("::"):
                value, end = value[:-1], end - 1
            if value.count(":") < 2 or (end < len(text) and _word_char(text[end])):
                continue
            if not any(ch.isdigit() for ch in value):
                continue
            groups = [g for g in value.split(":") if g]
            if len(groups) < (2 if "::" in value else 3) or max(map(len, groups)) < 3:
                continue  # "1:2:3:4:5:6:7:8" is a ratio, not an address
            if not is_valid_ipv6(value) or _nobodys(value, text, end):
                continue
            yield Finding(self.entity, start, end, value, 0.9)


def _word_char(char: str) -> bool:
    """A letter or digit of the Latin alphabet: CJK characters next to an address do not join it."""
    return char.isascii() and char.isalnum()
