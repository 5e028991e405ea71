"""Passwords' hashes (SECRET), as /etc/shadow, an .htpasswd, Mosquitto's password file or a database's row holds them.

By its scheme's name, as crypt(3), Apache, Mosquitto, passlib and Django write it: bcrypt's `$2b$12$…`, SHA-crypt's
`$6$salt$…`, yescrypt's `$y$j9T$salt$…`, `$apr1$…`, `$7$…`, Argon2's `$argon2id$v=19$m=65536,t=3,p=4$salt$…`, Django's
`pbkdf2_sha256$600000$salt$…`; its last part 22 characters or more (md5-crypt's), not a documentation's
`$6$salt$hash`. A hash is as good as its password to whoever tries a list of common ones against it.
"""

from __future__ import annotations

import operator
import re

from .registry import Finding

__all__ = ["PasswordHashRecognizer"]

_SCHEMES = ("$1$", "$2a$", "$2b$", "$2x$", "$2y$", "$5$", "$6$", "$7$", "$y$", "$gy$", "$apr1$", "$argon2id$",
            "$argon2i$", "$argon2d$", "$scrypt$", "$pbkdf2$", "$pbkdf2-sha1$", "$pbkdf2-sha256$", "$pbkdf2-sha512$")
"""The schemes' names a hash begins with: crypt(3)'s, Apache's, Mosquitto's, passlib's."""
_DJANGO_SCHEMES = ("pbkdf2_sha256", "pbkdf2_sha1")
"""Django's schemes' names, before its hash's first "$"."""
_PART = r"[\w./+=,\-]+"
_HASH = re.compile("(?:" + "|".join(map(re.escape, _SCHEMES)) + "|(?P<django>"
                   + "|".join(f"(?<={re.escape(scheme)})" for scheme in _DJANGO_SCHEMES) + r")\$)(?:" + _PART
                   + r"\$)*[A-Za-z0-9./+]{22,}={0,2}(?![\w./+=$])")
"""From a hash's first "$": its scheme, its parameters and salt, its last part of 22 characters or more."""


class PasswordHashRecognizer:
    """A password's hash by its scheme's name (0.95), tried at each "$".

    A recognizer of its own: ~4,000-6,000 instructions a message of the pii benchmark (cachegrind, 0.01-0.016 of it; a
    third of its messages hold a price's "$"; the count moves by ~1,500 between builds alike). Other ways cost more:
    the schemes' names among the one scan's words ~2,500; a "$" as a trigger the SECRET recognizer spells ~7,200, in its
    applies() ~5,600 (each price then ran its search for triggers); the regex engine's search for the first "$" ~1,600
    more than str.find; a str.startswith of the schemes' names before each match ~2,000 more.
    """

    entity = "SECRET"

    applies = operator.methodcaller("__contains__", "$")
    """A text with a "$", tested without a frame of Python's."""

    def find(self, text: str) -> list[Finding]:
        """The hashes, each matched at a "$"."""
        hashes = []
        at = text.find("$")
        while at != -1:
            found = _HASH.match(text, at)
            start = at if found is None or found["django"] is None else _django_start(text, at)
            if found is not None and start is not None:
                hashes.append(Finding(self.entity, start, found.end(), text[start:found.end()], 0.95))
            at = text.find("$", at + 1 if found is None else found.end())
        return hashes


def _django_start(text: str, at: int) -> int | None:
    """Where the Django scheme's name before the "$" at at begins, if it is not within a word."""
    start = at - next(len(scheme) for scheme in _DJANGO_SCHEMES if text.endswith(scheme, 0, at))
    return None if start and (text[start - 1].isalnum() or text[start - 1] in "_$") else start
