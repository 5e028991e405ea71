"""Slides (PowerPoint, LibreOffice Impress) and e-books (EPUB) in the knowledge folder: a slide is a section headed by
its number and title, with its notes; a book's chapters are read in its reading order under its headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrations.knowledge.chunker import DocumentError
from integrations.knowledge.documents import document_chunks
from integrations.knowledge.index import KnowledgeIndex
from tests.helpers.made_documents import book, deck
from tests.helpers.office_files import epub2, opendocument


def _chunks(name: str, data: bytes, max_chars: int = 800) -> list[tuple[str, str]]:
    return [(chunk.title, chunk.text) for chunk in document_chunks(name, data, max_chars=max_chars)]


def test_a_powerpoint_deck_written_by_python_pptx() -> None:
    assert _chunks("plan.pptx", deck()) == [
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


def test_an_epub_written_by_ebooklib_is_read_in_its_reading_order() -> None:
    assert _chunks("bakery.epub", book()) == [
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
    (docs / "plan.pptx").write_bytes(deck())
    (docs / "bakery.epub").write_bytes(book())
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
