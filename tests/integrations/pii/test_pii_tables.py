"""People's names (PERSON) and login names (USERNAME) in a table's columns: CSV, a spreadsheet's rows, Markdown, an
SQL `INSERT`'s values."""

from __future__ import annotations

import pytest

from integrations.pii.engine import PiiSanitizer
from integrations.pii.recognizers import default_registry


def found(text: str, entity: str) -> list[str]:
    """The findings of one type the whole registry keeps in text."""
    return [f.text for f in default_registry().analyze(text) if f.entity == entity]


@pytest.mark.parametrize(("text", "names"), [
    ("first_name,last_name,email\nAnna,Schmidt,anna@example.org\nTom,Becker,tom@example.org",
     ["Anna", "Schmidt", "Tom", "Becker"]),
    ("Name\tE-Mail\tPhone\nAnna Schmidt\tanna@example.org\t+49 30 1234567\nTom Becker\t\t",
     ["Anna Schmidt", "Tom Becker"]),
    ("| Name | Email |\n|---|:---:|\n| Anna Schmidt | anna@example.org |\n| Tom Becker | tom@example.org |",
     ["Anna Schmidt", "Tom Becker"]),
    ("| Name | Email |\r\n|---|---|\r\n| Maria Rossi | maria@example.org |\r\n", ["Maria Rossi"]),  # Windows' lines
    ("Nachname;Vorname;Geburtsdatum\nSchmidt;Anna;12.03.1984\nBecker;Tom;01.02.1990",
     ["Schmidt", "Anna", "Becker", "Tom"]),
    ('"name","email"\n"Schmidt, Anna","anna@example.org"', ["Schmidt, Anna"]),  # a quoted cell holds the comma
    ("id,name,email\n1,Anna Schmidt,anna@example.org\n\nname,price\nWidget,9.99", ["Anna Schmidt"]),  # to an empty line
    ("INSERT INTO users (first_name, last_name, email) VALUES ('Anna', 'Schmidt', 'anna@example.org');",
     ["Anna", "Schmidt"]),
    ("INSERT INTO `users` (`id`, `first_name`, `last_name`) VALUES\n  (1, 'Anna', 'Schmidt'),\n  (2, 'Tom', NULL);",
     ["Anna", "Schmidt", "Tom"]),
    ("INSERT INTO customers (\n  name,\n  email\n)\nVALUES ('Maria Rossi', lower('M@X.ORG')), ('Tom O''Connor', '');",
     ["Maria Rossi", "Tom O''Connor"]),  # its columns one per line, a value's quote doubled
    ("INSERT OR REPLACE INTO people (\"full_name\", \"phone\") VALUES ('Lena Vogel', '0151 2345678')", ["Lena Vogel"]),
])
def test_a_table_s_names_are_found(text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize("text", [
    "Name,Price\nWidget,9.99\nGadget,19.99",  # a column headed Name alone, beside no person's details
    "name\tversion\nroost\t1.0",
    "| Name | Email |\n| --- | :---: |\n| - | n/a |",
    "Product Name,Owner Email\nWidget,anna@example.org",
    "Hi, my name is not important, really.\nSee you",
    "INSERT INTO products (name, price) VALUES ('Roost Box', 99.0);",  # Name alone, beside no person's details
    "cur.execute(\"INSERT INTO users (first_name, last_name) VALUES (?, ?)\", (first, last))",  # placeholders
    "INSERT INTO users (first_name, last_name) VALUES (%s, %s)\nfirst_name,last_name",
])
def test_what_no_table_gives_as_a_name_stays(text: str) -> None:
    assert found(text, "PERSON") == []


def test_a_table_s_dates_of_birth_are_found_where_they_are_days() -> None:
    text = "name,email,dob\nAnna Schmidt,anna@example.org,1984-03-12\nTom Becker,,not known"
    assert found(text, "DATE_OF_BIRTH") == ["1984-03-12"]


def test_a_table_s_logins_are_found() -> None:
    assert found("username,role\naschmidt,admin\ntbecker,viewer\nroot,admin", "USERNAME") == ["aschmidt", "tbecker"]
    assert found("insert into accounts (username, created) values ('aschmidt', now()), ('root', now());",
                 "USERNAME") == ["aschmidt"]


def test_an_insert_s_dates_of_birth_are_found() -> None:
    text = "INSERT INTO users (name, dob) VALUES ('Anna Schmidt', '1984-03-12'), ('Tom Becker', '1984-02-31');"
    assert found(text, "DATE_OF_BIRTH") == ["1984-03-12"]


async def test_a_table_s_names_become_placeholders_and_come_back(sanitizer: PiiSanitizer) -> None:
    text = "first_name,last_name\nAnna,Schmidt\nTom,Schmidt"
    clean = await sanitizer.sanitize(text, "chat-1")
    assert clean == "first_name,last_name\n[PERSON_1],[PERSON_2]\n[PERSON_3],[PERSON_2]"
    assert await sanitizer.restore(clean, "chat-1") == text
