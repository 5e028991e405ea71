"""People's names, login names and dates of birth in a table's columns whose header says what they hold: a CSV file's
lines, a spreadsheet's rows copied (tab-separated), a Markdown table, an SQL `INSERT`'s rows, as pasted to ask why an
import fails.

`first_name,last_name,email` then `Anna,Schmidt,anna@example.org`; `Name\tE-Mail\tPhone` then `Anna Schmidt\t…`;
`| Name | Email |`, `|---|---|`, `| Anna Schmidt | … |`; `Nachname;Vorname` as German spreadsheets write it;
`username,role`; `INSERT INTO users (first_name, last_name) VALUES ('Anna', 'Schmidt'), …`. A column headed `Name`
alone only beside a column of a person's details (an e-mail address, a phone, a birthday): `Name,Price` lists products.
The header is found from the scan's "name" (`username`, `Vorname` hold it); the rows are those after it with as many
cells, up to an empty line (an `INSERT`'s, its values' rows). Whether a value is a name is names.py's to say,
whether a login may be a person's login_names', whether a date is a day of the calendar birth_dates'.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import lowered
from .keyed_names import CONTACT_KEYS, KEY_WORDS, key_kind

__all__ = ["table_birth_dates", "table_logins", "table_names"]

_DELIMITERS = ("\t", "|", ";", ",")
"""What parts a line's cells, in the order they are tried: a tab or a pipe is rarely within a cell, a comma often."""
_PERSON_COLUMNS = frozenset((
    "name", "full name", "fullname", "first name", "firstname", "given name", "givenname", "last name", "lastname",
    "surname", "family name", "familyname", "middle name", "contact name", "customer name", "vorname", "nachname",
    "voornaam", "achternaam", "prénom", "prenom", "nom", "nombre", "apellido", "apellidos", "cognome",
))
_LOGIN_COLUMNS = frozenset(("username", "user name", "login", "user"))
_BIRTH_COLUMNS = frozenset(("date of birth", "dateofbirth", "dob", "birth date", "birthdate", "birthday", "born",
                            "geburtsdatum", "geburtstag", "date de naissance", "fecha de nacimiento", "geboortedatum"))
_KINDS = {**dict.fromkeys(_PERSON_COLUMNS, "person"), **dict.fromkeys(_LOGIN_COLUMNS, "login"),
          **dict.fromkeys(_BIRTH_COLUMNS, "birth")}
"""What each column holds, by its header."""
_A_PERSON_S = frozenset((*CONTACT_KEYS, "address", "adresse", *_PERSON_COLUMNS - {"name"}, *_LOGIN_COLUMNS,
                         *_BIRTH_COLUMNS))
"""The columns beside which a column headed `Name` holds people's names."""
_INSERT = re.compile(r"(?i:insert)[ \t]+(?i:(?:ignore|or[ \t]+\w+)[ \t]+)?(?i:into)[ \t]+[^\s(]+[ \t]*"
                     r"\((?P<columns>[^()]*)\)\s*(?i:values)\s*")
"""An SQL `INSERT INTO users (first_name, last_name, email) VALUES `, its columns' names between the brackets."""
_INSERT_REACH = 400
"""How far before a column's name its `INSERT` may begin (its columns one per line, a long table's name)."""
_ROW_START = re.compile(r"\s*,?\s*\(")
"""Where the values of an `INSERT`'s next row begin."""
_SQL_VALUE = re.compile(r"\s*(?P<value>'(?:[^'\\]|''|\\.)*'|\"(?:[^\"\\]|\"\"|\\.)*\"|[^,()'\"]*(?:\([^()]*\))?)\s*"
                        r"(?P<after>[,)])")
"""A value of an `INSERT`'s row, a string quoted (its quotes doubled or escaped within), a number, NULL or a call
(`NOW()`), and the comma or the bracket after it."""
_SEPARATOR = re.compile(r"[ \t|:\-]+\r?")
"""A Markdown table's line under its header: `|---|:---:|`."""


def table_names(text: str) -> Iterator[tuple[int, int]]:
    """Where text's tables hold people's names, as (start, end)."""
    return ((start, end) for kind, start, end in _columns(text) if kind == "person")


def table_logins(text: str) -> Iterator[tuple[int, int]]:
    """Where text's tables hold login names, as (start, end)."""
    return ((start, end) for kind, start, end in _columns(text) if kind == "login")


def table_birth_dates(text: str) -> Iterator[tuple[int, int]]:
    """Where text's tables hold dates of birth, as (start, end)."""
    return ((start, end) for kind, start, end in _columns(text) if kind == "birth")


def _columns(text: str) -> Iterator[tuple[str, int, int]]:
    """The cells of each table's columns of people's or login names or dates of birth, as (kind, start, end)."""
    headers: set[int] = set()
    for at, _ in KEY_WORDS.occurrences(text):
        insert = _insert_before(text, at)
        if insert is not None:
            if insert.start() not in headers:
                headers.add(insert.start())
                yield from _inserted(text, insert)
            continue
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        if start in headers or end == -1:
            continue
        headers.add(start)
        delimiter = next((each for each in _DELIMITERS if each in text[start:end]), None)
        if delimiter is None:
            continue
        cells = _cells(text, start, end, delimiter)
        wanted = _wanted([key_kind(text[begin:stop]) for begin, stop in cells])
        if wanted:
            yield from _rows(text, end + 1, delimiter, len(cells), wanted)


def _wanted(kinds: list[str]) -> dict[int, str]:
    """The columns of people's or login names or dates of birth by their index, from the headers' kinds (a column headed
    `Name` alone only beside one of a person's details)."""
    if "name" in kinds and not any(kind in _A_PERSON_S for kind in kinds):
        kinds = [kind if kind != "name" else "" for kind in kinds]
    return {index: _KINDS[kind] for index, kind in enumerate(kinds) if kind in _KINDS}


def _insert_before(text: str, at: int) -> re.Match[str] | None:
    """The SQL `INSERT INTO t (…) VALUES` whose columns hold the word at at, if it is in one."""
    begin = lowered(text).rfind("insert", max(0, at - _INSERT_REACH), at)
    insert = _INSERT.match(text, begin) if begin != -1 else None
    return insert if insert is not None and insert.start("columns") <= at < insert.end("columns") else None


def _inserted(text: str, insert: re.Match[str]) -> Iterator[tuple[str, int, int]]:
    """The wanted values of an SQL `INSERT`'s rows: `('Anna', 'Schmidt', 'anna@example.org'), ('Tom', …)`."""
    wanted = _wanted([key_kind(column) for column in insert["columns"].split(",")])
    at = insert.end()
    while wanted and (row := _ROW_START.match(text, at)) is not None:
        at, index = row.end(), 0
        while (value := _SQL_VALUE.match(text, at)) is not None:
            kind = wanted.get(index)
            if kind is not None and value["value"][:1] in ("'", '"') and len(value["value"]) > 2:
                yield kind, value.start("value") + 1, value.end("value") - 1
            at, index = value.end(), index + 1
            if value["after"] == ")":
                break
        else:
            return


def _rows(text: str, at: int, delimiter: str, width: int, wanted: dict[int, str]) -> Iterator[tuple[str, int, int]]:
    """The wanted cells of the rows from at on, while each has the header's number of cells."""
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end == -1 else end
        if delimiter == "|" and _SEPARATOR.fullmatch(text, at, end):
            at = end + 1
            continue
        cells = _cells(text, at, end, delimiter)
        if len(cells) != width:
            return
        for index, kind in wanted.items():
            begin, stop = cells[index]
            if begin < stop:
                yield kind, begin, stop
        at = end + 1


def _cells(text: str, start: int, end: int, delimiter: str) -> list[tuple[int, int]]:
    """The cells of text[start:end] parted by delimiter, each without its spaces and quotes (a quoted cell may hold the
    delimiter: `"Schmidt, Anna"`); a Markdown row's pipes at its ends part no cell."""
    line = text[start:end].rstrip("\r")
    if delimiter == "|":
        stripped = line.strip()
        if not (stripped.startswith("|") and stripped.endswith("|")):
            return []
        offset = line.index("|") + 1
        start, line = start + offset, line[offset:line.rindex("|")]
    cells, begin, quoted = [], 0, False
    for index, char in enumerate(line + delimiter):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            cells.append(_trimmed(line, start, begin, index))
            begin = index + 1
    return cells


def _trimmed(line: str, offset: int, begin: int, end: int) -> tuple[int, int]:
    """The span in the text of line[begin:end] without the spaces and the quotes around it."""
    while begin < end and line[begin] in " \t\"'":
        begin += 1
    while end > begin and line[end - 1] in " \t\"'":
        end -= 1
    return offset + begin, offset + end

