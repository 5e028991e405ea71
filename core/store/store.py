"""The store facade: one database and every repository on it."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from core.outage import duration_text
from core.store.clock import catch_up_clock
from core.store.database import Database
from core.store.deadletters import DeadLetters
from core.store.history import History
from core.store.inbox import Inbox
from core.store.outbox import Outbox
from core.store.rekey import RekeyReport, reencrypt_database
from core.store.schema import TASK_CHAT
from core.store.sealing import ValueCipher
from core.store.state import IntegrationState
from core.store.tasks import TaskQueue
from core.store.traces import Traces
from core.store.writes import OUTBOX_OPEN

_LOGGER = logging.getLogger(__name__)

# Each part is read through its partial index (tasks_open_chat, outbox_open_chat).
_CHAT_BUSY = (f"SELECT EXISTS (SELECT 1 FROM tasks WHERE state IN ('queued', 'leased') AND {TASK_CHAT} = ?)"
              f" OR (? AND EXISTS (SELECT 1 FROM outbox WHERE platform = ? AND chat_id = ? AND {OUTBOX_OPEN}))")


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

    async def chat_busy(self, platform: str, chat_id: str, *, replies: bool) -> bool:
        """True while a task of the chat is queued or running or, with replies, a reply to it is pending.

        One read: a caller waiting for its chat looks after each of its steps, and a read costs a hand-off
        to the reader thread and back. Two reads a look made 5 per Home Assistant call, 3 now: one client
        calling in turn, 435-482 -> 487-515 calls/s (3 interleaved pairs).
        """
        row = await self.db.fetchone(_CHAT_BUSY, (f"{platform}:{chat_id}", replies, platform, chat_id))
        return bool(row and row[0])

    async def catch_up_clock(self, now: float, timed_kind: str, *, was: float | None = None) -> None:
        """When now is behind the newest time the store holds, or was (the clock was seen set back from it while
        Roost ran), end the waits of its tasks and replies now, except the times of tasks of timed_kind still to
        come; say so (see ``core.store.clock``)."""
        step = await self.db.write(catch_up_clock, now, timed_kind, was)
        if step is None:
            return
        behind, tasks, replies = step
        if was is None:
            cause = (f"is {duration_text(behind)} behind the newest time in the store: it was set back, or this box"
                     " started without a network and without a real-time clock")
        else:
            cause = f"was set back by {duration_text(behind)} while Roost ran"
        _LOGGER.warning("The clock %s. The waits of its tasks and replies end now (tasks: %d, replies: %d); timers keep"
                        " their times", cause, tasks, replies)

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
