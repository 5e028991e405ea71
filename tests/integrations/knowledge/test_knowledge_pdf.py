"""PDF documents in the knowledge folder: their text, page by page; a locked, damaged or scanned one is named."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from integrations.knowledge.index import KnowledgeIndex
from tests.helpers.pdf import pdf_with_pages

MANUAL = pdf_with_pages(
    ["Oven manual", "Preheat the deck oven to 240 degrees for forty minutes."],
    [],
    ["Cleaning", "Brush the stone when it is cold; never use water on a hot stone."],
)


def _locked(data: bytes, password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def test_a_pdf_is_searched_page_by_page(index: KnowledgeIndex, docs: Path) -> None:
    (docs / "oven.pdf").write_bytes(MANUAL)
    stats = await index.reindex(docs)
    assert stats.errors == () and stats.added == 5
    [passage] = await index.search("hot stone water")
    assert (passage.path, passage.title) == ("oven.pdf", "oven, page 3")
    assert "never use water on a hot stone" in passage.text
    preheat = (await index.search("preheat deck oven"))[0]
    assert preheat.title == "oven, page 1"

    (docs / "oven.pdf").write_bytes(pdf_with_pages(["Preheat to 250 degrees now."]))
    stat = (docs / "oven.pdf").stat()
    os.utime(docs / "oven.pdf", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**10))
    stats = await index.reindex(docs)
    assert (stats.updated, stats.chunks) == (1, 1)
    assert await index.search("hot stone water") == []


async def test_a_pdf_locked_only_for_printing_is_read_and_one_with_a_password_is_named(
        index: KnowledgeIndex, docs: Path) -> None:
    (docs / "restricted.pdf").write_bytes(_locked(MANUAL, ""))  # opens without a password, as viewers do
    (docs / "secret.pdf").write_bytes(_locked(MANUAL, "letmein"))
    stats = await index.reindex(docs)
    assert [p.path for p in await index.search("hot stone water")] == ["restricted.pdf"]
    assert stats.errors == ("secret.pdf: the PDF is locked by a password; save a copy without it in the folder",)


async def test_a_damaged_or_scanned_pdf_is_named_and_the_rest_is_indexed(index: KnowledgeIndex, docs: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    (docs / "broken.pdf").write_bytes(MANUAL[: len(MANUAL) // 3])
    (docs / "garbage.pdf").write_bytes(b"this was never a PDF")
    (docs / "scan.pdf").write_bytes(pdf_with_pages([], []))
    stats = await index.reindex(docs)
    assert stats.added == 4, "the Markdown, text and glossary files"
    said = dict(error.split(": ", 1) for error in stats.errors)
    assert sorted(said) == ["broken.pdf", "garbage.pdf", "scan.pdf"]
    assert said["garbage.pdf"].startswith("not a readable PDF (")
    assert said["scan.pdf"] == ("no text in its 2 page(s): a scan? Roost reads the text a PDF holds; it does not"
                                " recognize text in pictures")
    assert said["broken.pdf"].startswith(("not a readable PDF (", "no text in its"))
    assert not [r for r in caplog.records if r.name.startswith("pypdf")], "pypdf's own warnings name no file"
