"""What a developer pastes, for the pii evaluation: login names (USERNAME) in a traceback's path, a prompt, an SSH
login, a system's log and what its tools print, /etc/passwd, an SQL `INSERT`, the commands that use an account,
passwords' hashes (SECRET), and people's names (PERSON) in git's identity, a file's header, a copyright, a commit's
trailer, /etc/passwd's full names, an `INSERT`, a JSON record, Home Assistant's `person:` list; with the hard negatives
beside them (the accounts everybody has, a system's paths, companies' copyrights, a documentation's stand-ins, products'
and lights' names)."""

from __future__ import annotations

import random
import string
import unicodedata
from collections.abc import Callable

from pii_values import FIRST_NAMES, LAST_NAMES, person

__all__ = ["DEVELOPER", "DEVELOPER_NEGATIVE", "login_name", "password_hash"]


def _plain(name: str) -> str:
    """A name as a login may hold it: lower case, ASCII, without spaces, hyphens or apostrophes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(char for char in ascii_name.lower() if char.isalnum()) or "anna"


def password_hash(rng: random.Random) -> str:
    """A password's hash as crypt(3), Apache, Argon2 and Django write it: its scheme's name, parameters, salt, hash."""
    def b64(count: int) -> str:
        return "".join(rng.choice(string.ascii_letters + string.digits + "./") for _ in range(count))
    return rng.choice((f"$y$j9T${b64(22)}${b64(43)}", f"$6${b64(16)}${b64(86)}", f"$2b$12${b64(53)}",
                       f"$apr1${b64(8)}${b64(22)}", f"$argon2id$v=19$m=65536,t=3,p=4${b64(22)}${b64(43)}",
                       f"pbkdf2_sha256$600000${b64(22)}${b64(43)}="))


def login_name(rng: random.Random) -> str:
    """A login name as people choose theirs: a first name, an initial and a family name, both with a dot or an
    underscore, a first name and an initial or a number."""
    first, last = _plain(rng.choice(FIRST_NAMES)), _plain(rng.choice(LAST_NAMES))
    return rng.choice((first, f"{first[0]}{last}", f"{first}.{last}", f"{first}_{last}", f"{first}{last[0]}",
                       f"{first}{rng.randint(1, 99)}"))


DEVELOPER: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("USERNAME", login_name, [
        'Traceback (most recent call last):\n  File "/home/{v}/roost/app.py", line 3, in <module>',
        "{v}@raspberrypi:~ $ sudo systemctl status roost", r"PS C:\Users\{v}\Desktop> python app.py",
        "rsync -av ./backup/ {v}@nas:/volume1/backup/", "open /Users/{v}/Library/Logs/roost.log",
        "sshd[812]: pam_unix(sshd:session): session opened for user {v}(uid=1000) by (uid=0)",
        "sudo:    {v} : TTY=pts/0 ; PWD=/opt/roost ; USER=root ; COMMAND=/usr/bin/systemctl restart roost",
        "-rw-r--r-- 1 {v} staff 812 Dec  7 10:00 config.yaml", "systemd-logind[512]: New session 3 of user {v}.",
        "{v}:x:1001:1001:,,,:/mnt/nas/home:/bin/bash", "sudo:x:27:pi,{v}",
        "$ ps aux | grep roost\n{v}  4321  2.1  1.5 912344 60112 ?  Sl  10:02  1:12 python3 -m roost run",
        "INSERT INTO accounts (username, created) VALUES ('{v}', now());", "sudo usermod -aG gpio {v}", "su - {v}",
        "sudo -u {v} python3 -m roost run",
    ]),
    ("SECRET", password_hash, [
        "pi:{v}:19700:0:99999:7:::", "UPDATE users SET pw = '{v}' WHERE id = 7;", "mosquitto_passwd wrote pi:{v}",
    ]),
    ("PERSON", person, [
        'git config --global user.name "{v}"', "# Author: {v}\n# Date: 2026-12-07", "Copyright (c) 2024-2026 {v}",
        '__author__ = "{v}"', "//  Created by {v} on 07.12.26.", "/**\n * Reads the config.\n * @author {v}\n */",
        "Fix the parser\n\nReviewed-by: {v}", "pi:x:1000:1000:{v},,,:/home/pi:/bin/bash",
        "INSERT INTO users (name, email) VALUES (\"{v}\", NULL);", '{{"id": 7, "name": "{v}", "email": null}}',
        "person:\n  - name: {v}\n    id: p1\n    device_trackers: []",
    ]),
]


DEVELOPER_NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: f"pi@raspberrypi:~ $ ls /home/pi/roost/{r.choice(['config', 'logs', 'models'])}",
    lambda r: f"drwxr-xr-x {r.randint(2, 9)} root root 4096 Dec  7 10:00 {r.choice(['.', '..', 'www', 'roost'])}",
    lambda r: f"sudo chown -R $USER:$USER ~/.roost && chmod {r.choice(['600', '700'])} ~/.roost",
    lambda r: f'  File "/usr/lib/python3.11/asyncio/runners.py", line {r.randint(10, 400)}, in run',
    lambda r: f"Copyright (c) 2001-20{r.randint(10, 26)} Python Software Foundation",
    lambda r: f"Copyright {r.randint(2010, 2026)} {r.choice(['Google LLC', 'The Go Authors', 'Raspberry Pi Ltd'])}",
    lambda r: f"Copyright (c) Meta Platforms, Inc. and affiliates. Version {r.randint(1, 9)}.{r.randint(0, 9)}",
    lambda r: f"Set user.name to your name, e.g. git config user.name \"<your name>\" (step {r.randint(1, 5)})",
    lambda r: f"www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:{r.randint(100, 999)}::/:/bin/sh",
    lambda r: f"root  1  0.{r.randint(0, 9)}  0.1 167744 11520 ?  Ss  Dec07  0:03 /sbin/init\n$ ps aux | grep roost",
    lambda r: f"INSERT INTO products (name, price) VALUES ('{r.choice(['Roost Box', 'Lamp'])}', {r.randint(5, 99)});",
    lambda r: f'{{"name": "Living Room", "owner": {{"email": null}}, "brightness": {r.randint(0, 255)}}}',
    lambda r: f"Reported-by: syzbot\nTested-by: Kernel CI Team (run {r.randint(1, 999)})",
    lambda r: f"A hash looks like $6$salt$hash; {r.choice(['passwd file is gone', 'sudo passwd', 'sudo -u pi -H'])}",
    lambda r: f"root:*:{r.randint(19000, 20000)}:0:99999:7:::\nPrice: ${r.randint(1, 9)}$ each",
]
