"""Dead letters: tasks and outbox entries that failed for good, with the reason, to inspect or retry.

A dead letter points at its task or outbox row (which stays, in state ``dead``, with its
payload). ``retry`` puts that row back in the queue and removes the letter; ``prune`` removes
old letters together with their dead rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from core.store import writes
from core.store.errors import RowDecryptError
from core.store.outbox import Outbox, OutboxEntry
from core.store.sealing import SealedColumns
from core.store.tasks import Task, TaskQueue

if TYPE_CHECKING:
    from core.store.database import Database

_COLUMNS = (
    "d.id, d.source, d.ref_id, d.reason, d.created_at,"
    " CASE d.source WHEN 'task' THEN t.kind ELSE 'outbox' END,"
    " CASE d.source WHEN 'task' THEN t.chat_key ELSE o.platform || ':' || o.chat_id END,"
    " CASE d.source WHEN 'task' THEN t.attempts ELSE o.attempts END"
)
_FROM = (
    " FROM dead_letters d"
    " LEFT JOIN tasks t ON d.source = 'task' AND t.id = d.ref_id"
    " LEFT JOIN outbox o ON d.source = 'outbox' AND o.id = d.ref_id"
)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A failed task or outbox entry: what it was, where it belonged, why it died."""

    id: int
    source: str
    ref_id: int
    reason: str
    created_at: float
    kind: str | None
    chat: str | None
    attempts: int | None
    task: Task | None = None
    outbox: OutboxEntry | None = None


class DeadLetters:
    """List, show, retry and prune dead letters (what ``roost queue`` works on)."""

    def __init__(self, db: Database, tasks: TaskQueue, outbox: Outbox) -> None:
        self._db = db
        self._tasks = tasks
        self._outbox = outbox
        self._sealed = SealedColumns(db, "dead_letters")

    async def list(self, limit: int = 100) -> list[DeadLetter]:
        """Newest dead letters first; letters whose reason fails to decrypt are skipped and reported."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS}{_FROM} ORDER BY d.created_at DESC, d.id DESC LIMIT ?", (limit,)
        )
        out: list[DeadLetter] = []
        for row in rows:
            try:
                out.append(self._letter(row))
            except RowDecryptError as exc:
                self._db.report_row_error(exc)
        return out

    async def get(self, id: int) -> DeadLetter | None:
        """One dead letter with its task or outbox entry; RowDecryptError if it is damaged."""
        row = await self._db.fetchone(f"SELECT {_COLUMNS}{_FROM} WHERE d.id = ?", (id,))
        if row is None:
            return None
        letter = self._letter(row)
        if letter.source == "task":
            task = await self._tasks.get(letter.ref_id)
            return replace(letter, task=task)
        entry = await self._outbox.get(letter.ref_id)
        return replace(letter, outbox=entry)

    async def retry(self, id: int) -> tuple[str, int]:
        """Requeue the dead task or outbox entry (attempts reset) and drop the letter; return (source, ref_id)."""
        return await self._db.write(writes.dead_retry, id, time.time())

    async def discard(self, id: int) -> tuple[str, int]:
        """Delete the letter and its dead task or outbox entry for good; return (source, ref_id)."""
        return await self._db.write(writes.dead_discard, id)

    async def prune(self, older_than_seconds: float, now: float | None = None) -> int:
        """Delete letters older than older_than_seconds with their dead rows; return how many."""
        return await self._db.write(writes.dead_prune, (now or time.time()) - older_than_seconds)

    async def stats(self) -> dict[str, Any]:
        """Totals per source and the oldest and newest letter times."""
        row = await self._db.fetchone(
            "SELECT COUNT(*), COALESCE(SUM(source = 'task'), 0), COALESCE(SUM(source = 'outbox'), 0),"
            " MIN(created_at), MAX(created_at) FROM dead_letters"
        )
        assert row is not None
        return {
            "total": row[0],
            "task": row[1],
            "outbox": row[2],
            "oldest": row[3],
            "newest": row[4],
        }

    def _letter(self, row: tuple[Any, ...]) -> DeadLetter:
        reason = self._sealed.open_text(row[0], "reason", row[3])
        return DeadLetter(row[0], row[1], row[2], reason, row[4], row[5], row[6], row[7])
