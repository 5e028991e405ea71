"""Office documents read as headings and paragraphs for the chunker's outline: Word's .docx and OpenDocument's
.odt (LibreOffice), each a zip of XML, read with Python's own zipfile and ElementTree.

A Word heading is a paragraph whose style is a heading by its built-in name ("heading 2"; the style's id is
translated in Word's other languages) or by its outline level; an OpenDocument heading is a text:h with its
outline level. Tables are read a row a paragraph, the cells apart by " | ".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree import ElementTree

from .chunker import DocumentError, Heading
from .packages import MC_FALLBACK, open_package, optional_part, xml_part

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_ODF_LEFT_OUT = frozenset({f"{OFFICE}annotation", f"{OFFICE}annotation-end", f"{TEXT}note",
                           f"{TEXT}tracked-changes", f"{TEXT}sequence-decls", f"{TEXT}soft-page-break"})
"""Comments, footnotes (a reader meets them apart from the text), deleted tracked changes, declarations."""


# --- Word -----------------------------------------------------------------------------------------


def word_outline(name: str, data: bytes) -> list[Heading | str]:
    """A .docx file's headings and paragraphs, its tables a row a paragraph (cells apart by " | ")."""
    with open_package(name, data, "Word document") as archive:
        document = xml_part(name, archive, "word/document.xml", "Word document")
        styles = optional_part(name, archive, "word/styles.xml", "Word document")
    levels = _heading_levels(styles) if styles is not None else {}
    body = document.find(f"{_W}body")
    return list(_body_blocks(body, levels)) if body is not None else []


def _heading_levels(styles: ElementTree.Element) -> dict[str, int]:
    """Paragraph style id -> heading level: built-in names ("heading 1", "Title") are English in every language of
    Word; other styles count by their outline level, their own or the style they are based on."""
    own: dict[str, int | None] = {}
    based_on: dict[str, str] = {}
    for style in styles.iter(f"{_W}style"):
        if style.get(f"{_W}type") != "paragraph" or not (style_id := style.get(f"{_W}styleId")):
            continue
        style_name = (_value(style.find(f"{_W}name")) or "").lower()
        heading = re.fullmatch(r"heading ([1-9])", style_name)
        outline = _value(style.find(f"{_W}pPr/{_W}outlineLvl"))
        own[style_id] = (int(heading.group(1)) if heading else 0 if style_name == "title"
                         else _outline_level(outline))
        if (parent := _value(style.find(f"{_W}basedOn"))) is not None:
            based_on[style_id] = parent
    return {style_id: level for style_id in own if (level := _inherited(style_id, own, based_on)) is not None}


def _inherited(style_id: str, own: dict[str, int | None], based_on: dict[str, str]) -> int | None:
    """A style's heading level, its own or the nearest of the styles it is based on (a loop among them is cut)."""
    current: str | None = style_id
    for _ in range(10):
        if current is None:
            return None
        if (level := own.get(current)) is not None:
            return level
        current = based_on.get(current)
    return None


def _outline_level(value: str | None) -> int | None:
    """An outlineLvl (0 is the top, 9 body text) as a heading level, or None."""
    return int(value) + 1 if value is not None and value.isdigit() and int(value) < 9 else None


def _value(element: ElementTree.Element | None) -> str | None:
    return None if element is None else element.get(f"{_W}val")


def _body_blocks(container: ElementTree.Element, levels: dict[str, int]) -> Iterator[Heading | str]:
    for element in container:
        if element.tag == f"{_W}p":
            text = _text(element).strip()
            level = _outline_level(_value(element.find(f"{_W}pPr/{_W}outlineLvl")))
            level = level or levels.get(_value(element.find(f"{_W}pPr/{_W}pStyle")) or "")
            if level is not None and text:
                yield Heading(level, " ".join(text.split()))
            elif text:
                yield text
        elif element.tag == f"{_W}tbl":
            for row in element.findall(f"{_W}tr"):  # a table within a cell is read as the cell's text
                cells = [" ".join(_text(cell).split()) for cell in row.findall(f"{_W}tc")]
                if line := " | ".join(cell for cell in cells if cell):
                    yield line
        elif element.tag == f"{_W}sdt" and (content := element.find(f"{_W}sdtContent")) is not None:
            yield from _body_blocks(content, levels)


def _text(element: ElementTree.Element) -> str:
    """The text of a paragraph or cell as shown: its runs' text, tabs and line breaks (deleted text, field codes
    and a drawing's fallback copy left out)."""
    parts: list[str] = []

    def walk(node: ElementTree.Element) -> None:
        for child in node:
            tag = child.tag
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag == f"{_W}tab":
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}p" and parts:  # a paragraph within (a cell's next one, a text box's)
                parts.append("\n")
                walk(child)
            elif tag != MC_FALLBACK:
                walk(child)

    walk(element)
    return "".join(parts)


# --- OpenDocument -----------------------------------------------------------------------------------


def odt_outline(name: str, data: bytes) -> list[Heading | str]:
    """An .odt file's headings and paragraphs (lists' items each a paragraph), its tables a row a paragraph."""
    text = odf_content(name, data, "OpenDocument text").find(f"{OFFICE}body/{OFFICE}text")
    return list(odf_blocks(text)) if text is not None else []


def odf_content(name: str, data: bytes, kind: str) -> ElementTree.Element:
    """An OpenDocument file's content.xml (DocumentError for one locked by a password, which keeps it encrypted)."""
    with open_package(name, data, kind) as archive:
        manifest = optional_part(name, archive, "META-INF/manifest.xml", kind)
        if manifest is not None and manifest.find(f".//{_MANIFEST}encryption-data") is not None:
            raise DocumentError(f"{name}: the document is locked by a password; save a copy without it in the folder")
        return xml_part(name, archive, "content.xml", kind)


def odf_blocks(container: ElementTree.Element) -> Iterator[Heading | str]:
    """The headings and paragraphs an OpenDocument element holds (a text's body, a text box), tables a row each."""
    for element in container:
        tag = element.tag
        if tag == f"{TEXT}h":
            level = element.get(f"{TEXT}outline-level", "1")
            if heading := " ".join(odf_text(element).split()):
                yield Heading(int(level) if level.isdigit() else 1, heading)
        elif tag == f"{TEXT}p":
            if text := odf_text(element).strip():
                yield text
        elif tag == f"{TABLE}table":
            for row in odf_rows(element):
                cells = [" ".join(odf_text(cell).split()) for cell in row.findall(f"{TABLE}table-cell")]
                if line := " | ".join(cell for cell in cells if cell):
                    yield line
        elif tag not in _ODF_LEFT_OUT:  # lists, list items, sections, an index's body
            yield from odf_blocks(element)


def odf_rows(table: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """A table's rows, in their groups (header rows, row groups) too, not those of a table within a cell."""
    for child in table:
        if child.tag == f"{TABLE}table-row":
            yield child
        elif child.tag in (f"{TABLE}table-header-rows", f"{TABLE}table-rows", f"{TABLE}table-row-group"):
            yield from odf_rows(child)


def odf_text(element: ElementTree.Element) -> str:
    """The text of a paragraph, heading or cell as shown: spans and links read through, text:s as its count of
    spaces, tabs and line breaks; comments, footnotes and deleted changes left out."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{TEXT}s":
            count = child.get(f"{TEXT}c", "1")
            parts.append(" " * (int(count) if count.isdigit() else 1))
        elif tag == f"{TEXT}tab":
            parts.append("\t")
        elif tag == f"{TEXT}line-break":
            parts.append("\n")
        elif tag == f"{TEXT}p" and "".join(parts).strip():  # a cell's next paragraph
            parts.append("\n" + odf_text(child))
        elif tag not in _ODF_LEFT_OUT:
            parts.append(odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
