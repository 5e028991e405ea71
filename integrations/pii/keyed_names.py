"""A person's name or a login name as the value of a key that says it is one, as programs write them: an API's answer,
a database's row or a configuration pasted to ask why it fails.

JSON's `"first_name": "Anna"`, `"lastName":"Schmidt"`, YAML's `given_name: Maria`, a query's `?first_name=Anna&…`,
XML's `<FirstName>Anna</FirstName>`, `"full_name": "Maria Rossi"`, `"nickname": "Tom B."`; `"username": "aschmidt"`,
GitHub's `"login": "annaschmidt"`, YAML's `username: anna`. Not a key of one word alone, `"name": "roost"` (a
package's, a light's as often as a person's), nor a type code gives (`first_name: Optional[str]`); whether the value is
a name is names.py's to say, whether a login may be a person's login_names'.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words
from .login_records import NAME

__all__ = ["KEY_WORDS", "LOGIN_KEY_WORDS", "keyed_logins", "keyed_names"]

KEY_WORDS = Words("name")
"""A key's last word, as the scan finds it (it finds "name" for names.py's labels already: this costs no more)."""
_KEY_START = re.compile(r"(?:(?<![A-Za-z])(?i:first|last|given|family|full|middle|maiden|sur|nick)"
                        r"|(?<=[a-z])(?:First|Last|Given|Family|Full|Middle|Maiden|Nick))[_\-]?\Z")
"""A key's first word before its "name": `first_name`, `last-name`, `firstname`, `givenName`, `FirstName`, `surname`,
`contactFirstName` (after a word of its own, in camel case); not `blast_name`, nor `display_name`, as often a plan's,
a region's or a room's ("Example Escalation Plan", "Ohio": 14 of 23 in the documentation pii_scan reads)."""
_VALUE = re.compile(r"(?i:name)(?:[\"']?[ \t]*[:=][ \t]*[\"']?|>)(?P<value>[^\W\d_]"
                    r"(?:[^\r\n\"'<>&,;{}\[\]=:!|().]|\.(?![ \t]|$)|(?<=\b[^\W\d_])\.){0,60})", re.MULTILINE)
"""After the key, a JSON's, a YAML's or a query's `:` or `=` (maybe after a quote) or an XML element's `>`, the value up
to a quote, a tag, the next field, a sentence's end (not an initial's dot, "Tom B.") or the line's end."""

_AS_CODE = re.compile(r"[ \t]*[|!\[(]")
"""What follows a type, not a name, after a key in code: a union, GraphQL's "!", a generic's bracket, a call."""
_TYPES = frozenset("string str text optional mapped column field charfield integer int varchar char any none null "
                   "undefined unknown required object value example type true false list dict".split())
"""The types and stand-ins code writes after a key (`first_name: String`, `last_name: Optional[str]`)."""


def keyed_names(text: str) -> Iterator[tuple[int, int]]:
    """Where text gives a person's name as the value of a key that says it is one, as (start, end)."""
    for at, _ in KEY_WORDS.occurrences(text):
        if _KEY_START.search(text, max(0, at - 9), at) is None:
            continue
        found = _VALUE.match(text, at)
        if found is None:
            continue
        start = found.start("value")
        value = found["value"].rstrip(" \t")
        end = start + len(value)
        if value.lower() not in _TYPES and _AS_CODE.match(text, end) is None:
            yield start, end


LOGIN_KEY_WORDS = Words("username", "user_name", "user-name", "login", "screen_name", "screen-name", "screenname")
"""The keys of a login name, as the scan finds them."""
_LOGIN_KEYS = (
    # JSON's, its key and its value quoted: "username": "aschmidt", "login":"annaschmidt" (not code's "user_name":
    # self.name); a query's: ?user_name=anna&
    re.compile(r"(?<=[\"'])(?i:user[_\-]?name|login|screen[_\-]?name)[\"'][ \t]*:[ \t]*[\"'](" + NAME + r")[\"']"
               r"|(?<=[?&])(?i:user[_\-]?name|login|screen[_\-]?name)=(" + NAME + r")(?![\w.\-@:/])"),
    # YAML's and a message's "username: anna", "Username: anna.schmidt" as a line begins (not "enter your username: and
    # then …"), and a string assigned: username = "anna"
    re.compile(r"^[ \t]*(?:-[ \t]+)?(?i:user[_\-]?name)[ \t]*:[ \t]*[\"']?(" + NAME + r")(?![\w.\-@:/])", re.MULTILINE),
    re.compile(r"\b(?i:user[_\-]?name)[ \t]*=[ \t]*[\"'](" + NAME + r")[\"']"),
    # XML's <username>anna</username>
    re.compile(r"<(?i:user[_\-]?name|login)>(" + NAME + r")</"),
)
"""Where a key gives a login name: not a value assigned in code (`username = request.form[...]`), an e-mail address
(an EMAIL) nor a name's first part (`"username": "arn:aws:iam::…"`)."""


def keyed_logins(text: str) -> Iterator[tuple[int, int]]:
    """Where text gives a login name as the value of a key that says it is one, as (start, end)."""
    for key in _LOGIN_KEYS:
        for found in key.finditer(text):
            group = found.lastindex or 1
            if found[group].lower() not in _TYPES and _AS_CODE.match(text, found.end(group)) is None:
                yield found.span(group)
