"""Key rotation: re-encrypt every encrypted column, row by row in batches, with the current key.

Each batch is read on the read connection, decrypted with the old cipher and encrypted with
the new one on the caller's side, then written as one group; an update only lands if the
row still holds the ciphertext that was read (a row changed meanwhile was already written
with the new key). Rows that fail to decrypt are left as they are and listed in the report.

With a key ring that decrypts every key id it knows (``old`` omitted) rotation can run while
the gateway serves; with a separate ``old`` cipher, run it while nothing else uses the store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.store.sealing import ValueCipher
from core.store.state import state_row

if TYPE_CHECKING:
    from core.store.database import Database


@dataclass(frozen=True)
class SealedTable:
    """A table's encrypted columns and how a row's key (the associated data) is formed."""

    name: str
    columns: tuple[str, ...]
    key_columns: tuple[str, ...] = ("id",)
    row_key: Callable[..., str | int] = lambda row_id: row_id


SEALED_TABLES: tuple[SealedTable, ...] = (
    SealedTable("inbox", ("text", "raw")),
    SealedTable("tasks", ("payload", "last_error")),
    SealedTable("outbox", ("body", "last_error")),
    SealedTable("dead_letters", ("reason",)),
    SealedTable("history", ("content",)),
    SealedTable("traces", ("data",)),
    SealedTable("state", ("value",), ("domain", "key"), state_row),
)
"""Every encrypted column in the schema; a new one must be added here to be rotated."""


@dataclass
class RekeyReport:
    """What a rotation did: values rewritten per table, and the values that failed."""

    rewritten: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str | int, str]] = field(default_factory=list)


def _apply(
    conn: sqlite3.Connection, table: str, updates: list[tuple[str, bytes, int, bytes]]
) -> int:
    done = 0
    for column, new, rowid, old in updates:
        done += conn.execute(
            f"UPDATE {table} SET {column} = ? WHERE rowid = ? AND {column} = ?", (new, rowid, old)
        ).rowcount
    return done


async def reencrypt_database(
    db: Database, cipher: ValueCipher, *, old: ValueCipher | None = None, batch: int = 500,
    on_progress: Callable[[int, int], None] | None = None,
) -> RekeyReport:
    """Re-encrypt every encrypted value of db with cipher (decrypting with old, or cipher);
    on_progress(rows done, rows in all) after each batch."""
    decryptor = old or cipher
    # A key ring can tell which values are already under its current key: skip those.
    needs_rotation = getattr(cipher, "needs_rotation", None) if old is None else None
    db.cipher = cipher
    report = RekeyReport()
    total = 0
    if on_progress is not None:
        for table in SEALED_TABLES:
            row = await db.fetchone(f"SELECT COUNT(*) FROM {table.name}")
            total += row[0] if row else 0
    seen = 0
    for table in SEALED_TABLES:
        select = (
            f"SELECT rowid, {', '.join(table.key_columns)}, {', '.join(table.columns)}"
            f" FROM {table.name} WHERE rowid > ? ORDER BY rowid LIMIT ?"
        )
        width = len(table.key_columns)
        last = 0
        count = 0
        while True:
            rows = await db.fetchall(select, (last, batch))
            if not rows:
                break
            updates: list[tuple[str, bytes, int, bytes]] = []
            for row in rows:
                rowid = row[0]
                row_key = table.row_key(*row[1 : 1 + width])
                for column, blob in zip(table.columns, row[1 + width :], strict=True):
                    if blob is None or (needs_rotation is not None and not needs_rotation(blob)):
                        continue
                    try:
                        plain = decryptor.decrypt(
                            blob, table=table.name, row=row_key, column=column
                        )
                    except Exception:
                        report.failed.append((table.name, row_key, column))
                        continue
                    new = cipher.encrypt(plain, table=table.name, row=row_key, column=column)
                    updates.append((column, new, rowid, blob))
            if updates:
                count += await db.write(_apply, table.name, updates)
            last = rows[-1][0]
            seen += len(rows)
            if on_progress is not None:
                on_progress(min(seen, total), total)
        report.rewritten[table.name] = count
    return report

