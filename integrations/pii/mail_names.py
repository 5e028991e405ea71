"""Where e-mail writes people's names, as a message pasted into a chat holds them: a mailbox's display name ("Anna
Schmidt <anna@example.com>", '"Schmidt, Anna" <anna@example.com>'), the header lines of a message forwarded or quoted
("From: Tom Becker", "To: Anna Schmidt; Tom Becker"), and who wrote a reply's quoted text ("On Mon, 12 Mar 2024 at
10:15, Anna Schmidt wrote:", "Am 12.03.2024 um 10:15 schrieb Anna Schmidt:").

Only where a person's name may stand: a display name of one word only when its address holds it ("Anna
<anna@example.com>", not "GitHub <noreply@github.com>"), none that ends as a company's mailboxes do ("Acme Support",
"The Roost Team"); in a header line without an address, names of two words or more. Whether the words are a name's
is names.py's to say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words

__all__ = ["COMPANY_ENDS", "mail_names"]

_ADDRESS = re.compile(r"<(?P<local>[^<>@\s]+)@[^<>\s]+>")
"""A mailbox's address, in angle brackets."""
_DISPLAY_NAME = re.compile(r"(?:\"(?P<quoted>[^\"\n<>@]{2,60})\"|(?<!\w)(?P<plain>[^\W\d_][^\n<>@\",;:()0-9]{0,58}?))"
                           r"[ \t]*\Z")
"""A mailbox's display name, quoted or not, right before its address: looked for in the characters before each
address (a search of the whole text from every letter cost as much as the rest of its analysis)."""
_HEADER = re.compile(r"^[ \t>]*(?:From|To|Cc|CC|Bcc|Reply-To|Von|An|De|À|Para|Da|Van|Aan)[ \t]*:[ \t]*(?P<value>.+)$",
                     re.MULTILINE)
"""A header line of a message (in English, German, French, Spanish and Portuguese, Italian, Dutch), maybe quoted."""
_ATTRIBUTION = re.compile(
    r"(?:^[ \t>]*|,[ \t]+|(?<=[0-9])[ \t]+(?![AaPp]\.?[Mm]\b)|(?<=[AaPp][Mm])[ \t]+"
    r"|[ \t](?:schrieb|a[ \t]+écrit)[ \t]+)"
    r"(?P<name>[^\W\d_a-z][^\n<>@,:]{0,60}?)(?:[ \t]+<[^<>\n]+>)?"
    r"(?:[ \t]+(?:wrote|escribió|ha[ \t]+scritto|schreef|escreveu|skrev|napisał|a[ \t]+écrit)[ \t]*:|[ \t]*:)[ \t]*$",
    re.MULTILINE)
"""Who wrote a reply's quoted text, on the line before it: "…, Anna Schmidt wrote:", "… at 10:15 AM Anna Schmidt
wrote:", "… schrieb Anna Schmidt:"."""
_SUBJECTS = Words("subject:", "betreff:", "objet:", "objet :", "asunto:", "oggetto:", "onderwerp:", "assunto:")
"""A message's header block has its subject's line: its other lines are looked at only then."""
_ATTRIBUTIONS = Words("wrote", "schrieb", "crit :", "crit:", "scribió", "scritto", "schreef", "screveu", "skrev",
                      "napisał")
"""The words that say who wrote a quote ("écrit" and "escribió" from their second letter: a word of the one scan that
begins with a letter no other does makes every text's scan stop at more places, context.py): its lines are looked at
only where one is. Searched for in each text with a regex, the words took 8 ms a MB of log (127 ignoring case)."""
COMPANY_ENDS = frozenset("""
    support team service services notifications notification news newsletter sales billing info inc ltd gmbh llc
    bank store shop care help desk admin security accounts account alerts alert updates digest community group club
    foundation office department hr payroll noreply no-reply marketing contributors maintainers developers authors
    delivery subsystem daemon system robot bot user co corp corporation incorporated limited plc pty oy oyj ab asa nv
    bv sa sas srl kg ag systems software technologies technology labs networks project projects organization
    organisation association society conservancy university institute centrum research laboratory laboratories
""".split())
"""The last words of a company's, an organization's or a program's mailbox or copyright ("Acme Support", "GitHub
Notifications", "Tokio Contributors", "Mail Delivery Subsystem", "Adobe Systems Incorporated")."""


def mail_names(text: str) -> Iterator[tuple[int, int]]:
    """Where e-mail puts a name in text, as (start, end)."""
    if "<" in text and "@" in text:
        for address in _ADDRESS.finditer(text):
            shown = _DISPLAY_NAME.search(text, max(0, address.start() - 64), address.start())
            if shown is None:
                continue
            start, end = shown.span("quoted" if shown["quoted"] else "plain")
            name = text[start:end].rstrip()
            words = name.replace(",", " ").split()
            if not words or words[-1].lower() in COMPANY_ENDS:
                continue
            if len(words) == 1 and words[0].lower() not in address["local"].lower():
                continue
            yield start, start + len(name)
    if "\n" not in text:
        return  # a header block's lines, an attribution and the quote after it
    if _SUBJECTS.anywhere(text):
        for header in _HEADER.finditer(text):
            yield from _listed(text, *header.span("value"))
    if _ATTRIBUTIONS.anywhere(text):
        for line in _ATTRIBUTION.finditer(text):
            if _ATTRIBUTIONS.in_text(text, *line.span()):
                yield line.span("name")


_LISTED = re.compile(r"[^;,\n]+")
"""A header line's value, one of the names it lists."""


def _listed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The names of two words or more a header line lists, without addresses ("Anna Schmidt; Tom Becker")."""
    for part in _LISTED.finditer(text, start, end):
        value = part.group()
        if "@" not in value and len(value.split()) >= 2:
            yield part.start() + len(value) - len(value.lstrip()), part.start() + len(value.rstrip())
