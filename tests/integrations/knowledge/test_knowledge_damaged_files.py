"""Damaged files in the knowledge folder (a failing disk, an interrupted copy, a file nested deeper than a reader
goes): each is named, with why, and the rest of the folder is indexed; no reader's error stops a reindex."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.knowledge.chunker import DocumentError
from integrations.knowledge.documents import document_chunks
from integrations.knowledge.index import KnowledgeIndex
from tests.helpers.made_documents import book, deck, workbook
from tests.helpers.office_files import docx, opendocument, paragraph


def _damaged(data: bytes, seed: int) -> bytes:
    """data with a few bytes changed or cut short, as a failing disk or an interrupted copy leaves a file."""
    rng = random.Random(seed)
    damaged = bytearray(data)
    if seed % 3 == 0:
        return bytes(damaged[:rng.randrange(len(damaged))])
    for _ in range(rng.randint(1, 8)):
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    return bytes(damaged)


def _documents() -> dict[str, bytes]:
    """A file of each zipped kind the knowledge base reads."""
    return {"plan.pptx": deck(), "bakery.epub": book(), "sheet.xlsx": workbook(),
            "oven.docx": docx(paragraph("Oven", "Heading1") + paragraph("Preheat to 240 degrees.")),
            "oven.odt": opendocument("<text:p>Preheat to 240 degrees.</text:p>"),
            "oven.odp": opendocument('<draw:page><draw:frame presentation:class="title"><draw:text-box><text:p>Oven'
                                     "</text:p></draw:text-box></draw:frame></draw:page>", kind="presentation")}


_DOCUMENTS = _documents()


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(_DOCUMENTS)), seed=st.integers(0, 2**32))
def test_a_damaged_office_file_or_book_is_named_never_a_crash(kind: str, seed: int) -> None:
    try:
        document_chunks(kind, _damaged(_DOCUMENTS[kind], seed), max_chars=800)
    except DocumentError as err:
        assert str(err).startswith(f"{kind}: ")


async def test_a_damaged_file_is_listed_and_the_rest_of_the_folder_indexed(index: KnowledgeIndex, docs: Path) -> None:
    document = docx(paragraph("Preheat the oven to 240 degrees. " * 40))
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        part = archive.getinfo("word/document.xml")
    start = part.header_offset + 30 + len(part.filename) + len(part.extra)
    damaged = bytearray(document)
    damaged[start:start + 16] = bytes(16)  # its deflate stream, as a bad sector leaves it
    (docs / "oven.docx").write_bytes(bytes(damaged))
    stats = await index.reindex(docs)
    assert [error.split(" (")[0] for error in stats.errors] == ["oven.docx: damaged"]
    assert "word/document.xml: error: Error -3 while decompressing data" in stats.errors[0]
    assert (await index.search("sourdough"))[0].path == "breads.md"


@pytest.mark.allow_logged_errors
async def test_a_file_a_reader_fails_on_is_listed_with_the_log_saying_where(index: KnowledgeIndex, docs: Path,
                                                                            caplog) -> None:
    nested = "<w:sdt><w:sdtContent>" * 5000 + paragraph("deep") + "</w:sdtContent></w:sdt>" * 5000
    (docs / "deep.docx").write_bytes(docx(nested))  # deeper than Python's recursion limit
    stats = await index.reindex(docs)
    [said] = stats.errors
    assert said.startswith("deep.docx: Roost's reader failed on it (RecursionError: maximum recursion depth exceeded")
    assert said.endswith("); the log has the details")
    assert "knowledge: reading deep.docx failed" in caplog.text and "Traceback" in caplog.text
    assert (await index.search("sourdough"))[0].path == "breads.md"
