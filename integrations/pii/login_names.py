"""An account's login name (USERNAME) where a text shows one: a home directory's path, a shell's prompt, an SSH login.

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

from .context import Words
from .keyed_names import LOGIN_KEY_WORDS, keyed_logins
from .login_records import LOGIN_RECORD_WORDS, NAME, login_records
from .registry import Finding
from .tables import table_logins

__all__ = ["LOGIN_WORDS", "LoginNameRecognizer"]

_POSIX_HOME = re.compile(r"(?<![\w.~/\-])(?:file://|/mnt/[A-Za-z]|/var|/usr)?/(?:home|Users)/(" + NAME
                         + r")(?![\w\-])")
"""A home directory's path on Linux, a Mac, a BSD or Windows' Linux (`/mnt/c/Users/anna`), the path's first part (not
a web address's `example.com/home/news`). A name with a dot is a login's only where the path goes on after it: a file's
in `/home/index.js`."""
_WINDOWS_HOME = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]:(\\\\|\\|/)(?i:users|documents and settings)\1"
    r"(?:([^\\/:*?\"<>|\r\n\t]{1,64}?)\1|(" + NAME + r")(?![\w\-]))"
)
"""A profile's folder on Windows, its backslashes maybe doubled as a string in code writes them: a name with spaces only
when the path goes on after it (`C:\\Users\\Anna Schmidt\\Desktop`)."""
_PROMPT = re.compile(r"[ \t]*(?:\([\w.\-]+\)[ \t]*)?\[?(" + NAME + r")@[\w\-]+(?:\.[\w\-]+)*"
                     r"(?::|[ \t]+(?:(?:MINGW|MSYS|UCRT|CLANG)\w*[ \t]+)?)[~/]")
"""A shell's prompt as a line begins: `anna@raspberrypi:~ $`, `(venv) anna@host:/etc#`, Git for Windows' `anna@DESKTOP-1
MINGW64 ~/project`, and in a text with another sign `[anna@fedora ~]$`, `anna@Annas-MacBook-Pro ~ %`."""
_SSH_COMMANDS = ("ssh", "scp", "sftp", "rsync", "mosh")
"""The commands that log in over SSH (and those whose names begin with one: `sshfs`, `ssh-copy-id`)."""
_SSH = re.compile(r"(?<![\w\-])(?:auto)?(?:" + "|".join(_SSH_COMMANDS) + r")(?:fs|-copy-id)?(?:[ \t]|://)")
"""A command or a web address that logs in over SSH, before its `anna@nas` on the same line."""
_NAME_CHARACTER = re.compile(r"[\w.\-]")
_LOGIN = re.compile(NAME + r"@[\w\[]")
"""A login name, an `@` and a host's first character."""
LOGIN_WORDS = Words(":~", ":/", "mingw", "ome/", "users/", "users\\", "documents and settings", *_SSH_COMMANDS,
                    *LOGIN_RECORD_WORDS.cues, *LOGIN_KEY_WORDS.cues)
"""What a text with a home directory's path, a prompt or an SSH login holds, as the scan looks for it: `ome/` for
`/home/` (no other word begins with an h, which would make it stop at every h of a text), `users/` and `users\\` for a
Mac's `/Users/` and Windows' `C:\\Users\\`, the colon before a prompt's path, Git for Windows' `MINGW64`, a command's
name, a system's record of an account (login_records) or a key's (keyed_names). Not an `@` alone: the e-mail
addresses of the pii benchmark's messages made each of them cost ~2,000 instructions more (cachegrind); nor a `~` alone
(`[anna@fedora ~]$`), a character no other word begins with, ~700. The records' words cost nothing measured
(375,273-375,320 instructions a message against 375,313-375,318)."""
_NOBODYS = frozenset((
    "pi", "ubuntu", "debian", "admin", "administrator", "root", "runner", "vagrant", "centos", "fedora", "opc",
    "homeassistant", "linuxbrew", "shared", "public", "default", "default user", "all users", "defaultapppool", "you",
    "me", "git", "guest", "nobody", "travis", "circleci", "jenkins", "docker", "postgres", "www-data", "ansible",
    "alarm", "dietpi", "osmc", "pirate", "orangepi", "odroid", "jovyan", "test", "localhost", "example", "name",
    "foo", "bar", "xxx", "johndoe", "janedoe", "jdoe", "someone", "somebody", "myself", "him", "her", "all", "hadoop",
    "jupyter", "node", "docs", "local", "staff", "wheel", "sudo", "adm", "daemon", "bin", "sys", "nogroup", "mail",
    "sshd", "syslog", "messagebus", "mysql", "redis", "nginx", "mosquitto", "avahi", "polkitd", "lp", "video", "audio",
    "plugdev", "netdev", "dialout", "input", "gpio", "i2c", "spi", "render", "tty", "disk", "kmem", "crontab",
    "cdrom", "floppy", "dip", "lpadmin", "lxd", "sambashare", "games", "bluetooth", "kvm", "libvirt", "scanner",
    "wireshark", "everyone", "access_bpf", "uucp", "operator", "proxy", "backup", "list", "irc", "gnats", "man", "ftp",
    "none", "sync", "news", "tss", "pulse", "rtkit", "colord", "saned", "dnsmasq", "lightdm", "ntp", "chrony",
    "postfix", "sub", "id", "current", "aws", "developer", "anonymous",
))
"""The accounts systems, images and services make for everybody, and the stand-ins documentation writes for anyone's
name (a `user`, `your…`, `test…` one too: `YOUR_USERNAME`, `yourname`, `testuser`), and the groups and services'
accounts `ls -l` and `id` show (a Mac's `_www`, `systemd-network`)."""


_A_USER = re.compile(r"(?<![a-z])user|user(?![a-z])|username")
"""A stand-in's "user" (`user1`, `testuser`, `my_user`, `dbusername`), not letters of a name (`magnusericson`)."""


def _somebodys(name: str) -> bool:
    """Whether a login name may be a person's: not one everybody has, no stand-in, two characters or more, a letter."""
    lowered = name.lower()
    return (len(name) > 1 and lowered not in _NOBODYS and _A_USER.search(lowered) is None
            and not lowered.startswith(("your", "_", "systemd-", "test")) and any(char.isalpha() for char in name))


class LoginNameRecognizer:
    """A login name in a home directory's path (0.9), a shell's prompt or an SSH login (0.85)."""

    entity = "USERNAME"

    applies = LOGIN_WORDS.anywhere
    """A text with a home directory's path, a profile's folder, a prompt's colon or an SSH command: the words' own
    test, which the registry calls with no frame of this class's between (~500 instructions less a message)."""

    def find(self, text: str) -> list[Finding]:
        """The login names that may be a person's, each place looked for only in a text with its sign: a first version
        ran the paths' regexes over every text with an `@`, ~22,000 instructions a message of the pii benchmark."""
        spans: list[tuple[int, int, float]] = []
        if "/home/" in text or "/Users/" in text:
            spans.extend(_posix_homes(text))
        if ":\\" in text or ":/U" in text or ":/u" in text or ":/D" in text or ":/d" in text:
            spans.extend(_windows_homes(text))
        if "@" in text:
            spans.extend(_logins(text, ssh=any(command in text for command in _SSH_COMMANDS)))
        if LOGIN_RECORD_WORDS.anywhere(text):
            spans.extend((start, end, 0.85) for start, end in login_records(text))
        if LOGIN_KEY_WORDS.anywhere(text):
            spans.extend((start, end, 0.85) for start, end in (*keyed_logins(text), *table_logins(text)))
        return [Finding(self.entity, start, end, text[start:end], confidence) for start, end, confidence in spans
                if _somebodys(text[start:end])]


def _posix_homes(text: str) -> Iterator[tuple[int, int, float]]:
    """The names of home directories on Linux, a Mac or a BSD."""
    for found in _POSIX_HOME.finditer(text):
        if "." not in found.group(1) or text.startswith("/", found.end()):
            yield found.start(1), found.end(1), 0.9


def _windows_homes(text: str) -> Iterator[tuple[int, int, float]]:
    """The names of profiles' folders on Windows."""
    for found in _WINDOWS_HOME.finditer(text):
        if found.group(2) is not None:
            if found.group(2) == found.group(2).strip():
                yield found.start(2), found.end(2), 0.9
        elif "." not in found.group(3):
            yield found.start(3), found.end(3), 0.9


def _logins(text: str, ssh: bool) -> Iterator[tuple[int, int, float]]:
    """The names before the `@`s of shells' prompts, and of SSH logins if the text names a command for one."""
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
