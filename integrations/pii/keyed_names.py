"""A person's name or a login name as the value of a key that says it is one, as programs write them: an API's answer,
a database's row or a configuration pasted to ask why it fails.

JSON's `"first_name": "Anna"`, `"lastName":"Schmidt"`, YAML's `given_name: Maria`, a query's `?first_name=Anna&…`,
XML's `<FirstName>Anna</FirstName>`, `"full_name": "Maria Rossi"`, `"nickname": "Tom B."`; `"username": "aschmidt"`,
GitHub's `"login": "annaschmidt"`, YAML's `username: anna`, an environment's `POSTGRES_USER=anna`. A key of one word,
`"name"`, only in a record with a person's details (`{"name": "Anna Schmidt", "email": …}`, Home Assistant's `person:`
list with its `device_trackers`): alone, a package's, a light's as often as a person's (`"name": "roost"`). Not a type
code gives (`first_name: Optional[str]`); whether the value is a name is names.py's to say, whether a login may be a
person's login_names'.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words
from .login_records import NAME

__all__ = ["CONTACT_KEYS", "KEY_WORDS", "LOGIN_KEY_WORDS", "key_kind", "keyed_logins", "keyed_names"]

KEY_WORDS = Words("name")
"""A key's last word, as the scan finds it (it finds "name" for names.py's labels already: this costs no more)."""
_KEY_START = re.compile(r"(?:(?<![A-Za-z])(?i:first|last|given|family|full|middle|maiden|sur|nick)"
                        r"|(?<=[a-z])(?:First|Last|Given|Family|Full|Middle|Maiden|Nick))[_\-]?\Z")
"""A key's first word before its "name": `first_name`, `last-name`, `firstname`, `givenName`, `FirstName`, `surname`,
`contactFirstName` (after a word of its own, in camel case); not `blast_name`, nor `display_name`, as often a plan's,
a region's or a room's ("Example Escalation Plan", "Ohio": 14 of 23 in the documentation pii_scan reads)."""
_VALUE = re.compile(r"(?i:name)(?:[\"']?[ \t]*[:=][ \t]*[\"']?|>)(?P<value>[^\W\d_]"
                    r"(?:[^\r\n\"'<>&,;{}\[\]=:!|().]|\.(?![ \t]|$)|(?<=\b[^\W\d_])\.|(?<=[^\W\d_])['’](?=[^\W\d_]))"
                    r"{0,60})", re.MULTILINE)
"""After the key, a JSON's, a YAML's or a query's `:` or `=` (maybe after a quote) or an XML element's `>`, the value up
to a quote (not an apostrophe within a name, "O'Connor"), a tag, the next field, a sentence's end (not an initial's dot,
"Tom B.") or the line's end."""

_AS_CODE = re.compile(r"[ \t]*[|!\[(]")
"""What follows a type, not a name, after a key in code: a union, GraphQL's "!", a generic's bracket, a call."""
_TYPES = frozenset("string str text optional mapped column field charfield integer int varchar char any none null "
                   "undefined unknown required object value example type true false list dict".split())
"""The types and stand-ins code writes after a key (`first_name: String`, `last_name: Optional[str]`)."""


CONTACT_KEYS = frozenset((
    "email", "e mail", "mail", "email address", "e mail address", "emailaddress", "phone", "phone number",
    "phonenumber", "mobile", "tel", "telephone", "telefon", "birthday", "birth date", "birthdate", "date of birth",
    "dateofbirth", "dob",
))
"""A person's contact details and birthday as a key or a table's column names them (in key_kind's form): beside them a
`name` is a person's."""
_RECORD_DETAILS = CONTACT_KEYS | {"device trackers"}
"""The keys of a person's details in a record (Home Assistant's `person:` list has its `device_trackers`)."""
_KEY = re.compile(r"(?<![\w\-])[\"']?([A-Za-z][\w\- ]{0,39}?)[\"']?[ \t]*:")
"""A key, quoted or not, before its colon."""
_RECORD_REACH = 1000
"""How far from its "name" a record's other keys are looked for."""
_BRACES = re.compile(r"[{}\[\]]")
"""What begins and ends a JSON object or a list."""
_KEY_PREFIX = re.compile(r"[ \t]*(-[ \t]+)?")
"""What comes before a YAML line's key: its indentation and a list item's `- `."""


def keyed_names(text: str) -> Iterator[tuple[int, int]]:
    """Where text gives a person's name as the value of a key that says it is one, or of a `name` key in a record of a
    person's details (a full name, two words or more), as (start, end)."""
    for at, _ in KEY_WORDS.occurrences(text):
        plain = _KEY_START.search(text, max(0, at - 9), at) is None
        if plain and not _a_plain_key(text, at):
            continue
        found = _VALUE.match(text, at)
        if found is None:
            continue
        start = found.start("value")
        value = found["value"].rstrip(" \t")
        end = start + len(value)
        if value.lower() not in _TYPES and _AS_CODE.match(text, end) is None \
                and (not plain or (" " in value and _beside_a_person_s_detail(text, at))):
            yield start, end


def _a_plain_key(text: str, at: int) -> bool:
    """Whether the "name" at at is a key of its own: JSON's `"name"`, YAML's `name:` (or `- name:`) as a line begins."""
    before, after = text[at - 1:at], at + len("name")
    if before in ("\"", "'"):
        return text.startswith(before, after)
    line = text.rfind("\n", 0, at) + 1
    return text[line:at].strip(" \t-") == "" and text.startswith(":", after)


def _beside_a_person_s_detail(text: str, at: int) -> bool:
    """Whether the record whose key "name" is at at has a key of a person's details of its own (not a record's within
    it: `"owner": {"email": …}`): a JSON object's, or a YAML mapping's (an item of a list its `- ` begins)."""
    reach = max(0, at - _RECORD_REACH), min(len(text), at + _RECORD_REACH)
    if text[at - 1:at] in ("\"", "'"):
        return any(key_kind(key[1]) in _RECORD_DETAILS
                   for start, end in _own_parts(text, at, *reach) for key in _KEY.finditer(text, start, end))
    line = text.rfind("\n", 0, at) + 1
    indent = at - line
    keys, item = [line], _key_column(text, line)[1]
    while not item and line > reach[0]:  # the keys above, up to the item's first
        line = text.rfind("\n", 0, line - 1) + 1
        column, item = _key_column(text, line)
        if column < indent:
            break
        keys.append(line)
        item = item and column == indent  # not a list's within a key's value
    line = text.find("\n", at) + 1
    while 0 < line < reach[1]:  # the keys below, up to the next item
        column, item = _key_column(text, line)
        if column < indent or (column == indent and item):
            break
        keys.append(line)
        line = text.find("\n", line) + 1
    return any((key := _KEY.match(text, line + indent)) is not None and key_kind(key[1]) in _RECORD_DETAILS
               for line in keys if _key_column(text, line)[0] == indent)


def _own_parts(text: str, at: int, begin: int, end: int) -> list[tuple[int, int]]:
    """The parts of the JSON object around at (within text[begin:end]) outside the objects and lists within it."""
    parts = []
    for braces, inward, edge in ((reversed(list(_BRACES.finditer(text, begin, at))), "}]", begin),
                                 (_BRACES.finditer(text, at, end), "{[", end)):
        depth, start = 0, at
        for brace in braces:
            near, far = (brace.start(), brace.end()) if inward == "{[" else (brace.end(), brace.start())
            depth += 1 if brace[0] in inward else -1
            if (depth == 1 and brace[0] in inward) or depth < 0:  # a record within begins, or this one ends
                parts.append((min(start, near), max(start, near)))
            if depth < 0:
                break
            start = far if depth == 0 else start
        else:
            if depth == 0:
                parts.append((min(start, edge), max(start, edge)))
    return parts


def _key_column(text: str, line: int) -> tuple[int, bool]:
    """Where a YAML line's key begins, from the line's start, and whether a list's item begins there (-1 for an empty
    line)."""
    prefix = _KEY_PREFIX.match(text, line)
    assert prefix is not None  # it matches the empty string
    if prefix.end() >= len(text) or text[prefix.end()] in "\r\n":
        return -1, False
    return prefix.end() - line, prefix.group(1) is not None


def key_kind(key: str) -> str:
    """A key or a table's header as the sets of kinds write it: lower case, its quotes, marks and separators gone."""
    return " ".join(key.strip(" \t\"'*`[]").lower().replace("_", " ").replace("-", " ").split())


LOGIN_KEY_WORDS = Words("username", "user_name", "user-name", "login", "screen_name", "screen-name", "screenname",
                        "user=", "user:", "user =", "user\":", "user':")
"""The keys of a login name, as the scan finds them (`POSTGRES_USER=`, `mqtt_user:` by their end)."""
_PREFIXED = r"(?<![\w\-])(?:[A-Za-z0-9]+_)+(?i:user(?:name)?)"
"""A key of a login name with a word before it: `POSTGRES_USER`, `mqtt_user`, `SMTP_USERNAME`."""
_LOGIN_KEYS = (
    # JSON's, its key and its value quoted: "username": "aschmidt", "login":"annaschmidt" (not code's "user_name":
    # self.name); a query's: ?user_name=anna&
    re.compile(r"(?<=[\"'])(?i:user[_\-]?name|login|screen[_\-]?name)[\"'][ \t]*:[ \t]*[\"'](" + NAME + r")[\"']"
               r"|(?<=[?&])(?i:user[_\-]?name|login|screen[_\-]?name)=(" + NAME + r")(?![\w.\-@:/])"),
    # YAML's and a message's "username: anna", "Username: anna.schmidt" as a line begins (not "enter your username: and
    # then …"), an environment's or a YAML's key with a word before it, "POSTGRES_USER=anna", "mqtt_user: anna" (not
    # code's "owner_user = owner"), and a string assigned: username = "anna", DB_USER = "tom", "db_user": "lena"
    re.compile(r"^[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?(?:(?i:user[_\-]?name)[ \t]*:[ \t]*|" + _PREFIXED
               + r"(?:=|:[ \t]*))[\"']?(" + NAME + r")(?![\w.\-@:/,)])", re.MULTILINE),
    re.compile(r"(?:\b(?i:user[_\-]?name)|" + _PREFIXED + r"[\"']?)[ \t]*[=:][ \t]*[\"'](" + NAME + r")[\"']"),
    # XML's <username>anna</username>
    re.compile(r"<(?i:user[_\-]?name|login)>(" + NAME + r")</"),
)
"""Where a key gives a login name: not a value assigned in code (`username = request.form[...]`, a keyword's argument
`arn_user=arn,`), an e-mail address (an EMAIL), a name's first part (`"username": "arn:aws:iam::…"`), nor a constant's
capitals (`HKEY_CURRENT_USER = "HKCU"`)."""


def keyed_logins(text: str) -> Iterator[tuple[int, int]]:
    """Where text gives a login name as the value of a key that says it is one, as (start, end)."""
    seen = set()
    for key in _LOGIN_KEYS:
        for found in key.finditer(text):
            group = found.lastindex or 1
            if found[group].lower() not in _TYPES and not found[group].isupper() \
                    and _AS_CODE.match(text, found.end(group)) is None \
                    and found.span(group) not in seen:  # "mqtt_user: 'anna'" a line's and a string's
                seen.add(found.span(group))
                yield found.span(group)
