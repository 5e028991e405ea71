"""An account's login name (USERNAME) where a text shows one: in a home directory's path, a shell's prompt, an SSH login.

A login name is most often its owner's name or initials, and what people paste into a chat with an assistant shows it
wherever it shows a path or a terminal: a traceback's `File "/home/anna/app/main.py"`, PowerShell's `PS
C:\\Users\\anna.schmidt>`, `C:\\Documents and Settings\\Daniel Jurado\\`, a Raspberry Pi's prompt `anna@raspberrypi:~ $`
(its first boot asks for a user's name), `ssh anna@nas`. Sentry's data scrubbing replaces the one in a path for the same
reason (its `@userpath` rule). The accounts a system or an image makes for everybody (`pi`, `ubuntu`, `runner`,
`Public`) and a documentation's stand-ins (`user`, `yourname`, `$USER`, `<username>`) are nobody's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .registry import Finding

__all__ = ["LoginNameRecognizer"]

_NAME = r"\w(?:[\w.\-]{0,62}\w)?"
"""A login name as Unix allows one (and Unicode's letters, as a Mac's may have): a word's characters, dots and dashes
within, not a sentence's last dot."""
_POSIX_HOME = re.compile(r"(?<![\w.~/\-])(?:file://|/mnt/[A-Za-z]|/var|/usr)?/(?:home|Users)/(" + _NAME + r")(?![\w\-])")
"""A home directory's path on Linux, a Mac, a BSD or Windows' Linux (`/mnt/c/Users/anna`), the path's first part (not
a web address's `example.com/home/news`). A name with a dot is a login's only where the path goes on after it: a file's
in `/home/index.js`."""
_WINDOWS_HOME = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]:(\\\\|\\|/)(?i:users|documents and settings)\1"
    r"(?:([^\\/:*?\"<>|\r\n\t]{1,64}?)\1|(" + _NAME + r")(?![\w\-]))"
)
"""A profile's folder on Windows, its backslashes maybe doubled as a string in code writes them: a name with spaces only
when the path goes on after it (`C:\\Users\\Anna Schmidt\\Desktop`)."""
_PROMPT = re.compile(r"[ \t]*(?:\([\w.\-]+\)[ \t]*)?\[?(" + _NAME + r")@[\w\-]+(?:\.[\w\-]+)*"
                     r"(?::|[ \t]+(?:(?:MINGW|MSYS|UCRT|CLANG)\w*[ \t]+)?)[~/]")
"""A shell's prompt as a line begins: `anna@raspberrypi:~ $`, `[anna@fedora ~]$`, `anna@Annas-MacBook-Pro ~ %`,
`(venv) anna@host:/etc#`, Git for Windows' `anna@DESKTOP-1 MINGW64 ~/project`."""
_SSH = re.compile(r"(?<![\w\-])(?:ssh|scp|sftp|rsync|mosh|sshfs|ssh-copy-id|autossh)(?:[ \t]|://)")
"""A command or a web address that logs in over SSH, before its `anna@nas` on the same line."""
_SSH_WORDS = ("ssh", "scp", "sftp", "rsync", "mosh")
"""What a text with such a command holds: the search for one is made only then."""
_NAME_CHARACTER = re.compile(r"[\w.\-]")
_LOGIN = re.compile(_NAME + r"@[\w\[]")
"""A login name, an `@` and a host's first character."""
_NOBODYS = frozenset((
    "pi", "ubuntu", "debian", "admin", "administrator", "root", "runner", "vagrant", "centos", "fedora", "opc",
    "homeassistant", "linuxbrew", "shared", "public", "default", "default user", "all users", "defaultapppool", "you",
    "me", "git", "guest", "nobody", "travis", "circleci", "jenkins", "docker", "postgres", "www-data", "ansible",
    "alarm", "dietpi", "osmc", "pirate", "orangepi", "odroid", "jovyan", "test", "localhost", "example", "name",
    "foo", "bar", "xxx", "johndoe", "janedoe", "jdoe", "someone", "somebody", "myself", "him", "her", "all", "hadoop",
    "jupyter", "node", "docs", "local",
))
"""The accounts systems, images and services make for everybody, and the stand-ins documentation writes for anyone's
name (a `user`, `your…` one too: `YOUR_USERNAME`, `yourname`)."""


def _somebodys(name: str) -> bool:
    """Whether a login name may be a person's: not one everybody has, no stand-in, two characters or more, a letter."""
    lowered = name.lower()
    return (len(name) > 1 and lowered not in _NOBODYS and "user" not in lowered and not lowered.startswith("your")
            and any(char.isalpha() for char in name))


class LoginNameRecognizer:
    """A login name in a home directory's path (0.9), a shell's prompt or an SSH login (0.85)."""

    entity = "USERNAME"

    def applies(self, text: str) -> bool:
        """A home directory's path or an `@`: substring tests, cheaper than any regex over the text."""
        return ("/home/" in text or "/Users/" in text or "@" in text or "sers\\" in text or "SERS\\" in text
                or "sers/" in text or "SERS/" in text or "ettings" in text or "ETTINGS" in text)

    def find(self, text: str) -> Iterator[Finding]:
        """Yield each login name that may be a person's."""
        for start, end, confidence in self._spans(text):
            name = text[start:end]
            if name == name.strip() and _somebodys(name):
                yield Finding(self.entity, start, end, name, confidence)

    @staticmethod
    def _spans(text: str) -> Iterator[tuple[int, int, float]]:
        """Where a login name may stand, and how sure its place makes it."""
        for found in _POSIX_HOME.finditer(text):
            if "." not in found.group(1) or text.startswith("/", found.end()):
                yield found.start(1), found.end(1), 0.9
        for found in _WINDOWS_HOME.finditer(text):
            if found.group(2) is not None:
                yield found.start(2), found.end(2), 0.9
            elif "." not in found.group(3):
                yield found.start(3), found.end(3), 0.9
        ssh = "@" in text and any(word in text for word in _SSH_WORDS)
        at = text.find("@")
        while at != -1:
            line = text.rfind("\n", 0, at) + 1
            prompt = _PROMPT.match(text, line)
            if prompt is not None and prompt.end(1) == at:
                yield prompt.start(1), at, 0.85
            elif ssh:
                start = _login_start(text, line, at)
                if start is not None and _SSH.search(text, line, start) is not None:
                    yield start, at, 0.85
            at = text.find("@", at + 1)


def _login_start(text: str, line: int, at: int) -> int | None:
    """Where the login name before the `@` at `at` begins, if one stands there after a space, the line's start, an
    address's `//` or an option's `=`, and a host follows."""
    start = at
    while start > line and at - start < 64 and _NAME_CHARACTER.match(text, start - 1):
        start -= 1
    if start > line and text[start - 1] not in " \t/=":
        return None
    found = _LOGIN.match(text, start)
    return start if found is not None and found.end() == at + 2 else None
