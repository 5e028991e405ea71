"""What a secret's value looks like: the checks and end moves of the SECRET patterns, which tell a secret from
code, references, placeholders and prose."""

from __future__ import annotations

import base64
import binascii
import re

__all__ = ["basic_credentials", "before_closing_punctuation", "has_digit", "jwt_header_ok", "key_like",
           "latin_or_digits", "openai_key_like", "password_like", "plausible_literal", "plausible_value", "token_like",
           "user_and_password", "with_own_brackets"]


def jwt_header_ok(value: str) -> bool:
    """True when the first JWT segment decodes to a JSON object naming an algorithm or type."""
    head = value.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.startswith(b"{") and (b'"alg"' in decoded or b'"typ"' in decoded)


def has_digit(value: str) -> bool:
    """Real keys mix digits in; prose like 'sk-learn-is-great-for-beginners' does not."""
    return any(ch.isdigit() for ch in value)


def openai_key_like(value: str) -> bool:
    """A digit in it, or a project or service key's own prefix: 1 in ~4,600 random 48-character keys has no digit."""
    return value.startswith(("sk-proj-", "sk-ant-", "sk-svcacct-")) or has_digit(value)


# Values of "password = ..." that are code or references, not secrets: type names, calls,
# names of other variables, templates, environment and YAML references, masks.
_CODE_WORDS = frozenset(
    "str int bool bytes float none null nil true false required optional string any object "
    "undefined expected self dict list new".split()
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
    r"|(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:\[(?:'[^']*'|\"[^\"]*\"|[\w.\-]*)\])+(?:\.[A-Za-z_]\w*)*"
    rf"|(?:{_NAME}|[A-Z][A-Z0-9_]*|[A-Z]+[a-z]\w*)(?:\.(?:{_NAME}|[A-Z][A-Z0-9_]*))+"
    r"|~?/[\w.\-]+(?:/[\w.\-]+)+/?|&(?:#x?[0-9a-fA-F]{2,6}|lt|gt|quot|amp|apos|nbsp)(?:;.*)?"
)
"""References, not secrets: names of secrets, templates and variables ("${DB_PASSWORD}", "$password"; "$V99TLqf"
is no variable's name), "%(pw)s", "<your token>", "!secret x", masks, keys and items looked up ("os.environ['TOKEN']",
"auth[2]", "groups[-1].name"), attributes ("self.password", "ASLLexer.PASS"; not "ya29.a0AfH6SMBx", a Google token), a
file's path (the shell's working directory, "PWD=/home/anna", or a secret's file: "password: /run/secrets/db"), HTML
escaped ("Password &#x3C;xxxxxxxx>", "passphrase: &lt;string>")."""


def latin_or_digits(value: str) -> bool:
    """A value after "是" or "为" is a secret when it has Latin letters or digits: "多少", "什么" and "空" are words;
    fewer than four digits alone count something ("密码是8位数字", "暗証番号は4桁です")."""
    return (re.search("[A-Za-z0-9]", value) is not None and not (value.isdigit() and len(value) < 4)
            and plausible_value(value))


def key_like(value: str) -> bool:
    """A key's or a token's value has a digit or 20 characters at least: a word or a name is no key ("token =
    Punctuation" in a lexer, "output_token": "Marker" in a paginator's model, "token=None" in a signature)."""
    return len(value) >= 20 or any(ch.isdigit() for ch in value)


def random_like(value: str) -> bool:
    """Bytes written out as a key is: base64 with capitals, small letters and digits, or hex with letters and digits
    ("8YvF2c3z…", "d41d8cd9…"); not a name ("database_url", "ConfigMapKeyRef")."""
    if all(ch in "0123456789abcdefABCDEF" for ch in value):
        return has_digit(value) and not value.isdigit()
    return has_digit(value) and value.lower() != value and value.upper() != value


def token_like(value: str) -> bool:
    """A bearer token has digits or mixed case; a placeholder ("YOUR_ACCESS_TOKEN", "your-token-here") has not."""
    return any(ch.isdigit() for ch in value) or (value.lower() != value and value.upper() != value)


def basic_credentials(value: str) -> bool:
    """HTTP Basic credentials: base64 of printable "user:password" (not a word after "basic" in prose)."""
    if len(value) % 4:
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    return ":" in decoded and decoded.isprintable()


def plausible_literal(value: str) -> bool:
    """False for quoted values that are references rather than a secret: names, templates, masks (a code word maybe
    before the signature's end: "passwd=None):")."""
    return value.rstrip("):,;").lower() not in _CODE_WORDS and _REFERENCE.fullmatch(value) is None


def plausible_value(value: str) -> bool:
    """False for unquoted values that are code or references rather than a secret: a call as well (cut off at a quote
    too: "os.getenv(" of 'os.getenv("TOKEN")'), and a lookup cut off at its key ("config[" of 'config["password"]')."""
    return plausible_literal(value) and _CALL.fullmatch(value) is None and not value.endswith("[")


_OPENER = {")": "(", "]": "[", "}": "{", ">": "<"}


def with_own_brackets(text: str, start: int, end: int) -> int:
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


def password_like(value: str) -> bool:
    """A value stated without ":" or "=" ("my password is hunter2") has a password's signs: a digit, a symbol
    (not "-" or "/": "case-sensitive", "and/or"; not markdown's "**" after it, nor a sentence's "?" or "!": "Passwort
    vergessen?") or a capital after a small letter. "The password is required" is prose, and so is a range ("8-64
    characters")."""
    return len(value) >= 4 and (
        any(ch.isdigit() for ch in value)
        or any(not ch.isalnum() and ch not in "-'/" for ch in value.rstrip("*").rstrip("?!"))
        or re.search("[a-z].*[A-Z]", value) is not None
    ) and _RANGE.fullmatch(value) is None and plausible_value(value)


def before_closing_punctuation(text: str, start: int, end: int) -> int:
    """The end of a value stated in prose, moved before the sentence's punctuation ("password is None:", "...
    is hunter2."), then past the closing brackets that are its own (see with_own_brackets). A "!" or "?" stays:
    it is a password's own as often as not."""
    while end > start and text[end - 1] in ".,:)]}>":
        end -= 1
    return with_own_brackets(text, start, end)


def user_and_password(value: str) -> bool:
    """user:password with a password that is no reference ("me:$PASS") and not left for a prompt ("me:")."""
    user, colon, password = value.partition(":")
    return bool(user and colon and password) and plausible_value(password)
