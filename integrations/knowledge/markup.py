"""HTML pages and Word documents (.docx) read as headings and paragraphs, for the chunker's outline.

Both are read with Python's own parsers: html.parser, and zipfile with ElementTree for a .docx (a zip of
WordprocessingML). A heading is an h1-h6 element, or a Word paragraph whose style is a heading by its built-in
name ("heading 2"; the style's id is translated in Word's other languages) or by its outline level.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from xml.etree import ElementTree

from .chunker import DocumentError, Heading

MAX_PART_BYTES = 64 * 1024 * 1024
"""The most a part of a .docx may unpack to (a zip that unpacks to far more than it holds is refused)."""

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
"""A drawing's copy for older readers: its text is the same as the drawing's own, read once."""
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_LINE = "\u2028"
"""Stands for a <br> in the text being gathered (whitespace is folded around it, as a browser does)."""


# --- HTML ---------------------------------------------------------------------------------------


def html_outline(name: str, data: bytes) -> tuple[str | None, list[Heading | str]]:
    """The page's <title> (None without one) and its headings and paragraphs (DocumentError when it is not text
    in its charset)."""
    charset = _html_charset(data)
    try:
        text = data.decode(charset)
    except (UnicodeDecodeError, LookupError) as err:
        raise DocumentError(f"{name}: not {charset} text, as the page says or as is assumed ({err}); save it as"
                            " UTF-8") from None
    reader = _HtmlReader()
    reader.feed(text)
    reader.close()
    return reader.title, reader.blocks


def _html_charset(data: bytes) -> str:
    """The encoding a page's byte order mark or <meta> names, else UTF-8 (a BOM's is read without it)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return name
    declared = _CHARSET.search(data[:4096])
    return declared.group(1).decode("ascii").lower() if declared else "utf-8"


class _HtmlReader(HTMLParser):
    """Headings and paragraphs as a browser would break them; script, style and the like left out."""

    HEADINGS = {f"h{level}": level for level in range(1, 7)}
    BREAKS = frozenset({"address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div",
                        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li",
                        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot",
                        "tr", "ul"})
    SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "math", "object", "iframe"})
    CELLS = frozenset({"td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Heading | str] = []
        self.title: str | None = None
        self._text: list[str] = []
        self._skipping = 0
        self._heading: int | None = None
        self._in_title = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element: a break before a block, a heading, a cell or a line break in the text."""
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.HEADINGS:
            self._end_block()
            self._heading = self.HEADINGS[tag]
        elif tag == "br":
            self._text.append(_LINE)
        elif tag in self.CELLS and "".join(self._text).strip():
            self._text.append(" | ")
        elif tag in self.BREAKS:
            self._end_block()
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        """Close an element: the end of a heading or a block."""
        if tag in self.SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self.HEADINGS or tag in self.BREAKS:
            self._end_block()
        if tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        """Text: the title's, or the current block's."""
        if self._skipping:
            return
        if self._in_title:
            self.title = " ".join(((self.title or "") + " " + data).split()) or None
        else:
            self._text.append(data)

    def close(self) -> None:
        """The end of the page ends its last block."""
        super().close()
        self._end_block()

    def _end_block(self) -> None:
        text = "".join(self._text)
        self._text.clear()
        if self._pre:  # as written, but for the line breaks around it
            text = text.replace(_LINE, "\n").strip("\n")
        else:  # white space folds, as a browser shows it (a no-break space too, for the search); a <br> is a line
            text = "\n".join(" ".join(line.split()) for line in text.split(_LINE)).strip()
        if self._heading is not None:
            self.blocks.append(Heading(self._heading, " ".join(text.split())))
            self._heading = None
        elif text:
            self.blocks.append(text)


# --- Word -----------------------------------------------------------------------------------------


def word_outline(name: str, data: bytes) -> list[Heading | str]:
    """A .docx file's headings and paragraphs, its tables a row a paragraph (cells apart by " | ")."""
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(f"{name}: a Word 97-2003 document, or a .docx locked by a password: save it as a .docx"
                            " (Word Document) without a password")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError(f"{name}: not a Word document (a .docx is a zip archive; this is not one)") from None
    with archive:
        document = _part(name, archive, "word/document.xml")
        styles = _part(name, archive, "word/styles.xml", required=False)
    levels = _heading_levels(name, styles) if styles is not None else {}
    body = document.find(f"{_W}body")
    return list(_body_blocks(body, levels)) if body is not None else []


def _part(name: str, archive: zipfile.ZipFile, part: str, *, required: bool = True) -> ElementTree.Element | None:
    try:
        info = archive.getinfo(part)
    except KeyError:
        if required:
            raise DocumentError(f"{name}: not a Word document (it has no {part})") from None
        return None
    if info.file_size > MAX_PART_BYTES:
        raise DocumentError(f"{name}: its {part} would unpack to {info.file_size} bytes, more than the"
                            f" {MAX_PART_BYTES} a document's text may take")
    try:
        xml = archive.read(part)
    except (zipfile.BadZipFile, RuntimeError, OSError) as err:  # RuntimeError: a part locked by a password
        raise DocumentError(f"{name}: damaged ({part}: {err})") from None
    if b"<!DOCTYPE" in xml:  # WordprocessingML has none; entity definitions could make it unpack without end
        raise DocumentError(f"{name}: its {part} declares a DOCTYPE, which a Word document never does")
    try:
        return ElementTree.fromstring(xml)
    except ElementTree.ParseError as err:
        raise DocumentError(f"{name}: damaged ({part}: {err})") from None


def _heading_levels(name: str, styles: ElementTree.Element) -> dict[str, int]:
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
            elif tag != _FALLBACK:
                walk(child)

    walk(element)
    return "".join(parts)
