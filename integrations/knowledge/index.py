"""KnowledgeIndex: incremental indexing and BM25 search of a knowledge directory in SQLite FTS5."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from core.errors import ConfigError, RoostError, TransientError

from .chunker import DEFAULT_MAX_CHARS, DocumentError
from .config import DEFAULT_MAX_FILE_MIB
from .documents import DOCUMENT_SUFFIXES, ReadDocument, read_document
from .glossary import GlossaryEntry, GlossaryMatcher
from .passages import Passage
from .query import gram_query, query_terms, trigram_query
from .rows import delete_document, put_document
from .schema import open_database

__all__ = ["KnowledgeIndex", "Passage", "ReindexStats"]

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

DEFAULT_MAX_FILE_BYTES = DEFAULT_MAX_FILE_MIB * 2**20
TITLE_WEIGHT = 2.0  # bm25 column weight of a chunk's heading path against its body
_CANDIDATES = 50  # rows read from each FTS table before the two rankings are combined


@dataclass(frozen=True, slots=True)
class ReindexStats:
    """What one reindex did: files added, updated, removed, unchanged; chunks written; the index's chunks after it;
    errors (a file's each); the files of kinds not read."""

    added: int
    updated: int
    removed: int
    unchanged: int
    chunks: int
    total_chunks: int = 0
    errors: tuple[str, ...] = ()
    not_read: tuple[str, ...] = ()
    """The folder's files of kinds Roost does not read (pictures, .doc, .ppt)."""

    @property
    def changed(self) -> bool:
        """True when the index content changed."""
        return bool(self.added or self.updated or self.removed)


@dataclass(slots=True)
class _Document:
    """A document row as stored."""

    id: int
    mtime_ns: int
    size: int
    sha256: str


class KnowledgeIndex:
    """A knowledge index in SQLite; every database call runs on one dedicated thread."""

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        *,
        max_chunk_chars: int = DEFAULT_MAX_CHARS,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> None:
        """Prepare an index stored in db_path; the database opens on first use."""
        self.db_path = Path(db_path) if str(db_path) != ":memory:" else db_path
        self.max_chunk_chars = max_chunk_chars
        self.max_file_bytes = max_file_bytes
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roost-knowledge")
        self._reindexing = asyncio.Lock()
        self._failed: dict[str, tuple[tuple[int, int] | None, Exception]] = {}
        """Documents that could not be read, by name: their time and size then, and why."""
        self.latest: tuple[float, ReindexStats] | None = None
        """When the latest reindex ended, and what it found (its errors: the files that cannot be read now)."""
        self._conn: sqlite3.Connection | None = None
        self._glossary: GlossaryMatcher | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once close() was called."""
        return self._closed

    async def __aenter__(self) -> KnowledgeIndex:
        """Use the index as an async context manager that closes it on exit."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the index."""
        await self.close()

    # --- async API ------------------------------------------------------------------------

    async def reindex(self, directory: str | os.PathLike[str],
                      on_progress: Callable[[int, int], None] | None = None,
                      read_before: dict[str, ReadDocument] | None = None) -> ReindexStats:
        """Bring the index in line with a directory: only new, changed and deleted files cost work;
        on_progress(files read, files to read) from the thread that reads them. read_before: documents the caller
        read already (one added from the status page), taken as they are while their file is unchanged since.

        Changed files are read (a PDF's text takes a while) in a worker thread, not on the index's: searches
        are answered meanwhile, and the index changes in one transaction once they are read.
        """
        root, started = Path(directory), time.monotonic()
        async with self._reindexing:  # one at a time: each finds what the one before wrote
            files, stale, others = await self._call(self._stale, root)
            read, repeated = await asyncio.to_thread(self._read, files, stale, on_progress, read_before or {})
            return await self._call(self._write, root, files, read, repeated, started, others)

    async def documents(self) -> list[tuple[str, int, int]]:
        """The documents in the index now, a reindex from the command line's too: (path, bytes, passages)."""
        return await self._call(lambda: self._db().execute(
            "SELECT path, size, (SELECT count(*) FROM knowledge_chunks WHERE document_id = d.id)"
            " FROM knowledge_documents AS d ORDER BY path").fetchall())

    async def search(self, query: str, top_k: int = 3) -> list[Passage]:
        """The top_k passages for a query, best first; empty for an empty or stopword-only query."""
        if top_k <= 0 or not query_terms(query):
            return []
        return await self._call(self._search, query, top_k)

    async def glossary_hits(self, text: str) -> list[Passage]:
        """Definitions of the glossary terms or aliases mentioned in text, in order of mention."""
        if not text or not text.strip():
            return []
        return await self._call(self._glossary_hits, text)

    async def close(self) -> None:
        """Close the database and stop the index's thread; further calls raise RoostError."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._close)
        finally:
            self._executor.shutdown(wait=False)

    async def _call(self, func: Callable[..., _T], *args: Any) -> _T:
        """Run a blocking function on the index's thread."""
        if self._closed:
            raise RoostError(f"the knowledge index {self.db_path} is closed")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, functools.partial(func, *args))
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise TransientError(
                    f"the knowledge database {self.db_path} is busy ({err}); try again"
                ) from err
            raise RoostError(f"the knowledge database {self.db_path} failed: {err}") from err
        except sqlite3.DatabaseError as err:
            raise RoostError(
                f"the knowledge database {self.db_path} is damaged ({err}); delete it and "
                "run `roost knowledge reindex` to rebuild it from the documents"
            ) from err

    # --- on the index thread --------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        """The connection, opened on first use by the index thread."""
        if self._conn is None:
            self._conn = open_database(self.db_path)
        return self._conn

    def _close(self) -> None:
        """Close the connection (index thread)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _stale(self, root: Path) -> tuple[dict[str, Path], list[str], list[str]]:
        """The directory's documents, those new or changed since they were indexed (by time and size), and the files
        of kinds not read."""
        if not root.is_dir():
            raise ConfigError(
                f"knowledge directory {root} does not exist or is not a directory; "
                "create it or point knowledge.directory at your documents",
                path=("knowledge", "directory"),
            )
        files, others = _scan(root)
        known = {path: (mtime_ns, size) for path, mtime_ns, size in
                 self._db().execute("SELECT path, mtime_ns, size FROM knowledge_documents")}
        stale = [name for name, file in files.items() if known.get(name) != _stat_key(file)]
        return files, stale, others

    def _read(self, files: dict[str, Path], stale: list[str], on_progress: Callable[[int, int], None] | None,
              read_before: dict[str, ReadDocument]) -> tuple[dict[str, ReadDocument | Exception], int]:
        """Read and chunk the stale documents (a worker thread): each one's content or why it could not be read, and
        how many of those reasons were known from a pass before (the file unchanged since)."""
        read: dict[str, ReadDocument | Exception] = {}
        repeated = 0
        for done, name in enumerate(stale, 1):
            key = _stat_key(files[name])
            failed, given = self._failed.get(name), read_before.get(name)
            if given is not None and (given.mtime_ns, given.size) == key:
                read[name] = given
            elif failed is not None and failed[0] == key:
                read[name] = failed[1]  # not read again until it changes: a watch looks every few seconds
                repeated += 1
            else:
                try:
                    read[name] = read_document(name, files[name], max_bytes=self.max_file_bytes,
                                               max_chars=self.max_chunk_chars)
                    self._failed.pop(name, None)
                except (DocumentError, OSError) as err:
                    read[name] = err
                    self._failed[name] = (key, err)
            if on_progress is not None:
                on_progress(done, len(stale))
        return read, repeated

    def _write(self, root: Path, files: dict[str, Path], read: dict[str, ReadDocument | Exception], repeated: int,
               started: float, others: list[str]) -> ReindexStats:
        """Put what was read in the index and drop deleted documents, in one transaction."""
        conn = self._db()
        added = updated = unchanged = chunks = 0
        errors: list[str] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            known = {path: _Document(*row) for path, *row in
                     conn.execute("SELECT path, id, mtime_ns, size, sha256 FROM knowledge_documents")}
            for name in files:
                doc, content = known.get(name), read.get(name)
                if content is None:
                    unchanged += 1
                elif isinstance(content, Exception):
                    errors.append(f"{content}{'; the previously indexed version is kept' if doc else ''}")
                elif doc is not None and doc.sha256 == content.sha256:  # touched, not changed
                    conn.execute("UPDATE knowledge_documents SET mtime_ns = ?, size = ? WHERE id = ?",
                                 (content.mtime_ns, content.size, doc.id))
                    unchanged += 1
                else:
                    chunks += put_document(conn, name, None if doc is None else doc.id, content)
                    added, updated = (added + 1, updated) if doc is None else (added, updated + 1)
            gone = [doc.id for name, doc in known.items() if name not in files]
            for doc_id in gone:
                delete_document(conn, doc_id)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if added or updated or gone:
            self._glossary = None
        total = conn.execute("SELECT count(*) FROM knowledge_chunks").fetchone()[0]
        stats = ReindexStats(added, updated, len(gone), unchanged, chunks, total, tuple(errors), tuple(others))
        self.latest = (time.time(), stats)
        _LOGGER.log(  # a watch looks every few seconds: a pass that changed nothing and found no new error is no news
            logging.INFO if added or updated or gone or len(errors) > repeated else logging.DEBUG,
            "knowledge reindex of %s: %d added, %d updated, %d removed, %d unchanged, "
            "%d chunks written, %d errors in %.3f s",
            root, added, updated, len(gone), unchanged, chunks, len(errors),
            time.monotonic() - started,
        )
        return stats

    def _search(self, query: str, top_k: int) -> list[Passage]:
        """Rank chunks by BM25 in both FTS tables and combine the normalised scores."""
        conn = self._db()
        terms = query_terms(query)
        plans = [
            ("knowledge_trigram", trigram_query(terms)),
            ("knowledge_words", gram_query(terms)),
        ]
        plans = [(table, match) for table, match in plans if match]
        scores: dict[int, float] = {}
        limit = max(_CANDIDATES, top_k * 4)
        for table, match in plans:
            rows = conn.execute(
                f"SELECT rowid, bm25({table}, {TITLE_WEIGHT}, 1.0) AS rank FROM {table} "
                f"WHERE {table} MATCH ? ORDER BY rank LIMIT ?",
                (match, limit),
            ).fetchall()
            if not rows:
                continue
            best = -rows[0][1]
            for rowid, rank in rows:
                relevance = (-rank / best) if best > 0 else 1.0
                scores[rowid] = scores.get(rowid, 0.0) + relevance / len(plans)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:top_k]
        if not ranked:
            return []
        ids = [rowid for rowid, _ in ranked]
        marks = ",".join("?" * len(ids))
        rows = conn.execute(
            "SELECT c.id, d.path, c.title, c.body FROM knowledge_chunks c "
            f"JOIN knowledge_documents d ON d.id = c.document_id WHERE c.id IN ({marks})",
            ids,
        ).fetchall()
        found = {row[0]: row[1:] for row in rows}
        return [
            Passage(*found[rowid], round(score, 6)) for rowid, score in ranked if rowid in found
        ]

    def _glossary_hits(self, text: str) -> list[Passage]:
        """Match text against the glossary, loading the matcher after each change."""
        if self._glossary is None:
            rows = self._db().execute(
                "SELECT t.name, d.path, c.title, c.body FROM knowledge_terms t "
                "JOIN knowledge_chunks c ON c.id = t.chunk_id "
                "JOIN knowledge_documents d ON d.id = c.document_id ORDER BY d.path, c.position"
            )
            self._glossary = GlossaryMatcher(
                GlossaryEntry(name, Passage(path, title, body, 0.0))
                for name, path, title, body in rows
            )
        return self._glossary.hits(text)


def _scan(root: Path) -> tuple[dict[str, Path], list[str]]:
    """The documents under root by relative POSIX path, and the other files (of kinds not read); hidden files and
    folders, and editors' backup and lock files, are passed over."""
    files: dict[str, Path] = {}
    others: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith((".", "~")) or name.endswith("~"):
                continue
            path = Path(folder, name)
            if path.is_file():
                if path.suffix.lower() in DOCUMENT_SUFFIXES:
                    files[path.relative_to(root).as_posix()] = path
                else:
                    others.append(path.relative_to(root).as_posix())
    return files, others


def _stat_key(file: Path) -> tuple[int, int] | None:
    """A file's modification time and size, as the index keeps them (None when it is gone)."""
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size
