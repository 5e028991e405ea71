"""The store facade: one database and every repository on it."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from core.store.database import Database
from core.store.deadletters import DeadLetters
from core.store.history import History
from core.store.inbox import Inbox
from core.store.outbox import Outbox
from core.store.rekey import RekeyReport, reencrypt_database
from core.store.sealing import ValueCipher
from core.store.state import IntegrationState
from core.store.tasks import TaskQueue
from core.store.traces import Traces


class Store:
    """roost.db: inbox, tasks, outbox, dead letters, integration state, history and traces."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.inbox = Inbox(db)
        self.tasks = TaskQueue(db)
        self.outbox = Outbox(db)
        self.dead = DeadLetters(db, self.tasks, self.outbox)
        self.state = IntegrationState(db)
        self.history = History(db)
        self.traces = Traces(db)
        self.lock: Any = None
        """The configuration's instance lock when the store was opened with one (released on close)."""

    async def queue_stats(self) -> dict[str, Any]:
        """Tasks by state, replies pending and dead by platform, replies delivered, dead letters, the writer's
        figures."""
        outbox, delivered = await self.outbox.counts()
        return {"tasks": await self.tasks.counts(), "outbox": outbox, "delivered": delivered,
                "dead_letters": await self.dead.stats(), "writer": self.db.stats()}

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        cipher: ValueCipher,
        *,
        synchronous: str = "FULL",
        max_batch: int = 1000,
        writer: str = "thread",
    ) -> Store:
        """Open (creating and migrating if needed) the store at path (writer: see Database.open)."""
        return cls(await Database.open(path, cipher, synchronous=synchronous, max_batch=max_batch,
                                       writer=writer))

    async def rekey(self, cipher: ValueCipher, *, old: ValueCipher | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> RekeyReport:
        """Re-encrypt every encrypted value with cipher (decrypting with old, or cipher itself)."""
        return await reencrypt_database(self.db, cipher, old=old, on_progress=on_progress)

    async def close(self) -> None:
        """Finish every accepted write, close the database and give the instance lock back."""
        try:
            await self.db.close()
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None
