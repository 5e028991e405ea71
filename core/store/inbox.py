"""The inbox: every inbound message, durable and deduplicated before anything acts on it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.store import writes
from core.store.errors import RowDecryptError
from core.store.sealing import SealedColumns
from core.store.tasks import PreparedTask

if TYPE_CHECKING:
    from core.store.database import Database

_COLUMNS = "id, platform, platform_msg_id, chat_id, sender, text, raw, received_at"


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One inbound message as stored (text and raw payload decrypted)."""

    id: int
    platform: str
    platform_msg_id: str
    chat_id: str
    sender: str
    text: str
    raw: bytes
    received_at: float


class Inbox:
    """Inbound messages, each stored once (a redelivery is dropped) with the tasks it starts."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sealed = SealedColumns(db, "inbox")

    async def new_id(self) -> int:
        """A fresh inbox row id, taken before the row is written (see ``receive``)."""
        db = self._db
        return db.ids.take("inbox") or await db.ids.next("inbox")

    async def receive(
        self,
        platform: str,
        platform_msg_id: str,
        chat_id: str,
        sender: str,
        text: str,
        raw: bytes,
        received_at: float,
        *,
        tasks: Sequence[PreparedTask] = (),
        id: int | None = None,
        alongside: Callable[[], object] | None = None,
    ) -> int | None:
        """Store a message together with the tasks of the runs it starts.

        One write: the message and its tasks commit together; returns the message's row id. For a redelivery of a stored message
        nothing is written and None is returned. id: a row id from ``new_id`` (the tasks'
        keys may name it). alongside: called right after the write is submitted, so that the writes
        it submits (a lease of these tasks) join the same transaction.
        """
        row = id if id is not None else await self.new_id()
        params = self._params(row, platform, platform_msg_id, chat_id, sender, text, raw, received_at)
        if tasks:
            rows = [(task.params, task.idempotency_key) for task in tasks]
            written = self._db.submit(writes.inbox_receive, params, rows)
        else:
            written = self._db.submit(writes.inbox_receive_alone, params)
        if alongside is not None:
            alongside()
        return row if await written else None

    def _params(
        self, row: int, platform: str, platform_msg_id: str, chat_id: str, sender: str, text: str,
        raw: bytes, received_at: float,
    ) -> tuple[Any, ...]:
        sealed = self._sealed
        return (
            row,
            platform,
            str(platform_msg_id),
            str(chat_id),
            str(sender),
            sealed.seal_text(row, "text", text),
            sealed.seal(row, "raw", raw),
            received_at,
        )

    async def prune(self, older_than_seconds: float, now: float | None = None) -> int:
        """Delete handled messages received more than older_than_seconds ago; return how many.

        Their ids no longer catch a redelivery of the same platform message after that.
        """
        return await self._db.delete_old(writes.inbox_prune, "inbox", "received_at", (now or time.time()) - older_than_seconds)

    async def holds(self, platform: str, platform_msg_id: str) -> bool:
        """Whether this platform message is stored (and not pruned yet): a redelivery of it is dropped."""
        row = await self._db.fetchone("SELECT 1 FROM inbox WHERE platform = ? AND platform_msg_id = ?",
                                      (platform, platform_msg_id))
        return row is not None

    async def get(self, id: int) -> InboxEntry | None:
        """Return the message with this id (None if absent); RowDecryptError if it is damaged."""
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM inbox WHERE id = ?", (id,))
        return None if row is None else self._entry(row)

    async def get_many(self, ids: Sequence[int]) -> dict[int, InboxEntry]:
        """The stored messages among these ids, by id; damaged rows are reported and left out."""
        found: dict[int, InboxEntry] = {}
        for start in range(0, len(ids), 500):  # within SQLite's limit on parameters
            chunk = list(ids[start:start + 500])
            rows = await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM inbox WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            for row in rows:
                try:
                    found[row[0]] = self._entry(row)
                except RowDecryptError as exc:
                    self._db.report_row_error(exc)
        return found

    def _entry(self, row: tuple[Any, ...]) -> InboxEntry:
        sealed = self._sealed
        return InboxEntry(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            sealed.open_text(row[0], "text", row[5]),
            sealed.open(row[0], "raw", row[6]),
            row[7],
        )
