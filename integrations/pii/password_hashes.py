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

_PART = r"[\w./+=,\-]+"
_HASH = re.compile(r"\$(?:2[abxy]|[1567y]|gy|apr1|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha(?:1|256|512))?"
                   r"|(?P<django>(?:(?<=pbkdf2_sha256\$)|(?<=pbkdf2_sha1\$))" + _PART + r"))(?:\$" + _PART
                   + r")*\$[A-Za-z0-9./+]{22,}={0,2}(?![\w./+=$])")
"""From a hash's first "$": the scheme and its parts, or Django's parts after its scheme's name."""
_DJANGO = re.compile(r"(?<![\w$])pbkdf2_sha(?:1|256)\Z")
"""Django's scheme's name, before its hash's first "$" (not within a word)."""


class PasswordHashRecognizer:
    """A password's hash by its scheme's name (0.95).

    A recognizer of its own, looked for at each "$": ~2,300 instructions a message of the pii benchmark (cachegrind), a
    third of whose messages hold a price's "$". As the SECRET recognizer's patterns it cost more: the schemes' names as
    triggers in the one scan ~2,500, a "$" as a trigger it spells ~7,200 (every price then ran its search for triggers).
    """

    entity = "SECRET"

    applies = operator.methodcaller("__contains__", "$")
    """A text with a "$", tested without a frame of Python's."""

    def find(self, text: str) -> list[Finding]:
        """The hashes, tried at each "$" (found by str.find: the regex engine's search cost each message of the pii
        benchmark ~1,600 instructions, a third of whose messages hold a price's "$")."""
        hashes = []
        at = text.find("$")
        while at != -1:
            found = _HASH.match(text, at)
            if found is None:
                at = text.find("$", at + 1)
                continue
            start = at
            if found["django"] is not None:
                scheme = _DJANGO.search(text, max(0, at - len("pbkdf2_sha256")), at)
                start = scheme.start() if scheme is not None else -1
            if start != -1:
                hashes.append(Finding(self.entity, start, found.end(), text[start:found.end()], 0.95))
            at = text.find("$", found.end())
        return hashes
