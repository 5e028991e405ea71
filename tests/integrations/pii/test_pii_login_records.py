"""Login names (USERNAME) where a system's logs and tools name an account: sshd, PAM, sudo, logind, id, ls -l, chown,
who, last, ps, top, /etc/passwd (and its full names, PERSON), /etc/group, /etc/shadow and the commands that make,
change or use an account."""

from __future__ import annotations

import pytest

from integrations.pii.engine import PiiSanitizer
from integrations.pii.recognizers import default_registry


def logins(text: str) -> list[str]:
    """The USERNAME findings the whole registry keeps in text."""
    return [f.text for f in default_registry().analyze(text) if f.entity == "USERNAME"]


@pytest.mark.parametrize(("text", "found"), [
    ("Dec  7 10:01:22 raspberrypi sshd[1234]: Accepted password for annaschmidt from 192.168.1.23 port 52144 ssh2",
     ["annaschmidt"]),
    ("sshd[1234]: Accepted publickey for tom from 192.168.1.23 port 52144 ssh2: ED25519 SHA256:x", ["tom"]),
    ("sshd[1234]: Failed password for maria from 192.168.1.23 port 52144 ssh2", ["maria"]),
    ("sshd[99]: Disconnected from user anna 192.168.1.23 port 52144", ["anna"]),
    ("sshd[99]: Connection closed by authenticating user lena 2001:db8::7 port 4242 [preauth]", ["lena"]),
    ("sshd[1234]: pam_unix(sshd:session): session opened for user annaschmidt(uid=1000) by (uid=0)",
     ["annaschmidt"]),
    ("CRON[812]: pam_unix(cron:session): session closed for user tom", ["tom"]),
    ("sshd[9]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.9  "
     "user=anna", ["anna"]),
    ("Dec  7 10:01:22 nuc sudo:     tom : TTY=pts/0 ; PWD=/opt/roost ; USER=root ; COMMAND=/usr/bin/systemctl",
     ["tom"]),
    ("sudo:   maria : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/opt ; USER=root ; COMMAND=/bin/ls", ["maria"]),
    ("systemd-logind[512]: New session 3 of user maria.", ["maria"]),
    ("systemd[1]: Started session-3.scope - Session 3 of User jonas.", ["jonas"]),
    ("uid=1001(anna) gid=1001(anna) groups=1001(anna),27(sudo),999(docker),995(gpio)", ["anna", "anna", "anna"]),
    ("-rw-r--r-- 1 annaschmidt annaschmidt 4096 Dec  7 10:00 config.yaml", ["annaschmidt", "annaschmidt"]),
    ("drwxr-xr-x@ 5 anna  staff   160 Dec  7 10:00 Projects", ["anna"]),  # a Mac's, its group everybody's
    ("total 8\n-r-------- 1 tom users 411 Dec  7 10:00 id_ed25519", ["tom"]),
    ("sudo chown -R anna:anna /opt/roost", ["anna", "anna"]),
    ("chown tom file.txt", ["tom"]),
    ("anna     pts/0        2026-12-07 10:01 (192.168.1.23)", ["anna"]),  # who
    ("tom      ttys000  192.168.1.5  Mon Dec  7 10:01   still logged in", ["tom"]),  # last, on a Mac
    ("anna:x:1000:1000:Anna Schmidt,,,:/srv/anna:/bin/bash", ["anna"]),  # /etc/passwd
    ("tom:*:501:20:Tom Becker:/Users/Shared/tom:/bin/zsh", ["tom"]),  # a Mac's
    ("maria:x:1002:1002::/srv/maria:/bin/sh", ["maria"]),  # its ids no IPv6 address ("1002:1002::")
    ("sudo:x:27:anna,tom\ndocker:x:999:lena", ["anna", "tom", "lena"]),  # /etc/group's members
    ("anna:$y$j9T$3nP0cX9j1Kq/4Ze$Zq4eM8b1m9sT2vW6yX0aB7cD3eF5gH1iJ2kL4mN6oP8:19700:0:99999:7:::", ["anna"]),  # shadow
    ("sudo useradd -m -s /bin/bash lena && sudo passwd lena", ["lena", "lena"]),
    ("sudo usermod -aG gpio anna\nsu - tom\n$ sudo adduser --disabled-password maria", ["anna", "tom", "maria"]),
    ("sudo -u anna -H python3 app.py\nsudo crontab -u tom -l", ["anna", "tom"]),
    ("$ ps aux | grep roost\nanna        4321  2.1  1.5 912344 60112 ?        Sl   10:02   1:12 python3 -m roost\n"
     "anna        5678  0.0  0.0   6432   720 pts/0    S+   10:05   0:00 grep --color=auto roost", ["anna", "anna"]),
    ("USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n"
     "annaschm+ 4321  2.1  1.5 912344 60112 ?        Sl   10:02   1:12 python3", ["annaschm"]),  # cut by ps
    ("UID          PID    PPID  C STIME TTY          TIME CMD\n"
     "tom          812       1  0 10:02 ?        00:00:01 python3 -m roost run", ["tom"]),  # ps -ef
    ("    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n"
     "   4321 maria     20   0  912344  60112  10240 S   2.1   1.5   1:12.03 python3", ["maria"]),  # top
])
def test_a_record_s_account_is_found(text: str, found: list[str]) -> None:
    assert logins(text) == found


@pytest.mark.parametrize("text", [
    "sshd[99]: Failed password for invalid user admin from 203.0.113.9 port 4242 ssh2",  # an attacker's guess
    "sshd[99]: Connection closed by invalid user oracle 203.0.113.9 port 4242 [preauth]",
    "sshd[99]: Connection closed by authenticating user root 203.0.113.9 port 4242 [preauth]",  # everybody's
    "drwxr-xr-x 2 root root 4096 .\n-rw------- 1 homeassistant homeassistant 812 secrets.yaml",
    "srwxr-xr-x 1 _www _www 0 sock and -rw-r--r-- 1 systemd-network systemd-network 0 x",
    "uid=0(root) gid=0(root) groups=0(root)",
    "sudo chown -R $USER:$USER ~/.roost and sudo chown -R pi:pi /opt/roost and chown 1000:1000 x",
    "I got an email from user bob about ssh keys.",  # no address after the name
    "We accepted offers for Anna from the ssh vendor.",  # no way of logging in
    "It looks pretty good, the tty is fine.",
    "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",  # the system's own
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\npi:x:1000:1000:,,,:/srv/pi:/bin/bash",
    "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\nroot 1 0.0 0.1 167744 11520 ? Ss Dec07 0:03 /sbin/init",
    "grep -r x .\nversion 12 3.4 5.6 7 8 x",  # no process's columns after the name
    "passwd file is missing\nuseradd: user anna already exists\nI tried su tom but",  # no command's options
    "sudo adduser pi gpio\nsudo -u homeassistant -H -s\nsudo passwd\nroot:*:19700:0:99999:7:::",
])

def test_what_names_no_one_s_account_stays(text: str) -> None:
    assert logins(text) == []


@pytest.mark.parametrize(("text", "found"), [
    ("anna:x:1000:1000:Anna Schmidt,,,:/home/anna:/bin/bash", ["Anna Schmidt"]),
    ("tom:*:501:20:Tom Becker,Room 12,555-1234,,:/Users/tom:/bin/zsh", ["Tom Becker"]),
    ("_www:*:70:70:World Wide Web Server:/Library/WebServer:/usr/bin/false", []),  # the system's own
    ("homeassistant:x:1001:1001:Home Assistant,,,:/home/homeassistant:/bin/bash", []),  # not a name's shape
    ("maria:x:1002:1002:maria:/home/maria:/bin/sh", []),  # one word: the login again
])
def test_an_account_s_full_name_in_etc_passwd_is_a_person_s(text: str, found: list[str]) -> None:
    assert [f.text for f in default_registry().analyze(text) if f.entity == "PERSON"] == found


async def test_a_log_s_accounts_become_placeholders_and_come_back(sanitizer: PiiSanitizer) -> None:
    text = ("Dec  7 10:01:22 nuc sshd[1234]: Accepted publickey for annaschmidt from 192.168.1.23 port 52144 ssh2\n"
            "Dec  7 10:01:22 nuc sudo: annaschmidt : TTY=pts/0 ; PWD=/opt ; USER=root ; COMMAND=/bin/ls")
    clean = await sanitizer.sanitize(text, "chat-1")
    assert "annaschmidt" not in clean
    assert clean.count("[USERNAME_1]") == 2
    assert await sanitizer.restore(clean, "chat-1") == text
