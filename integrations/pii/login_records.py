"""Where a system's logs and tools name an account, as a person pastes them to ask "was I hacked?" or "why denied?".

sshd's `Accepted publickey for anna from 192.168.1.23`, PAM's `session opened for user anna(uid=1000)`, sudo's
`tom : TTY=pts/0 ; PWD=/opt ; USER=root`, logind's `New session 3 of user maria.`, what `id` prints (`uid=1000(anna)`),
the owner and group of each file `ls -l` lists, `chown -R anna:anna`, the sessions `who` and `last` list, the
processes' owners `ps aux` and `top` list, an account's line in /etc/passwd (`anna:x:1000:1000:Anna Schmidt,,,:…`, its
full name too, account_full_names), a group's members in /etc/group, the account before its password's hash in
/etc/shadow or an .htpasswd, and the commands that make, change or use an account (`sudo usermod -aG gpio anna`,
`su - tom`, `sudo -u anna …`). Not an attacker's guess (`Failed password for invalid user admin`): no account has that
name. Whether a name may be a person's is login_names' to say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words

__all__ = ["ACCOUNT_NAME_WORDS", "LOGIN_RECORD_WORDS", "account_full_names", "login_records"]

NAME = r"\w(?:[\w.\-]{0,62}\w)?"
"""A login name as Unix allows one (and Unicode's letters, as a Mac's may have): a word's characters, dots and dashes
within, not a sentence's last dot."""
_SSH_METHODS = r"password|publickey|keyboard-interactive(?:/pam)?|gssapi-with-mic|gssapi-keyex|hostbased|none"
"""The ways sshd says an account logged in or tried to (not "Accepted offers for Anna from")."""
_ADDRESS = r"(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]+)[ \t]"
"""The address sshd writes after an account's name ("… user anna 192.168.1.23 port 52144")."""
_TTY = r"(?:\?|pts/[0-9]+|tty\w*|console)"
"""A process's terminal as ps lists it: none ("?"), a pseudo-terminal, a console."""
_OPTIONS = r"(?:[ \t]+-[\w\-]*(?:[ \t]+[^\s\-;&|][^\s;&|]*)?)*"
"""A command's options, each maybe with its argument (`-m -s /bin/bash`, `-aG gpio`, `-`)."""
_ACCOUNT_FILE_CUES = (":x:", ":*:")
"""What the lines of /etc/passwd and /etc/group hold: a password's stand-in between colons."""
_PERSON_UID = r"(?:[5-9][0-9]{2}|[1-9][0-9]{3}|[1-5][0-9]{4})"
"""The ids systems give people's accounts, 500-59999 (a Mac's from 501, Linux's from 1000; below, the system's own
accounts, `www-data`'s 33; above, `nobody`'s 65534)."""
_PERSONS_ACCOUNT = r":[x*]:" + _PERSON_UID + r":[0-9]+:"
"""What follows a person's account's name in /etc/passwd: the password's stand-in, its id, its group's."""
_RECORDS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    # sshd: "Accepted publickey for anna from", "Disconnected from user anna 192.168.1.23 port 52144", "Connection
    # closed by authenticating user anna 203.0.113.9 port 22 [preauth]"; not "… for invalid user admin from"
    (("ssh",), re.compile(r"\b(?:Accepted|Failed|Postponed)[ \t]+(?:" + _SSH_METHODS + r")[ \t]+for[ \t]+(" + NAME
                          + r")[ \t]+from[ \t]|\b(?:from|by)[ \t]+(?:authenticating[ \t]+)?user[ \t]+(" + NAME
                          + r")[ \t]+" + _ADDRESS)),
    # PAM: "session opened for user anna(uid=1000) by (uid=0)", "session closed for user anna"
    (("session opened", "session closed"),
     re.compile(r"\bsession[ \t]+(?:opened|closed)[ \t]+for[ \t]+user[ \t]+(" + NAME + r")")),
    # sudo: "sudo:     tom : TTY=pts/0 ; PWD=/opt ; USER=root ; COMMAND=…"; PAM's "tty=ssh ruser= rhost=… user=anna"
    (("tty=",), re.compile(r"\bsudo(?:\[[0-9]+\])?:[ \t]+(" + NAME + r")[ \t]+:[ \t]"
                           r"|(?<![\w\-])(?:user|logname|USER)=(" + NAME + ")")),
    # logind and systemd: "New session 3 of user maria.", "Started Session 3 of User maria."
    (("of user ",), re.compile(r"\b[Ss]ession[ \t]+[\w\-]+[ \t]+of[ \t]+[Uu]ser[ \t]+(" + NAME + ")")),
    # id: "uid=1000(anna) gid=1000(anna) groups=1000(anna),27(sudo)", the groups' names too
    (("uid=",), re.compile(r"(?<![\w\-])(?:[ug]id=|groups=|,)[0-9]+\((" + NAME + r")\)")),
    # ls -l: "-rw-r--r-- 1 anna anna 4096 Dec  7 10:00 config.yaml", a Mac's "drwxr-xr-x@ 5 anna  staff  160 …"
    (("rw-", "rwx", "r--"), re.compile(r"^[ \t]*[-dlcbps][rwxsStT\-]{9}[.+@]?[ \t]+[0-9]+[ \t]+(" + NAME + r")[ \t]+("
                                       + NAME + r")[ \t]+[0-9]", re.MULTILINE)),
    # chown as a command: "sudo chown -R anna:anna /opt/roost", "chown tom file.txt"; not "fix chown abort"
    (("chown",), re.compile(r"(?:^|\bsudo[ \t]+|[$#>;&|`(][ \t]*)chown(?:[ \t]+-[\w\-]+)*[ \t]+(" + NAME
                            + r")(?::(" + NAME + r")?[ \t]|[ \t]+(?:-[\w\-]+[ \t]+)*[^\s]*[/.~$])", re.MULTILINE)),
    # who, last: "anna     pts/0        2026-12-07 10:01 (192.168.1.23)", "tom      ttys000  Dec  7 10:01"
    (("pts/", "tty"), re.compile(r"^(" + NAME + r")[ \t]+(?:pts/[0-9]+|ttys?[0-9]+|console)[ \t]",
                                      re.MULTILINE)),
    # /etc/passwd: "anna:x:1000:1000:Anna Schmidt,,,:/home/anna:/bin/bash", a person's account only (_PERSON_UID);
    # /etc/group's members: "sudo:x:27:anna,tom"
    (_ACCOUNT_FILE_CUES, re.compile(r"^(" + NAME + r")" + _PERSONS_ACCOUNT + r"[^:\n]*:[^:\n]*:[^:\n]*$"
                                r"|^" + NAME + r":[x*]?:[0-9]+:((?:" + NAME + r",)*" + NAME + r")\r?$", re.MULTILINE)),
    # /etc/shadow, an .htpasswd, Mosquitto's passwords: the account before its password's hash, "anna:$y$j9T$…:19700:…"
    ((":$",), re.compile(r"^(" + NAME + r"):\$[\w./+=,$\-]{20,}(?::|\r?$)", re.MULTILINE)),
    # the commands that make, change or use an account: "sudo useradd -m -s /bin/bash lena", "sudo usermod -aG gpio
    # anna", "passwd maria", "su - tom" (its last word, after options only), "sudo adduser anna gpio" (its first),
    # "sudo -u anna …"
    (("useradd", "usermod", "userdel", "passwd", "chsh", "chfn", "su ", "adduser", "deluser", "-u "),
     re.compile(r"(?:^|[$#>;&|(][ \t]*|\bsudo[ \t]+)(?:(?:useradd|usermod|userdel|passwd|chsh|chfn|su)" + _OPTIONS
                + r"[ \t]+(" + NAME + r")[ \t]*(?:$|[;&|])|(?:adduser|deluser)(?:[ \t]+--?[\w\-]+)*[ \t]+(" + NAME
                + r"))|\b(?:sudo|crontab|runuser)(?:[ \t]+-[\w\-]+)*[ \t]+-u[ \t]+(" + NAME + r")[ \t]", re.MULTILINE)),
    # ps aux, ps -ef (a name too long for its column cut with a "+"), top: "anna  4321  2.1  1.5 912344 60112 ?  Sl
    # 10:02  1:12 python3", "anna  4321  1  0 10:02 ?  00:01:12 python3", "  4321 anna  20  0  912344  60112 …"
    (("cpu %mem", "stime tty", "pid user", "grep"),
     re.compile(r"^(" + NAME + r")\+?[ \t]+[0-9]+[ \t]+(?:[0-9]+\.[0-9][ \t]+[0-9]+\.[0-9][ \t]+[0-9]+[ \t]+[0-9]+"
                r"[ \t]+" + _TTY + r"[ \t]+[DIRSTWXZt][<NLsl+]*|[0-9]+[ \t]+[0-9]+[ \t]+[\w:]+[ \t]+" + _TTY
                + r"[ \t]+[0-9]+:[0-9]{2}:[0-9]{2})[ \t]|^[ \t]*[0-9]+[ \t]+(" + NAME + r")\+?[ \t]+(?:[0-9]+|rt)[ \t]+"
                r"-?[0-9]+(?:[ \t]+[0-9.]+[kmgtp]?){3}[ \t]+[DIRSTZt][ \t]", re.MULTILINE)),
)
"""Each record's regex, looked for only in a text with one of its words: the name in each group that matched."""
LOGIN_RECORD_WORDS = Words(*{cue for cues, _ in _RECORDS for cue in cues})
"""What a text with a record that names an account holds, as the scan looks for it (each begins with a letter other
words of the scan begin with: a new first letter makes the scan stop at more places, context.py)."""


def login_records(text: str) -> Iterator[tuple[int, int]]:
    """Where the records in text name an account, as (start, end): each record looked for where one of its words is."""
    present = {cue for _, cue in LOGIN_RECORD_WORDS.occurrences(text)}
    for cues, record in _RECORDS:
        if present.intersection(cues):
            for found in record.finditer(text):
                for group in range(1, (record.groups or 0) + 1):
                    at = found.start(group)
                    for name in found[group].split(",") if at != -1 else ():  # a group's members
                        yield at, at + len(name)
                        at += len(name) + 1


ACCOUNT_NAME_WORDS = Words(*_ACCOUNT_FILE_CUES)
"""What a text with /etc/passwd's lines holds, as the scan looks for it."""
_FULL_NAME = re.compile(r"^" + NAME + _PERSONS_ACCOUNT + r"([^:,\n]+)", re.MULTILINE)
"""A person's account's line in /etc/passwd and its full name, the first part of its comment (GECOS) field."""


def account_full_names(text: str) -> Iterator[tuple[int, int]]:
    """Where /etc/passwd's lines give a person's account's full name, as (start, end); whether it is a name is
    names.py's to say."""
    if ACCOUNT_NAME_WORDS.anywhere(text):
        for found in _FULL_NAME.finditer(text):
            yield found.span(1)
