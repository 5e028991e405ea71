"""The knowledge tables in SQLite: documents, chunks, glossary names and two FTS5 indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.errors import RoostError
from core.permissions import create_private

__all__ = ["SCHEMA_VERSION", "open_database"]

SCHEMA_VERSION = 1

# Every table is prefixed, so the index can live in a database file shared with other parts.
# knowledge_trigram: substring search (CJK without spaces, partial words), needs 3+ characters.
# knowledge_words: whole words with Porter stemming; CJK runs are stored as characters and
# bigrams (see query.gram_text), so one- and two-character Chinese queries find their text.
_TABLES = """
CREATE TABLE IF NOT EXISTS knowledge_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS knowledge_documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    indexed_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS knowledge_chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES knowledge_documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS knowledge_chunks_document ON knowledge_chunks(document_id);
CREATE TABLE IF NOT EXISTS knowledge_terms (
    chunk_id INTEGER NOT NULL REFERENCES knowledge_chunks(id) ON DELETE CASCADE,
    name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS knowledge_terms_chunk ON knowledge_terms(chunk_id);
CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_trigram USING fts5(
    title, body, tokenize = 'trigram'
);
CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_words USING fts5(
    title, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
"""

_ALL_TABLES = (
    "knowledge_trigram",
    "knowledge_words",
    "knowledge_terms",
    "knowledge_chunks",
    "knowledge_documents",
    "knowledge_meta",
)


def open_database(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the knowledge tables; call only from the index's own thread."""
    if str(path) != ":memory:":
        create_private(Path(path))  # the documents' text is private from the first write on
    try:
        conn = sqlite3.connect(str(path), isolation_level=None)
    except sqlite3.Error as err:
        raise RoostError(f"cannot open the knowledge database {path}: {err}") from err
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _check_fts5(conn)
        _migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _check_fts5(conn: sqlite3.Connection) -> None:
    """Fail clearly when this SQLite lacks FTS5 or its trigram tokenizer (SQLite >= 3.34)."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.knowledge_probe USING fts5(x, tokenize='trigram')")
        conn.execute("DROP TABLE temp.knowledge_probe")
    except sqlite3.OperationalError as err:
        raise RoostError(
            f"SQLite {sqlite3.sqlite_version} cannot build the knowledge index ({err}); "
            "it needs FTS5 with the trigram tokenizer, available from SQLite 3.34"
        ) from err


def _migrate(conn: sqlite3.Connection) -> None:
    """Create the tables; an index from another schema version is rebuilt from the documents."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'knowledge_meta'"
        ).fetchone()
        version = None
        if has_meta:
            row = conn.execute(
                "SELECT value FROM knowledge_meta WHERE key = 'schema_version'"
            ).fetchone()
            version = int(row[0]) if row else None
        if version is not None and version != SCHEMA_VERSION:
            for table in _ALL_TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _TABLES.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT OR REPLACE INTO knowledge_meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
