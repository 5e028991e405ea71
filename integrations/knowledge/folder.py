"""The knowledge folder as its owner changes it from the status page: a document added (read first, then written
whole and indexed) or removed (and dropped from the index)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path, PurePosixPath

from .chunker import DocumentError
from .documents import DOCUMENT_SUFFIXES, ReadDocument, read_content
from .index import KnowledgeIndex


class UnknownDocument(DocumentError, LookupError):
    """No document of that path is in the index."""


def document_name(name: str) -> str:
    """name, when it is the name of a document Roost reads that may be added to the folder (DocumentError saying
    why when it is not: a folder in it, a hidden file, a kind not read)."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or "\0" in name:
        raise DocumentError(f"{name!r} is not a file name: give the document's name alone, such as manual.pdf")
    if name.startswith((".", "~")) or name.endswith("~"):
        raise DocumentError(f"{name}: a hidden, backup or lock file's name, which the knowledge folder passes over")
    if PurePosixPath(name).suffix.lower() not in DOCUMENT_SUFFIXES:
        kinds = ", ".join(sorted(DOCUMENT_SUFFIXES))
        raise DocumentError(f"{name}: not a kind of document Roost reads ({kinds})")
    return name


async def add_document(index: KnowledgeIndex, directory: Path, name: str, data: bytes) -> tuple[bool, int]:
    """Put data (which the caller read no further than index.max_file_bytes) in the folder as name and index it:
    (whether it replaced a document, its passages). A document that cannot be read is refused, and the folder is
    left as it was (DocumentError saying why)."""
    name = document_name(name)
    digest, chunks = await asyncio.to_thread(read_content, name, data, max_chars=index.max_chunk_chars)
    target = directory / name
    replaced = target.exists()
    if replaced and name not in {path for path, _size, _passages in await index.documents()}:
        raise DocumentError(f"{name}: a file of that name that is no document of the knowledge base is in"
                            f" {directory}; Roost does not replace it")
    written = await asyncio.to_thread(_write_whole, target, data)
    # Read once: the index takes these chunks rather than reading the file again.
    await index.reindex(directory, read_before={name: ReadDocument(written.st_mtime_ns, written.st_size, digest,
                                                                   chunks)})
    return replaced, len(chunks)


async def remove_document(index: KnowledgeIndex, directory: Path, path: str) -> None:
    """Delete the document at path (as the index names it) from the folder, and drop it from the index."""
    if path not in {known for known, _size, _passages in await index.documents()}:
        raise UnknownDocument(f"no document {path!r} in the knowledge base")
    await asyncio.to_thread((directory / path).unlink, missing_ok=True)
    await index.reindex(directory)


def _write_whole(target: Path, data: bytes) -> os.stat_result:
    """Write data to target through a hidden file beside it (which the index passes over), so that a watch never
    reads it half written; readable by its owner only, as the configuration directory is. Its stat once written."""
    fd, temporary = tempfile.mkstemp(prefix=".adding-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
        return target.stat()
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
