"""The index's rows: a document's, its chunks' with their two full-text rows and glossary names, written and removed
in the index's connection (its worker thread)."""

from __future__ import annotations

import sqlite3
import time
import unicodedata

from .chunker import Chunk
from .documents import ReadDocument
from .query import gram_text


def put_document(conn: sqlite3.Connection, name: str, doc_id: int | None, content: ReadDocument) -> int:
    """Insert a new document (doc_id None), or replace a known one's chunks; the chunks written."""
    row = (content.mtime_ns, content.size, content.sha256, time.time())
    if doc_id is None:
        cursor = conn.execute("INSERT INTO knowledge_documents (path, mtime_ns, size, sha256, indexed_at)"
                              " VALUES (?, ?, ?, ?, ?)", (name, *row))
        doc_id = int(cursor.lastrowid or 0)
    else:
        _delete_chunks(conn, doc_id)
        conn.execute("UPDATE knowledge_documents SET mtime_ns = ?, size = ?, sha256 = ?, indexed_at = ? WHERE id = ?",
                     (*row, doc_id))
    for position, chunk in enumerate(content.chunks):
        _insert_chunk(conn, doc_id, position, chunk)
    return len(content.chunks)


def _insert_chunk(conn: sqlite3.Connection, doc_id: int, position: int, chunk: Chunk) -> None:
    """Store a chunk, its two FTS rows and its glossary names."""
    cursor = conn.execute(
        "INSERT INTO knowledge_chunks (document_id, position, title, body) VALUES (?, ?, ?, ?)",
        (doc_id, position, chunk.title, chunk.text),
    )
    chunk_id = cursor.lastrowid
    title = unicodedata.normalize("NFKC", chunk.title)
    body = unicodedata.normalize("NFKC", chunk.text)
    conn.execute(
        "INSERT INTO knowledge_trigram (rowid, title, body) VALUES (?, ?, ?)",
        (chunk_id, title, body),
    )
    conn.execute(
        "INSERT INTO knowledge_words (rowid, title, body) VALUES (?, ?, ?)",
        (chunk_id, gram_text(title), gram_text(body)),
    )
    conn.executemany(
        "INSERT INTO knowledge_terms (chunk_id, name) VALUES (?, ?)",
        [(chunk_id, name) for name in chunk.terms],
    )


def _delete_chunks(conn: sqlite3.Connection, doc_id: int) -> None:
    """Remove a document's chunks from every table."""
    select = "SELECT id FROM knowledge_chunks WHERE document_id = ?"
    conn.execute(f"DELETE FROM knowledge_trigram WHERE rowid IN ({select})", (doc_id,))
    conn.execute(f"DELETE FROM knowledge_words WHERE rowid IN ({select})", (doc_id,))
    conn.execute(f"DELETE FROM knowledge_terms WHERE chunk_id IN ({select})", (doc_id,))
    conn.execute("DELETE FROM knowledge_chunks WHERE document_id = ?", (doc_id,))


def delete_document(conn: sqlite3.Connection, doc_id: int) -> None:
    """Remove a document and its chunks."""
    _delete_chunks(conn, doc_id)
    conn.execute("DELETE FROM knowledge_documents WHERE id = ?", (doc_id,))
