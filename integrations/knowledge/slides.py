"""Slides read for the chunker's outline: PowerPoint's .pptx and OpenDocument's .odp (LibreOffice Impress), a slide a
section headed "Slide N: its title", a shape's text a paragraph, a table a row a paragraph, the speaker's notes
after the slide's own text as "Notes: ...".

Placeholders a slide shows of its own accord (the slide number, the date, the footer) are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree

from .chunker import Heading
from .office import OFFICE, odf_blocks, odf_content
from .packages import MC_FALLBACK, R_ID, open_package, related_parts, xml_part

_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_PRESENTATION = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"
_LEFT_OUT = frozenset({"dt", "ftr", "sldNum", "hdr", "sldImg"})
"""PowerPoint's placeholders of a date, footer, slide number, header, and a notes page's picture of its slide."""
_ODP_LEFT_OUT = frozenset({"date-time", "footer", "page-number", "header", "page"})
"""The same as LibreOffice names them in presentation:class ("page": a notes page's picture of its slide)."""


def _slide(number: int, shapes: list[tuple[str | None, str]], notes: list[str]) -> list[Heading | str]:
    """A slide's section: its heading ("Slide 3: Prices", or "Slide 3" without a title), the text of its shapes
    other than the title ((kind, text); the title's kind "title"), the speaker's notes ("Notes: ...")."""
    title = " ".join(next((text for kind, text in shapes if kind == "title"), "").split())
    blocks: list[Heading | str] = [Heading(1, f"Slide {number}: {title}" if title else f"Slide {number}")]
    blocks += [text for kind, text in shapes if kind != "title"]
    if said := "\n".join(notes):
        blocks.append(f"Notes: {said}")
    return blocks


# --- PowerPoint -------------------------------------------------------------------------------------


def pptx_outline(name: str, data: bytes) -> list[Heading | str]:
    """A .pptx file's slides in the order shown (hidden ones too), each its heading, texts, tables and notes."""
    kind = "PowerPoint presentation"
    blocks: list[Heading | str] = []
    with open_package(name, data, kind) as archive:
        presentation = xml_part(name, archive, "ppt/presentation.xml", kind)
        parts = related_parts(name, archive, "ppt/presentation.xml", kind)
        slide_ids = presentation.iterfind(f"{_P}sldIdLst/{_P}sldId")
        for number, slide_id in enumerate(slide_ids, 1):
            _type, part = parts.get(slide_id.get(R_ID, ""), ("", ""))
            if not part:
                continue
            notes = next((path for relation, path in related_parts(name, archive, part, kind).values()
                          if relation == "notesSlide"), None)
            said = _shapes(xml_part(name, archive, notes, kind)) if notes else []
            blocks += _slide(number, _shapes(xml_part(name, archive, part, kind)),
                             [text for placeholder, text in said if placeholder == "body"])
    return blocks


def _shapes(slide: ElementTree.Element) -> list[tuple[str | None, str]]:
    """A slide's (or notes page's) shapes with text, in the order drawn: (placeholder type, "title" for a slide's
    title, None for a shape of its own; its text, a paragraph a line, or a table's rows)."""
    tree = slide.find(f"{_P}cSld/{_P}spTree")
    return [] if tree is None else [(kind, text) for kind, text in _walk(tree) if kind not in _LEFT_OUT and text]


def _walk(group: ElementTree.Element) -> Iterator[tuple[str | None, str]]:
    for shape in group:
        tag = shape.tag
        if tag == f"{_P}sp" and (body := shape.find(f"{_P}txBody")) is not None:
            placeholder = shape.find(f"{_P}nvSpPr/{_P}nvPr/{_P}ph")
            kind = None if placeholder is None else placeholder.get("type", "body")
            kind = "title" if kind == "ctrTitle" else kind  # a title slide's
            yield kind, "\n".join(line for p in body.iterfind(f"{_A}p") if (line := _paragraph(p).strip()))
        elif tag == f"{_P}graphicFrame":
            for table in shape.iter(f"{_A}tbl"):
                for row in table.iterfind(f"{_A}tr"):
                    cells = [" ".join(_paragraph_lines(cell).split()) for cell in row.iterfind(f"{_A}tc")]
                    yield None, " | ".join(cell for cell in cells if cell)
        elif tag == f"{_P}grpSp":
            yield from _walk(shape)
        elif tag.endswith("}AlternateContent"):  # a newer kind of shape, with a copy for older readers
            for choice in shape:
                if choice.tag != MC_FALLBACK:
                    yield from _walk(choice)


def _paragraph(p: ElementTree.Element) -> str:
    """A DrawingML paragraph's text: its runs and fields (a date, a slide number) as shown, line breaks as such."""
    return "".join("\n" if child.tag == f"{_A}br" else child.findtext(f"{_A}t") or ""
                   for child in p if child.tag in (f"{_A}r", f"{_A}fld", f"{_A}br"))


def _paragraph_lines(cell: ElementTree.Element) -> str:
    return "\n".join(_paragraph(p) for p in cell.iter(f"{_A}p"))


# --- OpenDocument -----------------------------------------------------------------------------------


def odp_outline(name: str, data: bytes) -> list[Heading | str]:
    """An .odp file's slides (LibreOffice's pages), each its heading, texts, tables and notes."""
    content = odf_content(name, data, "OpenDocument presentation")
    blocks: list[Heading | str] = []
    pages = content.iterfind(f"{OFFICE}body/{OFFICE}presentation/{_DRAW}page")
    for number, page in enumerate(pages, 1):
        notes = page.find(f"{_PRESENTATION}notes")
        blocks += _slide(number, list(_odp_shapes(page)),
                         [] if notes is None else [text for _kind, text in _odp_shapes(notes)])
    return blocks


def _odp_shapes(group: ElementTree.Element) -> Iterator[tuple[str | None, str]]:
    """A page's shapes with text, in the order drawn: (presentation:class, or None; the text)."""
    for shape in group:
        kind = shape.get(f"{_PRESENTATION}class")
        if shape.tag == f"{_DRAW}g":
            yield from _odp_shapes(shape)
        elif kind not in _ODP_LEFT_OUT and shape.tag.startswith(_DRAW):
            # a frame's text box or table, a shape's own paragraphs: a heading within is read as a line
            if text := "\n".join(block if isinstance(block, str) else block.text for block in odf_blocks(shape)):
                yield kind, text

