"""How the recognizers read a text: characters typed in another form than ASCII's read as it, invisible ones not at all.

A number or an address is typed so by a phone, an input method or a word processor as often as in ASCII: full-width
digits and letters (a Chinese input method), the digits of Arabic, Persian or Hindi keyboards, a space that does not
break (macOS and iOS in a phone number, French typography in every number: "06 12 34 56 78"), a dash that is not a
hyphen-minus ("555–0132", Word's en dash). And text copied from a web page or a chat carries characters that show
nothing: a soft hyphen, a zero-width space, the marks and isolates that set the direction of Arabic or Hebrew.
"""

from __future__ import annotations

from .context import Words

__all__ = ["plain", "read"]

# What a Chinese input method types in full width inside a number, an address or a name: digits, letters and the
# separators of numbers and e-mail addresses (（）＋－．＠＿ and the ideographic space). Not the punctuation of a
# sentence (，：；！？): nearly every Chinese message has some, and the recognizers know it as it is.
_FULL_WIDTH = (0xFF08, 0xFF09, 0xFF0B, 0xFF0D, 0xFF0E, 0xFF20, 0xFF3F,
               *range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50)
"""The zeros of the digits Arabic, Persian and Urdu, Hindi, Bengali and Thai keyboards type (٠١٢, ۰۱۲, ०१२, ০১২,
๐๑๒)."""
_SPACES = (0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)
"""No-break, narrow no-break (French typography), thin, figure and the other typeset spaces, the ideographic space."""
_DASHES = (0x2010, 0x2011, 0x2012, 0x2013, 0x2212)
"""Hyphen, non-breaking hyphen, figure dash, en dash, minus: not the em dash, which parts clauses, not numbers."""
_INVISIBLE = (0x00AD, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
              *range(0x2066, 0x206A), 0xFEFF)
"""Soft hyphen, zero-width space, non-joiner and joiner, direction marks, embeddings, isolates, word joiner, BOM."""

_AS_READ: dict[int, int | None] = ({code: code - 0xFEE0 for code in _FULL_WIDTH}
                                   | {zero + digit: 0x30 + digit for zero in _ZEROS for digit in range(10)}
                                   | dict.fromkeys(_SPACES, 0x20)
                                   | dict.fromkeys(_DASHES, 0x2D) | dict.fromkeys(_INVISIBLE))
_TYPED_OTHERWISE = Words(*map(chr, _AS_READ))
"""Looked for in the one scan of a text for context words (context.py), which the recognizers need anyway: a regex
of its own went over each non-ASCII text once more (3.0 % of the pii benchmark's instructions). A text that has one
is scanned again as read: 10 % more instructions for a message ending in "（注）"."""


def plain(value: str) -> str:
    """value as the recognizers read it: full-width forms, typeset spaces and dashes in ASCII, invisible ones out."""
    return value if value.isascii() else value.translate(_AS_READ)


def read(text: str) -> tuple[str, list[int] | None]:
    """text as the recognizers read it, and where each of its characters stands in text when some were left out
    (None when each stands where it was: then text itself if nothing was read otherwise)."""
    # An ASCII text has none: isascii() is 0.07 us where the scan costs several.
    if text.isascii() or not _TYPED_OTHERWISE.anywhere(text):
        return text, None
    readable = text.translate(_AS_READ)
    if len(readable) == len(text):
        return readable, None
    return readable, [i for i, char in enumerate(text) if _AS_READ.get(ord(char), 0) is not None]
