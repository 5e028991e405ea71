"""Login names (USERNAME) in home directories' paths, shells' prompts and SSH logins."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from integrations.pii.engine import PiiSanitizer
from integrations.pii.logfilter import PiiLogFilter
from integrations.pii.recognizers import default_registry


def logins(text: str) -> list[tuple[str, float]]:
    """The USERNAME findings the whole registry keeps in text, with their confidence."""
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "USERNAME"]


@pytest.mark.parametrize(("text", "login"), [
    ('Traceback (most recent call last):\n  File "/home/annaschmidt/app/main.py", line 3', "annaschmidt"),
    ("The config is at /home/anna/.roost/config.yaml.", "anna"),
    ("cd /home/anna", "anna"),
    ("HOME=/home/anna.schmidt/ python x.py", "anna.schmidt"),  # a dot within, the path going on
    ("open file:///Users/maria/Desktop/report.pdf", "maria"),
    ("/Users/Jörg/Library/Logs/x.log", "Jörg"),
    ("/mnt/c/Users/Tom/Downloads/file.zip", "Tom"),  # Windows' disk seen from its Linux
    ("PATH=/usr/bin:/var/home/lena/.local/bin", "lena"),
    (r"PS C:\Users\anna.schmidt\Desktop> python app.py", "anna.schmidt"),
    (r"C:\Documents and Settings\Daniel Jurado\Meus documentos\x.jar", "Daniel Jurado"),
    (r'"path": "C:\\Users\\mario.rossi\\AppData\\Local\\Temp\\x.log"', "mario.rossi"),  # as a JSON string
    ('setwd("C:/Users/Jean-Pierre/Documents")', "Jean-Pierre"),
    (r"c:\users\kim", "kim"),
    ('  File "/home/magnusericson/roost/app.py", line 3', "magnusericson"),  # "user" among a name's letters
])
def test_a_home_directory_s_login_name_is_found(text: str, login: str) -> None:
    assert logins(text) == [(login, 0.9)]


@pytest.mark.parametrize(("text", "login"), [
    ("anna@raspberrypi:~ $ sudo systemctl status roost", "anna"),
    ("[anna@fedora ~]$ ssh-add", "anna"),  # no colon, but a command's sign: the prompt is looked for
    ("(venv) tom@nuc:/opt/roost# roost run", "tom"),
    ("anna@DESKTOP-4F2K MINGW64 ~/project (main)", "anna"),
    ("ssh anna@nas", "anna"),
    ("rsync -av ./ anna@nas:/backup/", "anna"),
    ("ssh -i ~/.ssh/id_ed25519 -o User=x anna@[fe80::1]", "anna"),
])
def test_a_prompt_s_or_an_ssh_login_s_name_is_found(text: str, login: str) -> None:
    assert logins(text) == [(login, 0.85)]


@pytest.mark.parametrize("text", [
    "pi@raspberrypi:~ $ ls",  # the accounts an image makes for everybody
    "/home/pi/roost and /Users/Shared/y and /home/runner/work and /home/ubuntu/x",
    r"C:\Users\Public\Desktop and C:\Users\Default\x and C:\Documents and Settings\All Users\y",
    "/home/$USER/ and /home/<user>/ and /home/YOUR_USERNAME/ and /home/yourname/ and /home/username/x",
    r"C:\Users\%USERNAME%\AppData and C:\Users\<you>\x",
    "https://example.com/home/news and https://github.com/Users/foo and ./home/anna/x",  # no home directory's path
    "GET /users/12345 and C:\\Users\\ and /home/ alone and /home/u/venv",
    "/home/index.js and /home/guido.foobar.txt",  # files, not home directories
    "write to anna@example.com about ssh keys",  # an e-mail address's
    "Email me: anna@tom.de",
    "ssh git@github.com",
    "anna@nas",  # neither a prompt nor a login's command
    "[anna@fedora ~]$ ls",  # a prompt with no colon before its path, and no other sign (README, Not done yet)
    "/home/testuser/x and /home/my_user/x and /home/dbusername/x and /home/user1/x",  # stand-ins
])
def test_what_is_no_login_name_stays(text: str) -> None:
    assert logins(text) == []


def test_an_e_mail_address_in_a_login_s_command_stays_one() -> None:
    text = "ssh anna@nas.example.com"
    assert [(f.entity, f.text) for f in default_registry().analyze(text)] == [("EMAIL", "anna@nas.example.com")]


async def test_a_path_s_login_name_becomes_a_placeholder_and_comes_back(sanitizer: PiiSanitizer) -> None:
    text = 'File "/home/annaschmidt/app/main.py", line 3 and /home/annaschmidt/.roost'
    clean = await sanitizer.sanitize(text, "chat-1")
    assert clean == 'File "/home/[USERNAME_1]/app/main.py", line 3 and /home/[USERNAME_1]/.roost'
    assert await sanitizer.restore(clean, "chat-1") == text


def test_a_log_line_s_path_keeps_no_login_name(sanitizer: PiiSanitizer, tmp_path: Path) -> None:
    logger = logging.getLogger("roost.test.pii.logins")
    logger.propagate = False
    handler = logging.FileHandler(tmp_path / "roost.log", encoding="utf-8")
    handler.addFilter(PiiLogFilter(sanitizer))
    logger.addHandler(handler)
    try:
        logger.warning("cannot read %s", "/home/annaschmidt/.roost/config.yaml")
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert (tmp_path / "roost.log").read_text(encoding="utf-8") == "cannot read /home/[USERNAME]/.roost/config.yaml\n"
