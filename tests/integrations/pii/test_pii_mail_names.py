"""Names where e-mail writes them: a mailbox's display name, a forwarded message's header lines, a reply's attribution."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import default_registry


def people(text: str) -> list[str]:
    """The PERSON findings the whole registry keeps in text."""
    return [f.text for f in default_registry().analyze(text) if f.entity == "PERSON"]


@pytest.mark.parametrize(("text", "found"), [
    ("From: Anna Schmidt <anna.schmidt@example.com>", ["Anna Schmidt"]),
    ('Reply-To: "Schmidt, Anna" <anna@example.com>', ["Schmidt, Anna"]),
    ("To: Anna <anna@example.com>", ["Anna"]),  # one word: the address holds it
    ("On Mon, 12 Mar 2024 at 10:15, Anna Schmidt <anna@example.com> wrote:\n> hi", ["Anna Schmidt"]),
    ("On Mon, Mar 12, 2024 at 10:15 AM Anna Schmidt wrote:\n> hi", ["Anna Schmidt"]),
    ("Am 12.03.2024 um 10:15 schrieb Anna Schmidt:\n> Hallo Tom", ["Anna Schmidt"]),
    ("Le lun. 12 mars 2024 à 10:15, Anna Schmidt <anna@example.com> a écrit :", ["Anna Schmidt"]),
    ("-----Original Message-----\nFrom: Tom Becker\nSent: Monday, March 12, 2024 10:15 AM\n"
     "To: Anna Schmidt; Maria Rossi\nSubject: Budget", ["Tom Becker", "Anna Schmidt", "Maria Rossi"]),
    ("Anna Schmidt wrote:\n> See you Monday, Anna", ["Anna Schmidt", "Anna"]),  # and where the text repeats it
    ("Copyright 2020 John Smith <john@example.com>", ["John Smith"]),  # the display name after a year
])
def test_names_where_email_writes_them(text: str, found: list[str]) -> None:
    assert people(text) == found


@pytest.mark.parametrize("text", [
    "From: GitHub <noreply@github.com>",  # one word its address does not hold: a company's
    "From: Acme Support <support@acme.com>", "From: Mail Delivery Subsystem <mailer-daemon@example.com>",
    "Someone wrote:\n> hi", "The user wrote:\n> hi", "Note:\nSomething happened:\n> quoted",
    "Error: Something Failed\nSubject: Test\nTo: Do list",  # a header's value of one word in lower case
    "From: Tom Becker\nTo: Anna Schmidt",  # header lines without a subject's: no message's header block
])
def test_what_is_no_name_in_a_mail_stays(text: str) -> None:
    assert people(text) == []
