"""Spreadsheets read for the chunker's outline: CSV, Excel's .xlsx and its older .xls, and OpenDocument's .ods
(LibreOffice), a sheet a section (headed by its name) and a row a paragraph.

A row under a header row reads "Item: Rye bread; Price: 4.20", so that a passage says what each value is; a sheet
whose first row does not look like a header (one column, an empty or a numeric cell) has its rows read as cells apart
by " | ".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from .chunker import DocumentError, Heading
from .office import OFFICE, TABLE, odf_content, odf_rows, odf_text
from .packages import R_ID, open_package, optional_part, related_parts, xml_part

_X = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
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
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))  # lines end in \n, \r\n or \r
    try:
        return list(rows_as_paragraphs(list(rows)))
    except csv.Error as err:
        raise DocumentError(f"{name}: not a readable CSV file (line {rows.line_num}: {err})") from None


def _delimiter(text: str) -> str:
    """The separator that splits the first rows into the same number of columns, the most (csv.Sniffer takes the
    comma of "4,20" in a file separated by semicolons, as Excel writes them where the comma is decimal)."""
    lines = text.splitlines()[:20]
    best, best_score = ",", (0, 0)
    for delimiter in ",;\t":
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:  # a field over the csv module's limit: the reading below names it
            continue
        if counts and counts[0] > 1:
            score = (sum(count == counts[0] for count in counts), counts[0])
            if score > best_score:
                best, best_score = delimiter, score
    return best


def xlsx_outline(name: str, data: bytes) -> list[Heading | str]:
    """An .xlsx file's sheets, in the workbook's order: their names as headings, their rows (the values as
    saved, a formula's its last result; a date or time as 2025-05-01, 08:30 or both)."""
    kind = "Excel workbook"
    with open_package(name, data, kind) as archive:
        workbook = xml_part(name, archive, "xl/workbook.xml", kind)
        sheets = related_parts(name, archive, "xl/workbook.xml", kind)
        shared = optional_part(name, archive, "xl/sharedStrings.xml", kind)
        styles = optional_part(name, archive, "xl/styles.xml", kind)
        book = _Book([_string(item) for item in shared.iter(f"{_X}si")] if shared is not None else [],
                     _shown_as(styles) if styles is not None else [], _epoch(workbook))
        blocks: list[Heading | str] = []
        for sheet in workbook.iter(f"{_X}sheet"):
            _type, part = sheets.get(sheet.get(R_ID, ""), ("", ""))
            cells = optional_part(name, archive, part, kind) if part else None
            if cells is not None:
                blocks.append(Heading(1, sheet.get("name") or part))
                blocks += rows_as_paragraphs(_xlsx_rows(cells, book))
    return blocks


def xls_outline(name: str, data: bytes) -> list[Heading | str]:
    """An Excel 97-2003 .xls file's sheets, read by xlrd: their names as headings, their rows (the values as saved; a
    date or time as 2025-05-01, 08:30 or both)."""
    import xlrd  # only when an .xls is read: 19 ms and 4 MiB here

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as err:
        raise DocumentError(f"{name}: not a readable Excel 97-2003 workbook ({err})") from None
    blocks: list[Heading | str] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            blocks.append(Heading(1, sheet.name))
            blocks += rows_as_paragraphs([[_xls_value(cell, book.datemode) for cell in sheet.row(row)]
                                          for row in range(sheet.nrows)])
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return blocks


def _xls_value(cell: Any, datemode: int) -> str:
    """An .xls cell's value as text (xlrd's cell types: 1 text, 2 number, 3 date, 4 boolean)."""
    if cell.ctype == 1:
        return str(cell.value)
    if cell.ctype == 2:
        return str(int(cell.value)) if float(cell.value).is_integer() else repr(cell.value)
    if cell.ctype == 4:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype == 3:
        epoch = dt.datetime(1904, 1, 1) if datemode else dt.datetime(1899, 12, 30)
        try:
            moment = epoch + dt.timedelta(days=cell.value)
        except OverflowError:
            return repr(cell.value)
        moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)  # to the nearest second
        shown = "time" if cell.value < 1 else "date" if float(cell.value).is_integer() else "datetime"
        return f"{moment:{_SHOWN[shown]}}" + (f":{moment:%S}" if moment.second and shown != "date" else "")
    return ""  # empty, blank, or an error value


def ods_outline(name: str, data: bytes) -> list[Heading | str]:
    """An .ods file's sheets: their names as headings, their rows (the values as the sheet shows them)."""
    content = odf_content(name, data, "OpenDocument spreadsheet")
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


@dataclass(frozen=True, slots=True)
class _Book:
    """What an .xlsx's cells refer to: its shared strings, how each cell style shows a number, its day zero."""

    strings: list[str]
    shown_as: list[str]
    """Per cell style (a cell's s): "date", "time", "datetime" or "" (a number)."""
    epoch: dt.datetime


def _xlsx_rows(sheet: ElementTree.Element, book: _Book) -> list[list[str]]:
    rows = []
    for row in sheet.iter(f"{_X}row"):
        values: list[str] = []
        for cell in row.iter(f"{_X}c"):
            column = _column(cell.get("r", ""))
            if column is not None and column >= len(values):
                values += [""] * (column - len(values))  # the empty cells between are not written
            values.append(_xlsx_value(cell, book))
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


def _xlsx_value(cell: ElementTree.Element, book: _Book) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_X}is")
        return _string(inline) if inline is not None else ""
    value = (cell.findtext(f"{_X}v") or "").strip()
    if kind == "s":
        return book.strings[int(value)] if value.isdigit() and int(value) < len(book.strings) else ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    style = cell.get("s", "0")
    shown = book.shown_as[int(style)] if style.isdigit() and int(style) < len(book.shown_as) else ""
    if kind == "n" and shown and value:
        try:
            moment = book.epoch + dt.timedelta(days=float(value))
        except (ValueError, OverflowError):
            return value
        moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)  # to the nearest second
        return f"{moment:{_SHOWN[shown]}}" + (f":{moment:%S}" if moment.second and shown != "date" else "")
    return value


_DATE_FORMATS = frozenset({14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)})
_TIME_FORMATS = frozenset({18, 19, 20, 21, 22, 45, 46, 47})
"""Excel's built-in number formats (by number) that show a date, a time (22: both)."""
_SHOWN = {"date": "%Y-%m-%d", "time": "%H:%M", "datetime": "%Y-%m-%d %H:%M"}


def _shown_as(styles: ElementTree.Element) -> list[str]:
    """For each cell style, whether its number format shows a date, a time or both (Excel's built-in formats by
    number, the workbook's own by their codes), else ""."""
    codes = {int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "") for fmt in styles.iter(f"{_X}numFmt")}
    cell_styles = styles.find(f"{_X}cellXfs")
    shown = []
    for style in cell_styles.iter(f"{_X}xf") if cell_styles is not None else ():
        number = int(style.get("numFmtId", "0")) if style.get("numFmtId", "0").isdigit() else 0
        if number in codes:
            code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", codes[number]).lower()  # text, escapes, [colours]
            date, time = "y" in code or "d" in code, "h" in code or "s" in code
        else:
            date, time = number in _DATE_FORMATS, number in _TIME_FORMATS
        shown.append("datetime" if date and time else "date" if date else "time" if time else "")
    return shown


def _epoch(workbook: ElementTree.Element) -> dt.datetime:
    """Day 0 of the workbook's serial dates: Excel's 1900 system (counted from 1899-12-30, as its 1900 leap day
    is), or the 1904 one of old Macs."""
    properties = workbook.find(f"{_X}workbookPr")
    if properties is not None and properties.get("date1904") in ("1", "true"):
        return dt.datetime(1904, 1, 1)
    return dt.datetime(1899, 12, 30)


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
