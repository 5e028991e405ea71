"""The outbox: every outbound message, written before it is sent, delivered in order per chat.

An entry is ``pending`` until a delivery worker takes it (``mark_sending``), then
``delivered`` (with the platform's message id) or back to ``pending`` after a failure
(``defer``), or ``dead`` (``bury``). ``next_batch`` returns, per chat, the oldest pending
entries that are due, stopping at a chat's first entry that is not due or still being sent,
so a chat's messages go out in the order they were written and none is sent twice once
delivered. One delivery worker per platform is expected to call ``next_batch`` then
``mark_sending``.

Each entry has a priority (0 unless given; an emergency alert uses a high one). Entries of
higher priority go first, across chats and within a chat; entries of the same priority keep
the order they were written in, per chat, and a chat blocked at a higher-priority entry (not
yet due, or being sent) stays blocked for its lower-priority ones.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.store.database import Database
from core.store.errors import RowDecryptError, RowNotFoundError
from core.store.sealing import SealedColumns
from core.store.tasks import complete_task
from core.store.writer import single_statement

STATES = ("pending", "sending", "delivered", "dead")

_COLUMNS = (
    "id, platform, chat_id, body, is_text, idempotency_key, task_id, state, attempts,"
    " next_attempt_at, created_at, delivered_at, platform_msg_id, last_error, priority"
)
_INSERT = (
    "INSERT INTO outbox(id, platform, chat_id, body, is_text, idempotency_key, task_id, state,"
    " next_attempt_at, created_at, priority) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)"
    " ON CONFLICT (idempotency_key) DO NOTHING"
)
_OPEN = "state IN ('pending', 'sending')"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One outbound message as stored (body and last error decrypted)."""

    id: int
    platform: str
    chat_id: str
    body: bytes | str
    idempotency_key: str
    task_id: int | None
    state: str
    attempts: int
    next_attempt_at: float
    created_at: float
    delivered_at: float | None
    platform_msg_id: str | None
    last_error: str | None
    priority: int = 0


@dataclass(frozen=True, slots=True)
class OutboxDraft:
    """An outbound message to add with ``Outbox.add_batch``."""

    platform: str
    chat_id: str
    body: bytes | str
    idempotency_key: str
    task_id: int | None = None
    priority: int = 0


@single_statement
def _add(conn: sqlite3.Connection, params: tuple[Any, ...], key: str) -> int:
    if conn.execute(_INSERT, params).rowcount == 1:
        return int(params[0])
    return int(
        conn.execute("SELECT id FROM outbox WHERE idempotency_key = ?", (key,)).fetchone()[0]
    )


def _add_batch(
    conn: sqlite3.Connection,
    rows: list[tuple[tuple[Any, ...], str]],
    task_id: int | None,
    now: float,
) -> list[int]:
    ids = [_add(conn, params, key) for params, key in rows]
    if task_id is not None:
        complete_task(conn, task_id, now)
    return ids


@single_statement
def _record_delivered(conn: sqlite3.Connection, params: tuple[Any, ...], key: str) -> int:
    inserted = conn.execute(
        "INSERT INTO outbox(id, platform, chat_id, body, is_text, idempotency_key, task_id, state,"
        " next_attempt_at, created_at, delivered_at, platform_msg_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'delivered', ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
        params,
    ).rowcount
    if inserted == 1:
        return int(params[0])
    return int(conn.execute("SELECT id FROM outbox WHERE idempotency_key = ?", (key,)).fetchone()[0])


@single_statement
def _update_open(
    conn: sqlite3.Connection, sql: str, params: tuple[Any, ...], entry_id: int
) -> bool:
    """Run an UPDATE limited to open entries; False if the entry is closed, raise if absent."""
    if conn.execute(sql, params).rowcount:
        return True
    if conn.execute("SELECT 1 FROM outbox WHERE id = ?", (entry_id,)).fetchone() is None:
        raise RowNotFoundError("outbox", entry_id)
    return False


def _mark_sending(conn: sqlite3.Connection, ids: list[int]) -> int:
    return conn.executemany(
        "UPDATE outbox SET state = 'sending' WHERE id = ? AND state = 'pending'",
        [(i,) for i in ids],
    ).rowcount


def _bury(
    conn: sqlite3.Connection, entry_id: int, letter_id: int, reason: bytes, now: float
) -> int:
    changed = conn.execute(
        f"UPDATE outbox SET state = 'dead' WHERE id = ? AND {_OPEN}", (entry_id,)
    ).rowcount
    if not changed:
        existing = conn.execute(
            "SELECT id FROM dead_letters WHERE source = 'outbox' AND ref_id = ?", (entry_id,)
        ).fetchone()
        if existing is not None:
            return int(existing[0])
        raise RowNotFoundError("outbox", entry_id)
    conn.execute(
        "INSERT INTO dead_letters(id, source, ref_id, reason, created_at)"
        " VALUES (?, 'outbox', ?, ?, ?)",
        (letter_id, entry_id, reason, now),
    )
    return letter_id


@single_statement
def _reset_sending(conn: sqlite3.Connection) -> int:
    return conn.execute("UPDATE outbox SET state = 'pending' WHERE state = 'sending'").rowcount


@single_statement
def _prune(conn: sqlite3.Connection, before: float) -> int:
    return conn.execute(
        "DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < ?", (before,)
    ).rowcount


class Outbox:
    """Outbound messages: add once per idempotency key, deliver in order, defer, bury."""

    def __init__(self, db: Database, *, scan_page: int = 512) -> None:
        self._db = db
        self._sealed = SealedColumns(db, "outbox")
        self._letters = SealedColumns(db, "dead_letters")
        self._scan_page = scan_page

    async def add(
        self,
        platform: str,
        chat_id: str,
        body: bytes | str,
        idempotency_key: str,
        task_id: int | None = None,
        *,
        priority: int = 0,
    ) -> int:
        """Store an outbound message durably; a known idempotency key returns the existing id.

        priority: higher goes out first (see the module docstring); 0 for ordinary replies.
        """
        params = await self._params(platform, chat_id, body, idempotency_key, task_id, priority)
        return await self._db.write(_add, params, idempotency_key)

    async def add_batch(
        self, drafts: Sequence[OutboxDraft], *, complete_task: int | None = None
    ) -> list[int]:
        """Store several messages in one commit, optionally completing a task in the same transaction.

        Completing the task that produced the replies together with them saves a commit per
        task and leaves no moment where the replies exist but the task is still open.
        """
        rows = [
            (
                await self._params(d.platform, d.chat_id, d.body, d.idempotency_key, d.task_id,
                                   d.priority),
                d.idempotency_key,
            )
            for d in drafts
        ]
        return await self._db.write(_add_batch, rows, complete_task, time.time())

    async def _params(
        self, platform: str, chat_id: str, body: bytes | str, key: str, task_id: int | None,
        priority: int = 0,
    ) -> tuple[Any, ...]:
        now = time.time()
        entry_id = await self._db.new_id("outbox")
        is_text = isinstance(body, str)
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        return (
            entry_id,
            platform,
            str(chat_id),
            self._sealed.seal(entry_id, "body", data),
            int(is_text),
            key,
            task_id,
            now,
            now,
            int(priority),
        )

    async def next_batch(self, platform: str, now: float, limit: int) -> list[OutboxEntry]:
        """Due pending entries of platform, highest priority first, then oldest first.

        Within one priority a chat never overtakes itself; a chat stops at its first entry
        that is being sent or not yet due, for that priority and every lower one. An entry
        whose body fails to decrypt is reported, buried with the error as reason, and left out.
        """
        if limit <= 0:
            return []
        blocked: set[str] = set()
        chosen: list[int] = []
        level = await self._next_priority(platform, None)
        while level is not None and len(chosen) < limit:
            await self._scan_level(platform, level, now, limit, blocked, chosen)
            if len(chosen) < limit:
                level = await self._next_priority(platform, level)
        if not chosen:
            return []
        marks = ",".join("?" * len(chosen))
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE id IN ({marks})", chosen
        )
        position = {entry_id: index for index, entry_id in enumerate(chosen)}
        rows.sort(key=lambda row: position[row[0]])
        out: list[OutboxEntry] = []
        for row in rows:
            try:
                out.append(self._entry(row))
            except RowDecryptError as exc:
                self._db.report_row_error(exc)
                await self.bury(row[0], str(exc))
        return out

    async def _next_priority(self, platform: str, below: int | None) -> int | None:
        """The highest priority of an open entry of platform (below a level, if given)."""
        if below is None:
            row = await self._db.fetchone(
                f"SELECT MAX(priority) FROM outbox WHERE platform = ? AND {_OPEN}", (platform,)
            )
        else:
            row = await self._db.fetchone(
                f"SELECT MAX(priority) FROM outbox WHERE platform = ? AND {_OPEN} AND priority < ?",
                (platform, below),
            )
        return None if row is None or row[0] is None else int(row[0])

    async def _scan_level(
        self, platform: str, level: int, now: float, limit: int, blocked: set[str], chosen: list[int]
    ) -> None:
        """Add the due entries of one priority to chosen, in order, skipping blocked chats."""
        after = 0
        while len(chosen) < limit:
            rows = await self._db.fetchall(
                f"SELECT id, chat_id, state, next_attempt_at FROM outbox WHERE platform = ?"
                f" AND {_OPEN} AND priority = ? AND id > ? ORDER BY id LIMIT ?",
                (platform, level, after, self._scan_page),
            )
            for entry_id, chat_id, state, due in rows:
                if chat_id in blocked:
                    continue
                if state == "sending" or due > now:
                    blocked.add(chat_id)
                    continue
                chosen.append(entry_id)
                if len(chosen) >= limit:
                    break
            if len(rows) < self._scan_page:
                break
            after = rows[-1][0]

    async def mark_sending(self, ids: list[int]) -> int:
        """Mark pending entries as being sent; return how many were pending."""
        return await self._db.write(_mark_sending, list(ids)) if ids else 0

    async def mark_delivered(self, id: int, platform_msg_id: str | None) -> bool:
        """Record delivery with the platform's message id; False if it was already closed."""
        return await self._db.write(
            _update_open,
            f"UPDATE outbox SET state = 'delivered', delivered_at = ?, platform_msg_id = ?"
            f" WHERE id = ? AND {_OPEN}",
            (time.time(), None if platform_msg_id is None else str(platform_msg_id), id),
            id,
        )

    async def defer(self, id: int, next_attempt_at: float, error: str | None = None) -> bool:
        """Put an entry back to pending after a failed attempt, due at next_attempt_at."""
        sealed = None if error is None else self._sealed.seal_text(id, "last_error", error)
        return await self._db.write(
            _update_open,
            f"UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_attempt_at = ?,"
            f" last_error = ? WHERE id = ? AND {_OPEN}",
            (next_attempt_at, sealed, id),
            id,
        )

    async def bury(self, id: int, reason: str) -> int:
        """Move an entry to the dead letters with reason; return the dead letter's id."""
        letter_id = await self._db.new_id("dead_letters")
        sealed = self._letters.seal_text(letter_id, "reason", reason)
        return await self._db.write(_bury, id, letter_id, sealed, time.time())

    async def pending_count(self, platform: str) -> int:
        """Entries of platform not yet delivered (pending or being sent)."""
        row = await self._db.fetchone(
            f"SELECT COUNT(*) FROM outbox WHERE platform = ? AND {_OPEN}", (platform,)
        )
        return int(row[0]) if row else 0

    async def reset_sending(self) -> int:
        """After a restart: entries left 'sending' go back to pending; return how many."""
        return await self._db.write(_reset_sending)

    async def prune(self, older_than_seconds: float, now: float | None = None) -> int:
        """Delete entries delivered more than older_than_seconds ago; return how many."""
        return await self._db.write(_prune, (now or time.time()) - older_than_seconds)

    async def get(self, id: int) -> OutboxEntry | None:
        """Return the entry with this id (None if absent); RowDecryptError if it is damaged."""
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (id,))
        return None if row is None else self._entry(row)

    async def find(self, idempotency_key: str) -> OutboxEntry | None:
        """The entry written under an idempotency key, or None."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM outbox WHERE idempotency_key = ?", (idempotency_key,)
        )
        return None if row is None else self._entry(row)

    async def record_delivered(
        self, platform: str, chat_id: str, body: str, idempotency_key: str, platform_msg_id: str | None
    ) -> int:
        """Record a message that was delivered without the outbox (streamed to its channel)."""
        now = time.time()
        entry_id = await self._db.new_id("outbox")
        params = (
            entry_id, platform, str(chat_id), self._sealed.seal(entry_id, "body", body.encode("utf-8")),
            1, idempotency_key, None, now, now, now,
            None if platform_msg_id is None else str(platform_msg_id),
        )
        return await self._db.write(_record_delivered, params, idempotency_key)

    def _entry(self, row: tuple[Any, ...]) -> OutboxEntry:
        sealed = self._sealed
        data = sealed.open(row[0], "body", row[3])
        body: bytes | str = data
        if row[4]:
            try:
                body = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise RowDecryptError("outbox", row[0], "body", exc) from exc
        return OutboxEntry(
            row[0],
            row[1],
            row[2],
            body,
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            row[10],
            row[11],
            row[12],
            sealed.open_optional_text(row[0], "last_error", row[13]),
            row[14],
        )
