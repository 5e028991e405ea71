"""A knowledge document's bytes to its chunks: UTF-8 text (Markdown, plain text, YAML glossaries), an HTML page
(html_pages.py), a Word or OpenDocument text (office.py), a spreadsheet (sheets.py), slides (slides.py), an e-book
(ebooks.py), or a PDF's pages.

A PDF's text is read by pypdf: a well-kept, pure-Python reader of the format's many real-world variants
(compressed streams, font encodings, cross-reference streams, broken files) that is no part of Roost's to
re-derive. It is imported at the first PDF: 7.0 MiB and ~37 ms that a knowledge folder without PDFs never pays.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path, PurePath

from .chunker import (
    SUPPORTED_SUFFIXES,
    Chunk,
    DocumentError,
    chunk_document,
    chunk_outline,
    chunk_text,
)

PDF_SUFFIXES = frozenset({".pdf"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
OFFICE_SUFFIXES = frozenset({".docx", ".odt", ".csv", ".xlsx", ".xls", ".ods", ".pptx", ".odp"})
"""Word and OpenDocument texts, spreadsheets, slides."""
EBOOK_SUFFIXES = frozenset({".epub"})
DOCUMENT_SUFFIXES = SUPPORTED_SUFFIXES | PDF_SUFFIXES | HTML_SUFFIXES | OFFICE_SUFFIXES | EBOOK_SUFFIXES
"""The files of the knowledge folder that are indexed."""
_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReadDocument:
    """A document file as read for the index: its modification time and size then, its content's digest, its
    chunks."""

    mtime_ns: int
    size: int
    sha256: str
    chunks: list[Chunk]


def read_document(name: str, file: Path, *, max_bytes: int, max_chars: int) -> ReadDocument:
    """Read and chunk the file name (DocumentError when it is too large or cannot be read as its kind)."""
    stat = file.stat()
    if stat.st_size > max_bytes:
        raise DocumentError(f"{name}: {stat.st_size} bytes is larger than the {max_bytes} bytes a knowledge document"
                            " may have; split it into smaller files, or raise knowledge: max_file_mib")
    return ReadDocument(stat.st_mtime_ns, stat.st_size, *read_content(name, file.read_bytes(), max_chars=max_chars))


def read_content(name: str, data: bytes, *, max_chars: int) -> tuple[str, list[Chunk]]:
    """The digest and chunks of the document name holding data (DocumentError when it cannot be read as its kind,
    or one of Roost's readers fails on it)."""
    try:
        chunks = document_chunks(name, data, max_chars=max_chars)
    except DocumentError:
        raise
    except Exception as err:  # a fault of a reader's (a file nested past Python's recursion limit): this file alone
        _LOGGER.exception("knowledge: reading %s failed", name)  # is left out, and the log has where it failed
        raise DocumentError(f"{name}: Roost's reader failed on it ({type(err).__name__}: {err}); the log has the"
                            " details") from None
    return hashlib.sha256(data).hexdigest(), chunks


def document_chunks(name: str, data: bytes, *, max_chars: int) -> list[Chunk]:
    """The chunks of the file name holding data (DocumentError when it cannot be read as its kind)."""
    path = PurePath(name)
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return [chunk for number, text in enumerate(pdf_pages(name, data), 1)
                for chunk in chunk_text(text, max_chars=max_chars, title=f"{path.stem}, page {number}")]
    if suffix in HTML_SUFFIXES:
        # Python's HTML parser, imported at the first page: 0.02 MiB, 2.4 ms (with this module).
        from .html_pages import html_outline

        title, blocks = html_outline(name, data)
        return chunk_outline(blocks, max_chars=max_chars, default_title=title or path.stem)
    if suffix in OFFICE_SUFFIXES:
        # zipfile, ElementTree and csv, imported at the first such file with the three modules: 0.6 MiB, 8.3 ms in
        # a Python that imported the gateway's libraries first.
        from . import office, sheets, slides

        read = {".docx": office.word_outline, ".odt": office.odt_outline, ".csv": sheets.csv_outline,
                ".xlsx": sheets.xlsx_outline, ".xls": sheets.xls_outline, ".ods": sheets.ods_outline,
                ".pptx": slides.pptx_outline, ".odp": slides.odp_outline}[suffix]
        return chunk_outline(read(name, data), max_chars=max_chars, default_title=path.stem)
    if suffix in EBOOK_SUFFIXES:
        from .ebooks import epub_outline  # at the first book, as above: 0.3 MiB, 3.5 ms

        title, blocks = epub_outline(name, data)
        return chunk_outline(blocks, max_chars=max_chars, default_title=title or path.stem)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DocumentError(f"{name}: not UTF-8 text (invalid byte at offset {err.start}); save it as UTF-8") from err
    return chunk_document(name, text, max_chars=max_chars)


def pdf_pages(name: str, data: bytes) -> list[str]:
    """The text of each page of a PDF; DocumentError when it is damaged, locked by a password, or holds no text."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings name no file; the DocumentError below does
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # one that only restricts printing opens so
            raise DocumentError(f"{name}: the PDF is locked by a password; save a copy without it in the folder")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except Exception as err:  # a parser of files from anywhere: whatever it meets, this file alone is skipped
        raise DocumentError(f"{name}: not a readable PDF ({type(err).__name__}: {err})") from None
    if not any(text.strip() for text in pages):
        raise DocumentError(f"{name}: no text in its {len(pages)} page(s): a scan? Roost reads the text a PDF"
                            " holds; it does not recognize text in pictures")
    return pages
