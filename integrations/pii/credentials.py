"""The SECRET recognizer: API keys and tokens, private keys, password assignments and passwords stated in prose,
HTTP credentials (Bearer, Basic), URL logins."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .context import literal_union, lowered
from .registry import Finding
from .runs import LONG_TEXT

__all__ = ["SecretPattern", "SecretRecognizer", "SECRET_PATTERNS"]


def _jwt_header_ok(value: str) -> bool:
    """True when the first JWT segment decodes to a JSON object naming an algorithm or type."""
    head = value.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.startswith(b"{") and (b'"alg"' in decoded or b'"typ"' in decoded)


def _has_digit(value: str) -> bool:
    """Real keys mix digits in; prose like 'sk-learn-is-great-for-beginners' does not."""
    return any(ch.isdigit() for ch in value)


def _openai_key_like(value: str) -> bool:
    """A digit in it, or a project or service key's own prefix: 1 in ~4,600 random 48-character keys has no digit."""
    return value.startswith(("sk-proj-", "sk-ant-", "sk-svcacct-")) or _has_digit(value)


# Values of "password = ..." that are code or references, not secrets: type names, calls,
# names of other variables, templates, environment and YAML references, masks.
_CODE_WORDS = frozenset(
    "str int bool bytes float none null nil true false required optional string any object "
    "undefined expected self dict list".split()
)
_NAME = r"(?:[a-z_]+[a-z][a-z0-9_]*|[a-z]{2,}(?:[A-Z][a-z]+)+[0-9]*|(?:[A-Z][a-z]+)+[0-9]*)"
"""A name as code is written: snake_case, camelCase, PascalCase ("get_password", "getPassword", "SecretStr"); not the
letters and digits of a random password ("S6RmGAQv", "mDruzdwg")."""
_ARGUMENTS = r"(?:[A-Za-z_][\w.]*|[0-9]+(?![A-Za-z_])|[.,:=\[\] ])*"
"""What a call's brackets hold: names, numbers and their punctuation ("user", "pw, salt"; not "2khCOq")."""
_CALL = re.compile(rf"(?:{_NAME}\.)*{_NAME}\({_ARGUMENTS}\)?(?:\.\w+(?:\({_ARGUMENTS}\)?)?)*")
"""A call, "get_password()", "make_token(user).hex" (its closing bracket may be cut off as the text's): a random
password with a "(" has other signs ("CrB(Uxeq6#GJ") or no name before it ("S6RmGAQv(R")."""
_REFERENCE = re.compile(
    r"(?i:(?:[A-Za-z_]\w*\.)*\w*(?:password|passwd|passphrase|pwd|key|secret|token))"
    rf"|\{{.*|\$\{{?(?:{_NAME}|[A-Z_][A-Z0-9_]*)\}}?|%\(\w+\)s|<[^<>]*>|(?i:![a-z_]+)|=.*|\*+|(?i:x+)"
    r"|(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:\[(?:'[^']*'|\"[^\"]*\")\])+"
)
"""References, not secrets: names of secrets, templates and variables ("${DB_PASSWORD}", "$password"; "$V99TLqf"
is no variable's name), "%(pw)s", "<your token>", "!secret x", masks, keys looked up ("os.environ['TOKEN']")."""


def _latin_or_digits(value: str) -> bool:
    """A value after "是" or "为" is a secret when it has Latin letters or digits: "多少", "什么" and "空" are words."""
    return re.search("[A-Za-z0-9]", value) is not None and _plausible_value(value)


def _token_like(value: str) -> bool:
    """A bearer token has digits or mixed case; a placeholder ("YOUR_ACCESS_TOKEN", "your-token-here") has not."""
    return any(ch.isdigit() for ch in value) or (value.lower() != value and value.upper() != value)


def _basic_credentials(value: str) -> bool:
    """HTTP Basic credentials: base64 of printable "user:password" (not a word after "basic" in prose)."""
    if len(value) % 4:
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    return ":" in decoded and decoded.isprintable()


def _plausible_literal(value: str) -> bool:
    """False for quoted values that are references rather than a secret: names, templates, masks."""
    return value.lower() not in _CODE_WORDS and _REFERENCE.fullmatch(value) is None


def _plausible_value(value: str) -> bool:
    """False for unquoted values that are code or references rather than a secret: a call as well (cut off at a quote
    too: "os.getenv(" of 'os.getenv("TOKEN")'), and a lookup cut off at its key ("config[" of 'config["password"]')."""
    return _plausible_literal(value) and _CALL.fullmatch(value) is None and not value.endswith("[")


@dataclass(frozen=True, slots=True)
class SecretPattern:
    """One kind of secret: literal triggers where a match starts, the regex matched there.

    The regex is matched (anchored) at each occurrence of a trigger, found case-insensitively.
    ``group`` names the part that is the secret (0: all of it; -1: the first alternative
    group that matched); ``widen(text, start, end)`` may move its end (either way); ``check`` may reject
    a value that only looks like a secret.
    """

    name: str
    triggers: tuple[str, ...]
    regex: re.Pattern[str]
    confidence: float
    group: int = 0
    check: Callable[[str], bool] | None = None
    widen: Callable[[str, int, int], int] | None = None


_OPENER = {")": "(", "]": "[", "}": "{", ">": "<"}


def _with_own_brackets(text: str, start: int, end: int) -> int:
    """The value's end moved past the closing brackets right after it, unless one closes a bracket the text opened
    before the value: "pa55)" in "password=pa55) ok" and "p(a55)" are the password's own; in "(password=pa55)" the
    bracket is the text's."""
    while end < len(text) and (opener := _OPENER.get(text[end])) is not None:
        closer = text[end]
        inside = text.count(opener, start, end) - text.count(closer, start, end)
        if inside <= 0 and text.count(opener, 0, start) > text.count(closer, 0, start):
            break  # it closes a bracket opened before the value
        end += 1
    return end


_RANGE = re.compile(r"[0-9]+[-~–][0-9]+")


def _password_like(value: str) -> bool:
    """A value stated without ":" or "=" ("my password is hunter2") has a password's signs: a digit, a symbol
    (not "-" or "/": "case-sensitive", "and/or"; not markdown's "**" after it) or a capital after a small letter.
    "The password is required" is prose, and so is a range ("8-64 characters")."""
    return len(value) >= 4 and (
        any(ch.isdigit() for ch in value)
        or any(not ch.isalnum() and ch not in "-'/" for ch in value.rstrip("*"))
        or re.search("[a-z].*[A-Z]", value) is not None
    ) and _RANGE.fullmatch(value) is None and _plausible_value(value)


def _before_closing_punctuation(text: str, start: int, end: int) -> int:
    """The end of a value stated in prose, moved before the sentence's punctuation ("password is None:", "...
    is hunter2."), then past the closing brackets that are its own (see _with_own_brackets). A "!" or "?" stays:
    it is a password's own as often as not."""
    while end > start and text[end - 1] in ".,:)]}>":
        end -= 1
    return _with_own_brackets(text, start, end)


_ASSIGNMENT_WORDS = ("pass", "pwd", "密码", "口令", "api", "secret", "client", "access", "auth", "token")
# A name that says secret. Unambiguous words may end a longer name (DB_PASSWORD, newpassword); the short "pass"
# and "token" must stand alone (not "bypass", "max_tokens").
_SECRET_NAME = (
    r"(?i:password|passwd|passphrase|passcode|pwd|密码|口令|api[_\-]?key"
    r"|secret[_\-]?(?:access[_\-]?)?key|client[_\-]?secret|access[_\-]?token"
    r"|auth[_\-]?token|(?<![A-Za-z0-9])pass|(?<![A-Za-z0-9])token)"
)
_ASSIGNED = _SECRET_NAME + r"(?:[\"'`]|\*\*|__)?[ \t]*(?:[:=：]|[ \t](?i:is)[ \t]*[:：])(?:\*\*(?=[ \t]))?[ \t]*"
"""A secret's name, then its value after ":", "=" or "is:"; the name may be quoted or in bold ("**Password:**")."""
_SAID_IN_CHINESE = _SECRET_NAME + r"[ \t]*(?:是|为)[ \t]*"
"""A secret's name, then its value after "是" or "为" ("密码是abc123"; but "密码是多少", "密码为空" ask or say)."""
# A value ends before a space, punctuation, a quote or the end. Brackets may be inside it ("O6z)RjBr#5"); closing
# ones at its end (before a space, punctuation, the end or a Chinese character) are left to widen, which knows
# whether the text opened them: "(密码是abc123)请查收".
_ENDS = "\\s\"'`,;，。；、）】“”‘’「」"
"""What ends a value written without quotes: a space, punctuation, a quote."""
_MARKUP = r"\*\*[^*\r\n]+\*\*|__[^_\r\n]+__|<(?:b|strong|em|i|code|kbd|samp|tt)>"
"""Bold, italics or code around a value (markdown or HTML): the patterns for wrapped values take those."""
_VALUE = (rf"(?!{_MARKUP})([^{_ENDS}]{{1,200}}?)"
          rf"(?=[)>}}\]]+(?:[.!?]*(?:[{_ENDS}]|\Z)|[^\x00-\x7f])|[{_ENDS}]|\Z)")
_QUOTED = (r"(?:\"([^\"\r\n]{1,200})\"|'([^'\r\n]{1,200})'|“([^”\r\n]{1,200})”|‘([^’\r\n]{1,200})’"
           r"|「([^」\r\n]{1,200})」)")
"""A value as a string literal: in quotes (straight, curly or corner brackets)."""
_CODE = r"(?:`([^`\r\n]{1,200})`|<(?:code|kbd|samp|tt)>([^<\r\n]{1,200})</)"
"""A value as code: a markdown code span or an HTML code element."""
_EMPHASIZED = r"(?:\*\*([^*\r\n]{1,200})\*\*|__([^_\r\n]{1,200})__|<(?:b|strong|em|i)>([^<\r\n]{1,200})</)"
"""A value in bold or italics (markdown or HTML): as often a word of prose ("the password is **required**")."""

_STATED = r"(?i:password|passwd|passphrase|passcode|密码|口令)(?:[ \t]+(?i:is|was))?[ \t]+"
"""A password's name stated in prose, without ":" or "=": "my password is hunter2", "wifi密码 abc12345"."""
_STATED_VALUE = rf"(?!{_MARKUP})((?![(\[{{<][^\n]*[)\]}}>])[^{_ENDS}]{{4,200}})"
"""Not a bracket the line closes again: "password (bool, optional): ..." describes a parameter."""
_NAMED = f"{_ASSIGNED}|{_SAID_IN_CHINESE}|{_STATED}"
"""A secret's name before its value, in any of the ways above."""

_SAID_AS = r"[ \t]*(?:(?i:is|was)[ \t]*[:：]?|[:：=#]|是|为)?[ \t]*"
"""Between a code's name and its digits: "CVV 123", "cvv: 123", "the PIN is 4821", "验证码是482913"."""
_DIGITS_END = r"(?![0-9A-Za-z]|[\-/.:][0-9])"
"""The digits end there: not a longer number, a range, a date or a time ("4-6 digits", "12/27")."""

SECRET_PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern(
        "private_key",
        ("-----BEGIN",),
        re.compile(
            r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|\Z)"
        ),
        0.99,
    ),
    SecretPattern(
        "openai_key",
        ("sk-",),
        re.compile(r"(?<![A-Za-z0-9_\-])sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_\-]{20,200}"),
        0.97,
        check=_openai_key_like,
    ),
    SecretPattern(
        "stripe_key",
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
        re.compile(r"(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[A-Za-z0-9]{16,200}"),
        0.97,
    ),
    SecretPattern(
        "github_token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(
            r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{40,255})"
        ),
        0.98,
    ),
    SecretPattern(
        "slack_token",
        ("xoxa-", "xoxb-", "xoxp-", "xoxr-"),
        re.compile(r"(?<![A-Za-z0-9_])xox[abpr]-[A-Za-z0-9\-]{10,250}"),
        0.97,
        check=_has_digit,
    ),
    SecretPattern(
        "aws_access_key",
        ("AKIA", "ASIA"),
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])"),
        0.97,
    ),
    SecretPattern(
        "jwt",
        ("eyJ",),
        re.compile(
            r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*"
        ),
        0.97,
        check=_jwt_header_ok,
    ),
    SecretPattern(
        "bearer_token",
        ("bearer",),
        re.compile(r"(?i:bearer)[ \t]+([A-Za-z0-9\-._~+/]{16,}=*)(?![A-Za-z0-9\-._~+/=])"),  # RFC 6750's b64token
        0.95,
        group=1,
        check=_token_like,
    ),
    SecretPattern(
        "basic_credentials",
        ("basic",),
        re.compile(r"(?i:basic)[ \t]+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])"),
        0.95,
        group=1,
        check=_basic_credentials,
    ),
    SecretPattern(
        "url_credentials",
        ("://",),
        re.compile(r"(?<=[A-Za-z0-9])://([^\s/@:?#]{1,64}:[^\s/@?#]{1,128})@"),
        0.98,
        group=1,
    ),
    *(SecretPattern(name, _ASSIGNMENT_WORDS, re.compile(prefix + _VALUE), 0.9, group=1, check=check,
                    widen=_with_own_brackets)
      for name, prefix, check in (("assignment", _ASSIGNED, _plausible_value),
                                  ("said_in_chinese", _SAID_IN_CHINESE, _latin_or_digits))),
    # Quotes or markup around a value mark its ends ("**Hunter22**"), better than where an unquoted value stops.
    *(SecretPattern(name, _ASSIGNMENT_WORDS, re.compile(f"(?:{prefix}){wrapped}"), 0.92, group=-1, check=check)
      for name, prefix, wrapped, check in (
          ("quoted_assignment", _NAMED, _QUOTED, _plausible_literal),  # a string literal: 'p(4ss' is no call
          ("code_assignment", _NAMED, _CODE, _plausible_value),
          ("emphasized_assignment", f"{_ASSIGNED}|{_SAID_IN_CHINESE}", _EMPHASIZED, _latin_or_digits))),
    SecretPattern(
        "emphasized_password",
        ("pass", "密码", "口令"),
        re.compile(_STATED + _EMPHASIZED),
        0.92,
        group=-1,
        check=_password_like,
    ),
    # Codes that unlock a card or an account, named right before their digits.
    SecretPattern(
        "card_security_code",
        ("cvv", "cvc", "cvn", "security code", "安全码"),
        re.compile(rf"(?i:(?<![A-Za-z])(?:cvv|cvc|cvn)2?|security[ \t]+code|安全码)(?:码)?{_SAID_AS}([0-9]{{3,4}}){_DIGITS_END}"),
        0.9,
        group=1,
    ),
    SecretPattern(
        "one_time_code",
        ("verification code", "one-time", "one time", "otp", "2fa", "pin", "验证码", "动态码"),
        re.compile(r"(?i:verification[ \t]+code|one[- ]time[ \t]+(?:code|passcode|password|pin)|(?<![A-Za-z0-9])(?:otp"
                   rf"|2fa[ \t]+code|pin(?:[ \t]+(?:code|number))?)|验证码|动态码)(?:码)?{_SAID_AS}([0-9]{{4,8}}){_DIGITS_END}"),
        0.9,
        group=1,
    ),
    SecretPattern(
        "stated_password",
        ("pass", "密码", "口令"),
        re.compile(_STATED + _STATED_VALUE),
        0.85,
        group=1,
        check=_password_like,
        widen=_before_closing_punctuation,
    ),
)


def _positions(haystack: bytes, needle: bytes) -> Iterator[int]:
    """Every index where needle occurs in haystack."""
    i = haystack.find(needle)
    while i != -1:
        yield i
        i = haystack.find(needle, i + 1)


def _char_offsets(text: str, raw: bytes, byte_positions: list[int]) -> list[int]:
    """Character offsets of sorted byte offsets (at character starts) into text's UTF-8."""
    if text.isascii():
        return byte_positions
    offsets = []
    chars = done = 0
    for pos in byte_positions:
        chars += len(raw[done:pos].decode("utf-8", "surrogatepass"))
        done = pos
        offsets.append(chars)
    return offsets


class SecretRecognizer:
    """Credentials of every kind: each pattern is tried only where one of its triggers occurs.

    One scan of the lower-cased text finds every trigger (a case-sensitive pattern then just
    fails to match where only the lower-cased text had its trigger).
    """

    entity = "SECRET"

    def __init__(self, patterns: tuple[SecretPattern, ...] = SECRET_PATTERNS) -> None:
        self.patterns = patterns
        self._by_trigger: dict[str, list[SecretPattern]] = {}
        for pattern in patterns:
            for trigger in pattern.triggers:
                self._by_trigger.setdefault(trigger.lower(), []).append(pattern)
        self._triggers = literal_union(self._by_trigger)

    def _hits_in_long_text(self, text: str) -> list[tuple[int, str]]:
        """Trigger positions found with bytes.find in ASCII-lower-cased UTF-8 (fast on long text)."""
        raw = text.encode("utf-8", "surrogatepass")
        lowered = raw.lower()  # bytes.lower changes only ASCII letters: lengths stay
        found = sorted(
            (pos, trigger)
            for trigger in self._by_trigger
            for pos in _positions(lowered, trigger.encode("utf-8"))
        )
        offsets = _char_offsets(text, raw, [pos for pos, _ in found])
        return [(offset, trigger) for offset, (_, trigger) in zip(offsets, found, strict=True)]

    def find(self, text: str) -> Iterator[Finding]:
        """Yield secrets; for assignments and URLs only the secret part is the finding."""
        if len(text) > LONG_TEXT:
            hits = self._hits_in_long_text(text)
        else:  # lowered() keeps offsets: a character that would lower-case to two stays as it is
            hits = [(m.start(), m.group()) for m in self._triggers.finditer(lowered(text))]
        if not hits:
            return
        seen: set[tuple[int, int]] = set()
        candidates = [
            (pattern, m)
            for pos, trigger in hits
            for pattern in self._by_trigger[trigger]
            if (m := pattern.regex.match(text, pos))
        ]
        for pattern, m in candidates:
            group = pattern.group
            if group == -1:
                group = next(i for i in range(1, m.re.groups + 1) if m.group(i) is not None)
            span = m.span(group)
            if pattern.widen is not None:
                span = (span[0], pattern.widen(text, *span))
            if span in seen:
                continue
            value = text[span[0] : span[1]]
            if pattern.check is not None and not pattern.check(value):
                continue
            seen.add(span)
            yield Finding(self.entity, span[0], span[1], value, pattern.confidence)
