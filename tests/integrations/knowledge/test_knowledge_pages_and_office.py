"""HTML pages, Word and OpenDocument documents in the knowledge folder: headings become the passages' titles, paragraphs and table
rows their text; what a reader does not see (scripts, deleted text, field codes) is left out."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx as python_docx
import pytest

from integrations.knowledge.chunker import DocumentError
from integrations.knowledge.documents import document_chunks
from integrations.knowledge.index import KnowledgeIndex
from tests.helpers.office_files import docx, opendocument, paragraph

PAGE = """<!doctype html>
<html><head><meta charset="iso-8859-1"><title>The Bakery</title>
<style>h1 { color: red }</style><script>var secret = "not for the index";</script></head>
<body><nav><a href="/">Home</a></nav>
<h1>Opening hours</h1>
<p>We open at <b>seven</b>
   and close at six;<br>on Sundays at noon.</p>
<table><tr><th>Day</th><th>Hours</th></tr><tr><td>Mon&ndash;Fri</td><td>7&nbsp;-&nbsp;18</td></tr></table>
<h2>Caf\xe9</h2><ul><li>Espresso</li><li>Tea &amp; cake</li></ul>
<pre>  kept   as
  written</pre>
</body></html>"""


def _chunks(name: str, data: bytes) -> list[tuple[str, str]]:
    return [(chunk.title, chunk.text) for chunk in document_chunks(name, data, max_chars=60)]


def test_an_html_page_is_read_as_a_browser_shows_it() -> None:
    chunks = _chunks("bakery.html", PAGE.encode("latin-1"))
    assert chunks[0] == ("The Bakery", "Home")
    assert chunks[1] == ("Opening hours", "We open at seven and close at six;\non Sundays at noon.")
    assert ("Opening hours", "Day | Hours\n\nMon\u2013Fri | 7 - 18") in chunks
    assert ("Opening hours > Caf\xe9", "Espresso\n\nTea & cake\n\n  kept   as\n  written") in chunks
    assert not any("secret" in text or "color" in text for _title, text in chunks)


def test_an_html_page_that_is_not_in_its_charset_is_named() -> None:
    with pytest.raises(DocumentError, match=r"page.htm: not utf-8 text, as the page says or as is assumed"):
        document_chunks("page.htm", "<p>Caf\xe9</p>".encode("latin-1"), max_chars=800)
    assert _chunks("bom.htm", b"\xef\xbb\xbf<p>Caf\xc3\xa9</p>") == [("bom", "Caf\xe9")]


def test_a_word_document_written_by_python_docx() -> None:
    made = python_docx.Document()
    made.add_heading("Oven manual", level=0)  # the Title style
    made.add_paragraph("Read this before the first bake.")
    made.add_heading("Cleaning", level=1)
    made.add_paragraph("Brush the stone when it is cold.")
    table = made.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Part", "Every"), ("Stone", "day")], strict=True):
        row.cells[0].text, row.cells[1].text = cells
    made.add_heading("Descaling", level=2)
    made.add_paragraph("Once a month, with citric acid.")
    out = io.BytesIO()
    made.save(out)
    assert _chunks("oven.docx", out.getvalue()) == [
        ("Oven manual", "Read this before the first bake."),
        ("Oven manual > Cleaning", "Brush the stone when it is cold.\n\nPart | Every\n\nStone | day"),
        ("Oven manual > Cleaning > Descaling", "Once a month, with citric acid."),
    ]


def test_word_headings_in_another_language_and_what_a_reader_does_not_see() -> None:
    styles = (  # German Word: the style ids are translated, the built-in names are not
        '<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Kapitel"><w:name w:val="Kapitel"/><w:basedOn w:val="berschrift1"/>'
        "</w:style>"
        '<w:style w:type="paragraph" w:styleId="Gliederung"><w:name w:val="Gliederung"/>'
        '<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Standard"><w:name w:val="Normal"/></w:style>')
    body = (
        paragraph("Ofen", "berschrift1")
        + "<w:p><w:r><w:t>Vorheizen auf </w:t></w:r><w:del><w:r><w:delText>200</w:delText></w:r></w:del>"
          "<w:ins><w:r><w:t>240</w:t></w:r></w:ins><w:r><w:t> Grad.</w:t></w:r></w:p>"
        + paragraph("Reinigung", "Gliederung")
        + "<w:p><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>Seite 3</w:t></w:r><w:r><w:tab/></w:r>"
          "<w:r><w:t>kalt</w:t></w:r></w:p>"
        + "<w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>"
          + paragraph("Achtung: heiss") + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict>"
          "<w:txbxContent>" + paragraph("Achtung: heiss") + "</w:txbxContent></w:pict></mc:Fallback>"
          "</mc:AlternateContent></w:r></w:p>"
        + paragraph("Zubehör", "Kapitel")
        + "<w:sdt><w:sdtContent>" + paragraph("Schieber und Bürste", "Standard") + "</w:sdtContent></w:sdt>")
    assert _chunks("ofen.docx", docx(body, styles)) == [
        ("Ofen", "Vorheizen auf 240 Grad."),
        ("Ofen > Reinigung", "Seite 3\tkalt\n\nAchtung: heiss"),
        ("Zubehör", "Schieber und Bürste"),
    ]


@pytest.mark.parametrize(("data", "said"), [
    (b"PK\x03\x04 not really", "not a Word document (it is a zip archive; this is not one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "a file of Office 97-2003, or one locked by a password: save it in the format of its name (.docx)"),
    (docx("", document='<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><w:document/>'),
     "its word/document.xml declares a DOCTYPE"),
    (docx("", document="<w:document><w:body>"), "damaged (word/document.xml: "),
])
def test_a_file_that_is_no_readable_word_document_is_named(data: bytes, said: str) -> None:
    with pytest.raises(DocumentError) as refused:
        document_chunks("manual.docx", data, max_chars=800)
    assert str(refused.value).startswith(f"manual.docx: {said}")


def test_a_word_document_that_would_unpack_to_too_much_is_refused_unread() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (65 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000
    with pytest.raises(DocumentError, match=r"would unpack to 68157440 bytes, more than the 67108864"):
        document_chunks("bomb.docx", out.getvalue(), max_chars=800)


def test_an_opendocument_text() -> None:
    text = (
        '<text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>'
        '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
        "<text:p>removed words</text:p></text:deletion></text:changed-region></text:tracked-changes>"
        '<text:h text:outline-level="1">Oven</text:h>'
        '<text:p>Preheat to <text:span text:style-name="T1">240</text:span> degrees.<text:s text:c="3"/>Then'
        "<text:tab/>bake.<text:line-break/>Mind the door"
        '<office:annotation><dc:creator>Ann</dc:creator><text:p>check this</text:p></office:annotation>.'
        '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body>'
        "<text:p>a footnote</text:p></text:note-body></text:note></text:p>"
        '<text:h text:outline-level="2">Cleaning</text:h>'
        "<text:list><text:list-item><text:p>Brush the stone</text:p></text:list-item>"
        "<text:list-item><text:p>Wipe the glass</text:p></text:list-item></text:list>"
        '<table:table table:name="Table1"><table:table-header-rows><table:table-row>'
        "<table:table-cell><text:p>Part</text:p></table:table-cell><table:table-cell><text:p>Every</text:p>"
        "</table:table-cell></table:table-row></table:table-header-rows><table:table-row><table:table-cell>"
        "<text:p>Stone</text:p></table:table-cell><table:table-cell><text:p>day</text:p><text:p>(cold)</text:p>"
        "</table:table-cell></table:table-row></table:table>")
    assert _chunks("oven.odt", opendocument(text)) == [
        ("Oven", "Preheat to 240 degrees.   Then\tbake.\nMind the door."),
        ("Oven > Cleaning", "Brush the stone\n\nWipe the glass\n\nPart | Every"),
        ("Oven > Cleaning", "Stone | day (cold)"),
    ]
    with pytest.raises(DocumentError, match=r"^locked.odt: the document is locked by a password"):
        document_chunks("locked.odt", opendocument("<text:p>secret</text:p>", encrypted=True), max_chars=800)


async def test_pages_and_word_documents_are_searched(index: KnowledgeIndex, docs: Path) -> None:
    (docs / "bakery.html").write_bytes(PAGE.encode("latin-1"))
    (docs / "ofen.docx").write_bytes(docx(paragraph("Ofen", "Heading1") + paragraph("Vorheizen auf 240 Grad."),
                                          '<w:style w:type="paragraph" w:styleId="Heading1">'
                                          '<w:name w:val="heading 1"/></w:style>'))
    stats = await index.reindex(docs)
    assert stats.errors == ()
    hours = (await index.search("close at six on sundays"))[0]
    assert (hours.path, hours.title) == ("bakery.html", "Opening hours")
    [oven] = await index.search("Vorheizen")
    assert (oven.path, oven.title) == ("ofen.docx", "Ofen")
