"""Conversation history per chat, for models: turns in order, content encrypted."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from core.store import writes
from core.store.errors import RowDecryptError
from core.store.sealing import SealedColumns

if TYPE_CHECKING:
    from core.store.database import Database


class History:
    """Turns of each chat's conversation (role, content), oldest to newest."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sealed = SealedColumns(db, "history")

    async def append(self, chat_key: str, role: str, content: str) -> int:
        """Add a turn durably; return its id."""
        row = await self._db.new_id("history")
        sealed = self._sealed.seal_text(row, "content", content)
        await self._db.write(writes.history_append, row, chat_key, role, sealed, time.time())
        return row

    async def recent(self, chat_key: str, limit: int) -> list[tuple[str, str]]:
        """The last `limit` turns as (role, content), oldest first; damaged turns are skipped and reported."""
        rows = await self._db.fetchall(
            "SELECT id, role, content FROM history WHERE chat_key = ? ORDER BY id DESC LIMIT ?",
            (chat_key, limit),
        )
        out: list[tuple[str, str]] = []
        for row_id, role, content in reversed(rows):
            try:
                out.append((role, self._sealed.open_text(row_id, "content", content)))
            except RowDecryptError as exc:
                self._db.report_row_error(exc)
        return out

    async def clear(self, chat_key: str) -> int:
        """Forget a chat's conversation; return how many turns were deleted."""
        return await self._db.write(writes.history_clear, chat_key)

    async def prune(self, older_than_seconds: float, keep_per_chat: int, now: float | None = None) -> int:
        """Delete turns older than older_than_seconds, and all but the newest keep_per_chat of each chat."""
        return await self._db.write(writes.history_prune, (now or time.time()) - older_than_seconds, keep_per_chat)
