"""Spreadsheets read for the chunker's outline: CSV, Excel's .xlsx and OpenDocument's .ods (LibreOffice), a sheet a
section (headed by its name) and a row a paragraph.

A row under a header row reads "Item: Rye bread; Price: 4.20", so that a passage says what each value is; a sheet
whose first row does not look like a header (one column, an empty or a numeric cell) has its rows read as cells apart
by " | ".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from xml.etree import ElementTree

from .chunker import DocumentError, Heading
from .office import OFFICE, TABLE, odf_rows, odf_text
from .packages import open_package, xml_part

_X = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL = re.compile(r"([A-Z]+)")
_NUMBER = re.compile(r"[-+]?[\d.,\s]+%?")
MAX_REPEAT = 1000
"""The most times an .ods row or cell repeated by number is read (LibreOffice writes the empty rest of a sheet as one
row repeated a million times)."""


def csv_outline(name: str, data: bytes) -> list[Heading | str]:
    """A CSV file's rows (UTF-8; separated by commas, semicolons or tabs, as the file shows)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DocumentError(f"{name}: not UTF-8 text (invalid byte at offset {err.start}); save it as CSV UTF-8"
                            ) from None
    return list(rows_as_paragraphs(list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))))


def _delimiter(text: str) -> str:
    """The separator that splits the first rows into the same number of columns, the most (csv.Sniffer takes the
    comma of "4,20" in a file separated by semicolons, as Excel writes them where the comma is decimal)."""
    lines = text.splitlines()[:20]
    best, best_score = ",", (0, 0)
    for delimiter in ",;\t":
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if counts and counts[0] > 1:
            score = (sum(count == counts[0] for count in counts), counts[0])
            if score > best_score:
                best, best_score = delimiter, score
    return best


def xlsx_outline(name: str, data: bytes) -> list[Heading | str]:
    """An .xlsx file's sheets, in the workbook's order: their names as headings, their rows (the values as
    saved: a date shows as Excel's day number, a formula as its last result)."""
    kind = "Excel workbook"
    with open_package(name, data, kind) as archive:
        workbook = xml_part(name, archive, "xl/workbook.xml", kind)
        links = xml_part(name, archive, "xl/_rels/workbook.xml.rels", kind)
        shared = xml_part(name, archive, "xl/sharedStrings.xml", kind, required=False)
        strings = [_string(item) for item in shared.iter(f"{_X}si")] if shared is not None else []
        targets = {link.get("Id"): link.get("Target", "") for link in links.iter(f"{_RELATIONSHIPS}Relationship")}
        blocks: list[Heading | str] = []
        for sheet in workbook.iter(f"{_X}sheet"):
            target = targets.get(sheet.get(_R_ID), "").lstrip("/")
            part = target if target.startswith("xl/") else f"xl/{target}"
            cells = xml_part(name, archive, part, kind, required=False)
            if cells is not None:
                blocks.append(Heading(1, sheet.get("name") or part))
                blocks += rows_as_paragraphs(_xlsx_rows(cells, strings))
    return blocks


def ods_outline(name: str, data: bytes) -> list[Heading | str]:
    """An .ods file's sheets: their names as headings, their rows (the values as the sheet shows them)."""
    kind = "OpenDocument spreadsheet"
    with open_package(name, data, kind) as archive:
        content = xml_part(name, archive, "content.xml", kind)
    blocks: list[Heading | str] = []
    for table in content.iterfind(f"{OFFICE}body/{OFFICE}spreadsheet/{TABLE}table"):
        blocks.append(Heading(1, table.get(f"{TABLE}name") or "sheet"))
        blocks += rows_as_paragraphs(_ods_rows(table))
    return blocks


def rows_as_paragraphs(rows: list[list[str]]) -> Iterator[str]:
    """Each row with a value as a paragraph: "Header: value; ..." under a header row, else its cells by " | "."""
    rows = [[" ".join(cell.split()) for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return
    header = rows[0]
    while header and not header[-1]:
        header = header[:-1]
    if len(rows) > 1 and len(header) > 1 and all(header) and not any(_NUMBER.fullmatch(cell) for cell in header):
        for row in rows[1:]:
            named = [f"{header[i]}: {cell}" if i < len(header) else cell for i, cell in enumerate(row) if cell]
            if named:
                yield "; ".join(named)
        return
    for row in rows:
        yield " | ".join(cell for cell in row if cell)


def _string(item: ElementTree.Element) -> str:
    """A shared string's text: its runs' (a phonetic reading, <rPh>, left out)."""
    return "".join(text.text or "" for child in item if child.tag != f"{_X}rPh"
                   for text in ([child] if child.tag == f"{_X}t" else child.iter(f"{_X}t")))


def _xlsx_rows(sheet: ElementTree.Element, strings: list[str]) -> list[list[str]]:
    rows = []
    for row in sheet.iter(f"{_X}row"):
        values: list[str] = []
        for cell in row.iter(f"{_X}c"):
            column = _column(cell.get("r", ""))
            if column is not None and column >= len(values):
                values += [""] * (column - len(values))  # the empty cells between are not written
            values.append(_xlsx_value(cell, strings))
        rows.append(values)
    return rows


def _column(reference: str) -> int | None:
    """"C7" -> 2 (columns count from 0), None without a reference."""
    letters = _CELL.match(reference)
    if letters is None:
        return None
    number = 0
    for letter in letters.group(1):
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def _xlsx_value(cell: ElementTree.Element, strings: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_X}is")
        return _string(inline) if inline is not None else ""
    value = (cell.findtext(f"{_X}v") or "").strip()
    if kind == "s":
        return strings[int(value)] if value.isdigit() and int(value) < len(strings) else ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    return value


def _ods_rows(table: ElementTree.Element) -> list[list[str]]:
    rows = []
    for row in odf_rows(table):
        values = []
        for cell in row:
            if cell.tag not in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
                continue
            text = odf_text(cell).strip() if cell.tag == f"{TABLE}table-cell" else ""
            values += [text] * min(_repeated(cell, "columns"), MAX_REPEAT)
        rows += [values] * min(_repeated(row, "rows"), MAX_REPEAT if any(values) else 1)
    return rows


def _repeated(element: ElementTree.Element, what: str) -> int:
    count = element.get(f"{TABLE}number-{what}-repeated", "1")
    return int(count) if count.isdigit() and int(count) > 0 else 1
