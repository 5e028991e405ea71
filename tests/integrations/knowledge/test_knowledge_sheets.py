"""Spreadsheets in the knowledge folder: a sheet a section, a row a passage that says what each value is."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
import xlwt

from integrations.knowledge.chunker import DocumentError
from integrations.knowledge.documents import document_chunks
from integrations.knowledge.index import KnowledgeIndex
from integrations.knowledge.sheets import rows_as_paragraphs
from tests.helpers.office_files import opendocument


def _chunks(name: str, data: bytes) -> list[tuple[str, str]]:
    return [(chunk.title, chunk.text) for chunk in document_chunks(name, data, max_chars=80)]


def test_rows_under_a_header_say_what_each_value_is() -> None:
    assert list(rows_as_paragraphs([["Item", "Price", ""], ["Rye bread", "4.20"], [], ["Baguette", "", "new"]])) == [
        "Item: Rye bread; Price: 4.20", "Item: Baguette; new"]
    assert list(rows_as_paragraphs([["2024", "Rye"], ["2025", "Spelt"]])) == ["2024 | Rye", "2025 | Spelt"]
    assert list(rows_as_paragraphs([["Only", "a header"]])) == ["Only | a header"]


def test_a_csv_file_in_its_own_separator() -> None:
    prices = "Item;Price;Allergens\r\nRye bread;4,20;gluten\r\nCroissant;1,80;\"gluten; milk\"\r\n"
    assert _chunks("prices.csv", prices.encode("utf-8-sig")) == [
        ("prices", "Item: Rye bread; Price: 4,20; Allergens: gluten"),
        ("prices", "Item: Croissant; Price: 1,80; Allergens: gluten; milk"),
    ]
    assert _chunks("tabs.csv", b"Day\tOpens\nSunday\t08:00\n") == [("tabs", "Day: Sunday; Opens: 08:00")]
    assert _chunks("one.csv", b"just a list\nof lines\n") == [("one", "just a list\n\nof lines")]
    with pytest.raises(DocumentError, match=r"^latin.csv: not UTF-8 text .*save it as CSV UTF-8"):
        document_chunks("latin.csv", "Café;3\n".encode("latin-1"), max_chars=800)


def test_a_csv_file_with_the_line_ends_of_old_macs_and_one_with_a_field_too_large() -> None:
    assert _chunks("mac.csv", b'Item,Price\rRye,4.20\rCake,"3\r10"\r') == [  # Excel's "CSV (Macintosh)"
        ("mac", "Item: Rye; Price: 4.20\n\nItem: Cake; Price: 3 10")]
    with pytest.raises(DocumentError, match=r"^big.csv: not a readable CSV file \(line 2: field larger than field"):
        document_chunks("big.csv", b'Item,Note\nRye,"' + b"x" * 200_000 + b'"\n', max_chars=800)


def test_an_excel_workbook_written_by_openpyxl() -> None:
    book = openpyxl.Workbook()
    prices = book.active
    prices.title = "Prices"
    prices.append(["Item", "Price", "Vegan"])
    prices.append(["Rye bread", 4.2, True])
    prices["A4"], prices["C4"] = "Spelt roll", False  # a row with an empty cell between
    hours = book.create_sheet("Hours")
    hours.append(["Day", "Opens", "Closes"])
    hours.append(["Sunday", dt.time(8, 0), dt.time(12, 30, 15)])
    closed = book.create_sheet("Closed")
    closed.append(["Date", "Why", "Delivery"])
    closed.append([dt.date(2025, 5, 1), "Labour Day", dt.datetime(2025, 4, 30, 18, 45)])
    closed["A3"], closed["B3"] = 45658, "a number shown as a day by its own format"
    closed["A3"].number_format = "dd/mm/yyyy"
    closed["A4"], closed["B4"] = 3.5, "a number in days, as a number"
    closed["A4"].number_format = '0.0 "days"'
    book.create_sheet("Empty")
    out = io.BytesIO()
    book.save(out)
    assert _chunks("shop.xlsx", out.getvalue()) == [
        ("Prices", "Item: Rye bread; Price: 4.2; Vegan: TRUE\n\nItem: Spelt roll; Vegan: FALSE"),
        ("Hours", "Day: Sunday; Opens: 08:00; Closes: 12:30:15"),
        ("Closed", "Date: 2025-05-01; Why: Labour Day; Delivery: 2025-04-30 18:45"),
        ("Closed", "Date: 2025-01-01; Why: a number shown as a day by its own format"),
        ("Closed", "Date: 3.5; Why: a number in days, as a number"),
    ]


def test_an_excel_97_2003_workbook_written_by_xlwt() -> None:
    book = xlwt.Workbook()
    prices = book.add_sheet("Prices")
    for column, value in enumerate(["Item", "Price", "Vegan", "Since", "Opens"]):
        prices.write(0, column, value)
    day, hour = xlwt.easyxf(num_format_str="DD/MM/YYYY"), xlwt.easyxf(num_format_str="HH:MM:SS")
    for column, value, style in ((0, "Rye bread", None), (1, 4.2, None), (2, True, None),
                                 (3, dt.date(2025, 5, 1), day), (4, dt.time(8, 30, 15), hour)):
        prices.write(1, column, value, *([style] if style else []))
    prices.write(3, 0, "Spelt roll")  # a row between left empty, and cells of this one
    prices.write(3, 1, 3)
    prices.write(3, 3, dt.datetime(2025, 4, 30, 18, 45), xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM"))
    book.add_sheet("Notes").write(0, 0, "Closed on 1 May")
    book.add_sheet("Empty")
    out = io.BytesIO()
    book.save(out)
    assert _chunks("old shop.xls", out.getvalue()) == [
        ("Prices", "Item: Rye bread; Price: 4.2; Vegan: TRUE; Since: 2025-05-01; Opens: 08:30:15"),
        ("Prices", "Item: Spelt roll; Price: 3; Since: 2025-04-30 18:45"),
        ("Notes", "Closed on 1 May"),
    ]


def test_a_file_named_xls_that_is_not_one_is_named() -> None:
    with pytest.raises(DocumentError, match=r"^prices.xls: not a readable Excel 97-2003 workbook \(Unsupported format"):
        document_chunks("prices.xls", b"Item,Price\nRye,4.20\n", max_chars=800)

def test_an_opendocument_spreadsheet() -> None:
    def row(*cells: str, repeated: int = 1) -> str:
        return (f'<table:table-row table:number-rows-repeated="{repeated}">'
                + "".join(f"<table:table-cell><text:p>{cell}</text:p></table:table-cell>" if cell else
                          '<table:table-cell table:number-columns-repeated="1020"/>' for cell in cells)
                + "</table:table-row>")
    sheet = ('<table:table table:name="Prices">' + row("Item", "Price") + row("Rye bread", "4,20 €")
             + row("Roll", "0,60 €", repeated=2) + row("", repeated=1048570) + "</table:table>"
             '<table:table table:name="Notes">' + row("Closed on 1 May") + "</table:table>")
    assert _chunks("shop.ods", opendocument(sheet, kind="spreadsheet")) == [
        ("Prices", "Item: Rye bread; Price: 4,20 €\n\nItem: Roll; Price: 0,60 €"),
        ("Prices", "Item: Roll; Price: 0,60 €"),  # the row repeated, as the sheet shows it twice
        ("Notes", "Closed on 1 May"),
    ]


async def test_spreadsheets_are_searched(index: KnowledgeIndex, docs: Path) -> None:
    (docs / "prices.csv").write_text("Item,Price\nRye bread,4.20\nSpelt roll,0.90\n", encoding="utf-8")
    stats = await index.reindex(docs)
    assert stats.errors == ()
    found = await index.search("how much is the spelt roll")
    assert found and found[0].path == "prices.csv" and "Item: Spelt roll; Price: 0.90" in found[0].text


def test_a_workbook_locked_by_a_password_is_named() -> None:
    with pytest.raises(DocumentError) as refused:  # Excel keeps a locked workbook in an OLE container
        document_chunks("books.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), max_chars=800)
    assert str(refused.value) == ("books.xlsx: a file of Office 97-2003, or one locked by a password: save it in the"
                                  " format of its name (.xlsx) without a password")


def test_a_spreadsheet_locked_by_a_password_is_named() -> None:
    with pytest.raises(DocumentError, match=r"^locked.ods: the document is locked by a password"):
        document_chunks("locked.ods", opendocument("<table:table/>", kind="spreadsheet", encrypted=True),
                        max_chars=800)
