"""Passwords' hashes (SECRET) by their schemes' names: /etc/shadow, an .htpasswd, a database's row, Django's."""

from __future__ import annotations

import pytest

from integrations.pii.engine import PiiSanitizer
from integrations.pii.recognizers import default_registry

_YESCRYPT = "$y$j9T$3nP0cX9j1Kq/4Ze$Zq4eM8b1m9sT2vW6yX0aB7cD3eF5gH1iJ2kL4mN6oP8"
_BCRYPT = "$2b$12$KIXQJ8n0x9zF3QeY5l9B8eC1dX6z1yQeH7Jk2m3n4o5p6q7r8s9t0u"
_ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
_DJANGO = "pbkdf2_sha256$600000$d2s7Wbg4yR2F$Vvi7eGbD1UQ3mPqgX+v8nI1yZ2cH4kT6oS0rW5jA9uE="
_SHA512 = ("$6$rounds=5000$saltsaltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2x"
           "S0ktL3nh/")


def secrets(text: str) -> list[str]:
    """The SECRET findings the whole registry keeps in text."""
    return [f.text for f in default_registry().analyze(text) if f.entity == "SECRET"]


@pytest.mark.parametrize(("text", "secret"), [
    (f"anna:{_YESCRYPT}:19700:0:99999:7:::", _YESCRYPT),  # /etc/shadow
    (f"tom:{_SHA512}:19000:0:99999:7:::", _SHA512),  # its rounds
    ("pi:$2b$12$OCPjb0gIq2tiqFOvkzs1H2hib4hjIlUWTXWN62P459Ko3uER1s/pw:19700:0:99999:7:::",  # "pw" no password's name
     "$2b$12$OCPjb0gIq2tiqFOvkzs1H2hib4hjIlUWTXWN62P459Ko3uER1s/pw"),
    ("anna:$apr1$r31.2hxU$HqJZimcKQFAMYayBlzkrA/", "$apr1$r31.2hxU$HqJZimcKQFAMYayBlzkrA/"),  # an .htpasswd
    (f"UPDATE users SET pw = '{_BCRYPT}' WHERE id = 7;", _BCRYPT),
    (f"hash: {_ARGON2}", _ARGON2),
    (f"the hash is {_DJANGO}", _DJANGO),  # Django's: its scheme's name before the first "$"
])
def test_a_password_s_hash_is_found_by_its_scheme(text: str, secret: str) -> None:
    assert secrets(text) == [secret]


@pytest.mark.parametrize("text", [
    "The hash looks like $6$salt$hash in /etc/shadow.",  # a documentation's: too short
    "Price: $5$ per item; echo $HOME $PATH and $1$ each",
    "pbkdf2_sha256 is Django's default hasher",
    "xpbkdf2_sha256$600000$d2s7Wbg4yR2F$Vvi7eGbD1UQ3mPqgX+v8nI1yZ2cH4kT6oS0rW5jA9uE=",  # no scheme within a word
])
def test_what_only_begins_like_a_password_s_hash_stays(text: str) -> None:
    assert secrets(text) == []


async def test_a_shadow_line_s_account_and_hash_become_placeholders(sanitizer: PiiSanitizer) -> None:
    text = f"annaschmidt:{_YESCRYPT}:19700:0:99999:7:::"
    clean = await sanitizer.sanitize(text, "chat-1")
    assert clean == "[USERNAME_1]:[SECRET_1]:19700:0:99999:7:::"
    assert await sanitizer.restore(clean, "chat-1") == text
