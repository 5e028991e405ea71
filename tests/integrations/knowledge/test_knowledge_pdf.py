"""PDF documents in the knowledge folder: their text, page by page; a locked, damaged or scanned one is named."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

import integrations.knowledge.index
from integrations.knowledge.documents import read_document
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


async def test_searches_are_answered_while_a_reindex_reads_a_pdf(index: KnowledgeIndex, docs: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    await index.reindex(docs)
    (docs / "oven.pdf").write_bytes(MANUAL)
    reading, release = threading.Event(), threading.Event()

    def slow_read(name: str, *args: object, **kwargs: object) -> object:
        if name == "oven.pdf":  # as a long manual takes seconds on a Pi
            reading.set()
            assert release.wait(10)
        return read_document(name, *args, **kwargs)

    monkeypatch.setattr(integrations.knowledge.index, "read_document", slow_read)
    reindexing = asyncio.create_task(index.reindex(docs))
    assert await asyncio.to_thread(reading.wait, 10)
    async with asyncio.timeout(2):  # on the index's own thread, this waited for the whole reindex
        assert [p.path for p in await index.search("terrace dogs")] == ["notes.txt"]
        assert await index.search("hot stone water") == [], "the PDF is in once it is read"
    release.set()
    stats = await reindexing
    assert (stats.added, stats.unchanged) == (1, 4)
    assert [p.path for p in await index.search("hot stone water")] == ["oven.pdf"]


async def test_a_pdf_that_cannot_be_read_is_not_read_again_until_it_changes(
        index: KnowledgeIndex, docs: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    broken = docs / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 and then nothing")
    reads: list[str] = []

    def counted(name: str, *args: object, **kwargs: object) -> object:
        reads.append(name)
        return read_document(name, *args, **kwargs)

    monkeypatch.setattr(integrations.knowledge.index, "read_document", counted)
    caplog.set_level(logging.DEBUG, logger="integrations.knowledge")
    for _ in range(3):  # as a watch does, every few seconds
        stats = await index.reindex(docs)
        assert [error.split(":")[0] for error in stats.errors] == ["broken.pdf"], "still said each time"
    assert reads.count("broken.pdf") == 1
    levels = [r.levelno for r in caplog.records if "knowledge reindex of" in r.getMessage()]
    assert levels == [logging.INFO, logging.DEBUG, logging.DEBUG], "a known error is no news"

    broken.write_bytes(MANUAL)
    stat = broken.stat()
    os.utime(broken, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**10))
    stats = await index.reindex(docs)
    assert stats.errors == () and stats.added == 1 and reads.count("broken.pdf") == 2
