"""Slides (PowerPoint, LibreOffice Impress) and e-books (EPUB) in the knowledge folder: a slide is a section headed by
its number and title, with its notes; a book's chapters are read in its reading order under its headings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from ebooklib import epub
from pptx import Presentation
from pptx.oxml import parse_xml
from pptx.util import Inches

from integrations.knowledge.chunker import DocumentError
from integrations.knowledge.documents import document_chunks
from integrations.knowledge.index import KnowledgeIndex
from tests.helpers.office_files import epub2, opendocument

SLIDE_NUMBER = (  # as PowerPoint writes a slide number shown on a slide: a field whose text is the number
    '<p:sp xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:nvSpPr><p:cNvPr id="9" name="Slide Number"/>'
    '<p:cNvSpPr/><p:nvPr><p:ph type="sldNum" sz="quarter" idx="12"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody>'
    '<a:bodyPr/><a:p><a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum"><a:t>2</a:t></a:fld></a:p>'
    "</p:txBody></p:sp>")


def _chunks(name: str, data: bytes, max_chars: int = 800) -> list[tuple[str, str]]:
    return [(chunk.title, chunk.text) for chunk in document_chunks(name, data, max_chars=max_chars)]


def _deck() -> bytes:
    """A deck made with python-pptx: a title slide, bullets with notes and a table, a slide without a title whose
    text is in a group; the first slide moved to the end, as a person reorders slides."""
    deck = Presentation()
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = "Bakery plan 2026"
    cover.placeholders[1].text = "For the team"
    prices = deck.slides.add_slide(deck.slide_layouts[1])
    prices.shapes.title.text = "Prices"
    bullets = prices.placeholders[1].text_frame
    bullets.text = "Rye bread 4.20"
    bullets.add_paragraph().text = "Plum cake 3.10"
    table = prices.shapes.add_table(2, 2, Inches(1), Inches(5), Inches(4), Inches(1)).table
    for (row, column), text in {(0, 0): "Day", (0, 1): "Opens", (1, 0): "Sunday", (1, 1): "noon"}.items():
        table.cell(row, column).text = text
    prices.shapes._spTree.append(parse_xml(SLIDE_NUMBER))
    prices.notes_slide.notes_text_frame.text = "Say that the rye is from the mill in Kleve."
    loose = deck.slides.add_slide(deck.slide_layouts[6])  # blank: no title
    group = loose.shapes.add_group_shape()
    group.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1)).text_frame.text = "Deliveries before seven"
    order = deck.slides._sldIdLst
    order.append(order[0])  # the cover last
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def test_a_powerpoint_deck_written_by_python_pptx() -> None:
    assert _chunks("plan.pptx", _deck()) == [
        ("Slide 1: Prices", "Rye bread 4.20\nPlum cake 3.10\n\nDay | Opens\n\nSunday | noon\n\n"
                            "Notes: Say that the rye is from the mill in Kleve."),
        ("Slide 2", "Deliveries before seven"),
        ("Slide 3: Bakery plan 2026", "For the team"),
    ]


def test_an_opendocument_presentation() -> None:
    def frame(kind: str, inner: str) -> str:
        return f'<draw:frame presentation:class="{kind}"><draw:text-box>{inner}</draw:text-box></draw:frame>'

    pages = (
        '<draw:page draw:name="page1">'
        + frame("title", "<text:p>Oven care</text:p>")
        + frame("outline", "<text:list><text:list-item><text:p>Brush the stone</text:p></text:list-item>"
                           "<text:list-item><text:p>Wipe the <text:span>glass</text:span></text:p></text:list-item>"
                           "</text:list>")
        + frame("page-number", "<text:p><text:page-number>1</text:page-number></text:p>")
        + '<draw:custom-shape><text:p>Hot!</text:p></draw:custom-shape>'
        + '<presentation:notes><draw:page-thumbnail presentation:class="page"/>'
        + frame("notes", "<text:p>Only when it is cold.</text:p>") + "</presentation:notes></draw:page>"
        + '<draw:page draw:name="page2"><draw:frame><table:table><table:table-row><table:table-cell><text:p>Part'
          "</text:p></table:table-cell><table:table-cell><text:p>Every</text:p></table:table-cell></table:table-row>"
          "</table:table></draw:frame></draw:page>")
    assert _chunks("oven.odp", opendocument(pages, kind="presentation")) == [
        ("Slide 1: Oven care", "Brush the stone\nWipe the glass\n\nHot!\n\nNotes: Only when it is cold."),
        ("Slide 2", "Part | Every"),
    ]


def _book() -> bytes:
    """A book made with EbookLib (EPUB 3): its navigation document first in the spine, the chapters in an order of
    their own, one file name with a space."""
    book = epub.EpubBook()
    book.set_identifier("bakery-1")
    book.set_title("The  Bakery Book")
    book.set_language("en")
    bread = epub.EpubHtml(title="Bread", file_name="bread chapter.xhtml", lang="en")
    bread.content = "<h1>Bread</h1><p>Knead the rye dough for ten minutes.</p>"
    cake = epub.EpubHtml(title="Cake", file_name="cake.xhtml", lang="en")
    cake.content = "<h1>Cake</h1><h2>Icing</h2><p>Sugar &amp; lemon, stirred cold.</p>"
    preface = epub.EpubHtml(title="Preface", file_name="preface.xhtml", lang="en")
    preface.content = "<p>Written in the bakery's kitchen.</p>"
    for chapter in (bread, cake, preface):
        book.add_item(chapter)
    book.toc = (preface, bread, cake)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", preface, bread, cake]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def test_an_epub_written_by_ebooklib_is_read_in_its_reading_order() -> None:
    assert _chunks("bakery.epub", _book()) == [
        ("The Bakery Book", "Written in the bakery's kitchen."),
        ("Bread", "Knead the rye dough for ten minutes."),
        ("Cake > Icing", "Sugar & lemon, stirred cold."),
    ]


def test_an_epub_2_with_obfuscated_fonts_is_read_and_one_locked_by_drm_is_refused() -> None:
    chapters = {"Chapter One.xhtml": "<h2>Starter</h2><p>Feed it flour and water.</p>",
                "notes.xhtml": "<p>The end.</p>"}
    assert _chunks("starter.epub", epub2(chapters, title="Sourdough", encrypted=("OEBPS/fonts/serif.otf",))) == [
        ("Starter", "Feed it flour and water.\n\nThe end.")]
    with pytest.raises(DocumentError, match=r"^locked.epub: the book is locked by DRM"):
        document_chunks("locked.epub", epub2(chapters, title="Sourdough", encrypted=("OEBPS/Chapter One.xhtml",)),
                        max_chars=800)


@pytest.mark.parametrize(("name", "data", "said"), [
    ("deck.pptx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
     "a file of Office 97-2003, or one locked by a password: save it in the format of its name (.pptx)"
     " without a password"),
    ("deck.pptx", b"PK\x03\x04 not really", "not a PowerPoint presentation (it is a zip archive; this is not one)"),
    ("book.epub", b"%PDF-1.7", "not an EPUB e-book (it is a zip archive; this is not one)"),
    ("book.epub", opendocument("<text:p>a text</text:p>"), "not an EPUB e-book (it has no META-INF/container.xml)"),
])
def test_a_file_that_is_no_readable_deck_or_book_is_named(name: str, data: bytes, said: str) -> None:
    with pytest.raises(DocumentError) as refused:
        document_chunks(name, data, max_chars=800)
    assert str(refused.value) == f"{name}: {said}"


async def test_slides_and_books_are_searched(index: KnowledgeIndex, docs: Path) -> None:
    (docs / "plan.pptx").write_bytes(_deck())
    (docs / "bakery.epub").write_bytes(_book())
    (docs / "old.ppt").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    stats = await index.reindex(docs)
    assert stats.errors == () and stats.not_read == ("old.ppt",)
    notes = (await index.search("the mill in Kleve"))[0]
    assert (notes.path, notes.title) == ("plan.pptx", "Slide 1: Prices")
    dough = (await index.search("knead the rye dough"))[0]
    assert (dough.path, dough.title) == ("bakery.epub", "Bread")


def test_a_book_whose_chapters_together_would_unpack_to_too_much_is_refused_unread() -> None:
    chapter = "<p>" + " " * (60 * 1024 * 1024) + "</p>"  # each under the limit of a part
    book = epub2({f"c{number}.xhtml": chapter for number in range(5)}, title="Padding")
    assert len(book) < 2_000_000
    with pytest.raises(DocumentError, match=r"^padding.epub: its parts would unpack to 3145\d+ bytes, more than the"
                                            r" 268435456 a document may take$"):
        document_chunks("padding.epub", book, max_chars=800)
