"""SECRET's codes: a card's security code, one-time codes and PINs, a home's lock code and a service's login code,
named before their digits or after them ("482913 is your verification code")."""

from __future__ import annotations

import re

from .secret_names import (
    CARD_CODE,
    CARD_CODE_CUES,
    IS,
    LOCK_CODE,
    LOCK_CUES,
    ONE_TIME_CODE,
    ONE_TIME_CUES,
    ONE_TIME_FOR,
    YOUR,
)
from .secret_pattern import SecretPattern

__all__ = ["CODE_PATTERNS"]

_SAID_AS = rf"[ \t]*(?:(?i:{IS})[ \t]*[:：]?|[:：=#]|是|为|は|는|은)?[ \t]*"
"""Between a code's name and its digits: "CVV 123", "cvv: 123", "the PIN is 4821", "der Türcode ist 4711",
"验证码是482913"."""
_DIGITS = r"([0-9]{3}[- ][0-9]{3}|[0-9]{4,8})"
"""A code's digits, maybe in two halves ("482-913", as WhatsApp writes it)."""
_SENT_CODE = r"([0-9]{3}[- ][0-9]{3}|[0-9]{4,8}|(?=[0-9A-Z]*[A-Z])(?=(?:[A-Z]*[0-9]){2})[0-9A-Z]{4,8})"
"""A code a service sends: its digits, or capitals and two digits or more ("Your Steam Guard code: 4F8Y2"; not "Your
Python code is PEP8"; after a PIN's name, a board's "pin GPIO17" is no such code)."""
_DIGITS_END = r"(?![0-9A-Za-z]|[\-/.:][0-9])"
"""The digits end there: not a longer number, a range, a date or a time ("4-6 digits", "12/27")."""
_CLAUSE_ENDS = r"(?![ \t]+(?!(?:and|or|to|for|is|expires)\b)[a-z])"
"""A service's code ends its clause: not "Your Python code is 2024 lines long"."""
_SAID_DIGITS = (r"([0-9](?:(?<=(?<![\w\-.:/])[0-9])|(?<=(?<!\w)[A-Z]-[0-9]))"
                r"(?:[0-9]{2}[- ][0-9]{3}|[0-9]{3,7}))")
"""A code's digits said before its name, beginning there or after a service's letter ("G-482913"): looked behind from
the first digit, so that searching the characters before a name skips to digits (0.2 us where a lookbehind first cost
1.3)."""
_OTHER_CODES = (r"(?i:zip|postal|post|area|country|dialing|promo|discount|coupon|voucher|gift|referral|invite|error"
                r"|exit|status|product|tracking|order|booking|reservation|reference|source|qr|bar|colou?r|tax|item|part"
                r"|sku|model|store|branch|sort|course|language|region|station|airport|currency|response|return|result"
                r"|billing|account|diagnosis|procedure|event|style|size|unit|shipping|service|customer|client|project"
                r"|cost|job|fault|reason|bank|swift|routing|sic|naics|hs)\b")
"""Codes that are no secrets: "your Zip code is 75001", "your Promo code: 2024", "Item code: 12345"."""
_SERVICE_WORD = r"[A-Z][\w&.'’-]*[ \t]+"
"""The first word of a service's name: "WhatsApp ", "G-Suite "."""
_SERVICE = rf"(?!{_OTHER_CODES}){_SERVICE_WORD}(?:[A-Za-z][\w&.'’-]*[ \t]+)?"
"""A service's name, maybe with a word after it: "WhatsApp ", "Microsoft account "."""
_SERVICE_ALONE = (rf"(?!{_OTHER_CODES}|(?i:your|my|the|this|that|our|his|her|their|its|an?|new|same|default|example"
                  rf"|sample|test)\b){_SERVICE_WORD}")
"""A service's name of one word, said without "your" ("Telegram code: 48291"): not "Your Promo code: 2024"."""
_YOURS = rf"[ \t]+(?i:{IS}|as)[ \t]+(?:(?i:{YOUR}|the)[ \t]+)?|[ \t]*(?:是|为)(?:您的|你的)?[ \t]*"
"""Between a code and its name said after it: "is your", "est votre", "as your", "is the" (as banks write it:
"482913 is the OTP for your transaction"), 是您的."""


_TO_DO_CUES = ("verify", "sign in", "sign-in", "signin", "log in", "log-in", "login", "confirm", "activate", "complete")
"""What a code given to be typed is for ("Enter 482913 to verify your account", "Use code 482913 to sign in"), as the
scan looks for it: no cost measured (375,200-375,500 instructions a message of the pii
benchmark against 375,900-376,000), now that the l of "log in" begins a word of the scan (login names' keys); a first
letter no other word began with had made each message cost 1,600-6,800 more."""
_TO_DO = "|".join(re.escape(cue).replace(r"\ ", r"[ \t]") for cue in _TO_DO_CUES)
"""The same words as a regex, a tab for a space too."""
_TYPED_DIGITS = (r"([0-9](?:(?<=(?i:enter|input)[ \t][0-9])|(?<=(?i:type)[ \t][0-9])|(?<=(?i:use)[ \t][0-9]))"
                 r"(?!(?:(?<=1)9|(?<=2)0)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?![0-9]))"
                 r"(?:[0-9]{2}[- ][0-9]{3}|[0-9]{5,7}))(?![0-9])")
"""A code given to be typed, after "Enter", "Use" or "Type": six to eight digits, maybe in two halves ("Use 123 456
to verify"; "Use 8080" is a port, "Enter 20241207" a date; after "code", code_to_type_named's); looked behind from
the first digit, as _SAID_DIGITS is."""
_RETRIEVER_HASH = r"[ \t]+[A-Za-z0-9+/]{11}[ \t]*(?:\n|\Z)"
"""The app's hash Android's SMS Retriever wants at a code's message's end ("… is your Facebook code Laz+nxCarLW")."""


def _code(name: str, cues: tuple[str, ...], regex: str, before: str | None = None) -> SecretPattern:
    """A kind of code, found at 0.9: its digits are the first group of regex, or of before when it has one."""
    return SecretPattern(name, cues, re.compile(regex), 0.9, group=1, before=re.compile(before) if before else None)


CODE_PATTERNS: tuple[SecretPattern, ...] = (
    _code("card_security_code", CARD_CODE_CUES, rf"(?i:{CARD_CODE})(?:码)?{_SAID_AS}([0-9]{{3,4}}){_DIGITS_END}"),
    # Not "2fa code": a trigger that starts with a digit costs every message with numbers 2-4 us.
    _code("one_time_code", ONE_TIME_CUES,
          rf"(?i:{ONE_TIME_CODE})(?:码)?(?i:{ONE_TIME_FOR}){_SAID_AS}[\[［【(]?{_DIGITS}{_DIGITS_END}"),
    # "482913 is your verification code", "G-482913 is your Google verification code"
    _code("one_time_code_said_before", ONE_TIME_CUES, rf"(?i:{ONE_TIME_CODE})(?![A-Za-z])",
          before=rf"{_SAID_DIGITS}(?:{_YOURS})(?:{_SERVICE})?\Z"),
    # Found from "code", the lock's name looked behind: the names as triggers ("entry", "access", "alarm" start with
    # common letters) cost every message 0.4 us, "code" 0.15.
    _code("lock_code", LOCK_CUES, f"(?:{LOCK_CODE}){_SAID_AS}{_DIGITS}{_DIGITS_END}"),
    # "Your WhatsApp code: 482-913", "Your Uber code is 4829", "Your code is 482913"
    _code("service_code", ("code",),
          rf"(?i:code)[ \t]*(?:(?i:is)[ \t]*[:：]?|[:：])[ \t]*{_SENT_CODE}{_DIGITS_END}{_CLAUSE_ENDS}",
          before=rf"(?i:your)[ \t]+(?:{_SERVICE})?\Z"),
    # "Telegram code: 48291" as a line begins, the digits ending it or its sentence
    _code("service_code_line", ("code",), rf"(?i:code)[:：][ \t]*{_DIGITS}(?=[ \t]*(?:[.!]|\n|\Z))",
          before=rf"(?<![^\n])[ \t]*{_SERVICE_ALONE}\Z"),
    # "Enter 482913 to verify your account", "Use 482913 to sign in", found from what it is for
    _code("code_to_type", _TO_DO_CUES, rf"(?i:{_TO_DO})(?![A-Za-z])",
          before=rf"{_TYPED_DIGITS}[ \t]+(?i:to|and)[ \t]+\Z"),
    # "Use code 482913 to log in", "Type the code 4829 to confirm", found from "code"
    _code("code_to_type_named", ("code",),
          rf"(?i:code)[ \t]+([0-9]{{4,8}})[ \t]+(?i:to|and)[ \t]+(?i:{_TO_DO})(?![A-Za-z])"),
    # "Enter this code to sign in: 482913", "… code to verify your account: 482913"
    _code("code_to_type_after", ("code",), rf"(?i:code)[ \t]+(?i:to)[ \t]+(?i:{_TO_DO})(?:[ \t]+[^\s:：]+){{0,4}}"
                                           rf"[ \t]*[:：][ \t]*{_DIGITS}{_DIGITS_END}{_CLAUSE_ENDS}"),
    # "482913 is your Instagram code", "482913 is your code", its sentence ending there: not "In 2024 is your Python
    # code good?"
    _code("service_code_said_before", ("code",), rf"(?i:code)(?=[.!,;)\]]|[ \t]*(?:\n|\Z)|{_RETRIEVER_HASH})",
          before=rf"{_SAID_DIGITS}[ \t]+(?i:is)[ \t]+(?i:your)[ \t]+(?:{_SERVICE})?\Z"),
)
