"""The outbox: every outbound message, written before it is sent, delivered in order per chat.

An entry is ``pending`` until it is ``delivered`` (with the platform's message id), put back
with a later due time after a failure (``defer``), ``dead`` (``bury``), or deleted once no one
can receive it (``drop``). ``next_batch`` returns, per chat, the oldest pending entries that are
due, stopping at a chat's first entry that is not due, so a chat's messages go out in the order
they were written and none is sent twice once delivered. One sender per platform
(``core.pipeline.channel_queue``) reads it.

Each entry has a priority (0 unless given; an emergency alert uses a high one). Entries of
higher priority go first, across chats and within a chat; entries of the same priority keep
the order they were written in, per chat, and a chat blocked at a higher-priority entry (not
yet due) stays blocked for its lower-priority ones.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from core.store import writes
from core.store.errors import RowDecryptError
from core.store.sealing import SealedColumns

if TYPE_CHECKING:
    from core.store.database import Database

STATES = ("pending", "delivered", "dead")

_COLUMNS = (
    "id, platform, chat_id, body, is_text, idempotency_key, task_id, state, attempts,"
    " next_attempt_at, created_at, delivered_at, platform_msg_id, last_error, priority, reply_to, markdown"
)
_SCAN_COLUMNS = "id, chat_id, next_attempt_at, priority"
"""What decides whether a pending entry goes in a batch."""


@dataclass(slots=True, unsafe_hash=True)  # not frozen: a frozen init costs 10x (one per delivery)
class OutboxEntry:
    """One outbound message as stored (body and last error decrypted); treat as read-only."""

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
    reply_to: str | None = None
    markdown: bool = False
    """The body is a model's answer in Markdown (see core.channel.OutboundMessage)."""


class PreparedEntry(NamedTuple):
    """An outbound message numbered and sealed, not yet written (see ``Outbox.prepare``)."""

    params: tuple[Any, ...]
    """The row to write (its body sealed)."""
    entry: OutboxEntry
    """The entry as a read would return it once written (its body in the clear)."""


class Batch(list[OutboxEntry]):
    """The entries one read chose, in order (see ``Outbox.next_batch``)."""

    drained: bool = False
    """The read saw no other open entry of its platform."""
    waiting: frozenset[str] | None = None
    """When the read saw every open entry of its platform and took every one it could: the chats
    held back by an entry not yet due (their later entries wait behind it); None otherwise."""


FIRST_PER_CHAT_READ = 4
"""With first_per_chat, a batch reads at most this many rows per entry it may take. Unbounded, a
backlog spread over fewer chats than the batch size was read whole for every batch (e2e benchmark,
20,000 messages in 200 chats, interleaved A/B: 1,800-2,009 messages/s and 483-539 us of gateway CPU
a message unbounded; 6,527-6,921 and 132-145 us bounded)."""


class Outbox:
    """Outbound messages: add once per idempotency key, deliver in order, defer, bury, drop."""

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
        reply_to: str | None = None,
        markdown: bool = False,
    ) -> int:
        """Store an outbound message durably; a known idempotency key returns the existing id.

        priority: higher goes out first (see the module docstring); 0 for ordinary replies.
        reply_to: the platform message id this message answers (the channel threads it).
        markdown: the body is a model's answer in Markdown.
        """
        [entry_id] = await self.add_prepared([await self.prepare(platform, chat_id, body, idempotency_key, task_id,
                                                                 priority=priority, reply_to=reply_to,
                                                                 markdown=markdown)])
        return entry_id

    async def prepare(
        self,
        platform: str,
        chat_id: str,
        body: bytes | str,
        idempotency_key: str,
        task_id: int | None = None,
        *,
        priority: int = 0,
        reply_to: str | None = None,
        markdown: bool = False,
    ) -> PreparedEntry:
        """Number and seal a message without writing it; ``add_prepared`` writes it later.

        The id is known at once, so a caller can hand out a reference to the entry and write
        it together with other rows (the task that produced it) in one commit.
        """
        params = await self._params(platform, chat_id, body, idempotency_key, task_id, priority, reply_to, markdown)
        entry = OutboxEntry(params[0], platform, params[2], body if isinstance(body, str) else bytes(body),
                            idempotency_key, task_id, "pending", 0, params[7], params[8], None, None, None,
                            params[9], params[10], markdown)
        return PreparedEntry(params, entry)

    async def add_prepared(
        self, entries: Sequence[PreparedEntry], *, complete_task: int | None = None
    ) -> list[int]:
        """Write prepared messages in one commit, optionally completing a task in the same transaction.

        Returns each entry's id (the existing id for an idempotency key already stored).
        """
        rows = [(prepared.params, prepared.entry.idempotency_key) for prepared in entries]  # plain tuples pickle fast
        return await self._db.write(writes.outbox_add_prepared, rows, complete_task, time.time())

    async def _params(
        self, platform: str, chat_id: str, body: bytes | str, key: str, task_id: int | None,
        priority: int = 0, reply_to: str | None = None, markdown: bool = False,
    ) -> tuple[Any, ...]:
        now = time.time()
        db = self._db
        entry_id = db.ids.take("outbox") or await db.ids.next("outbox")
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
            None if reply_to is None else str(reply_to),
            int(markdown),
        )

    async def next_batch(
        self, platform: str, now: float, limit: int, *, first_per_chat: bool = False
    ) -> Batch:
        """Due pending entries of platform, highest priority first, then oldest first.

        Within one priority a chat never overtakes itself; a chat stops at its first entry
        that is not yet due, for that priority and every lower one. With first_per_chat, only
        each chat's first entry (for a queue that sends one per chat at a time): the rows
        behind it are skipped before they are decrypted, and at most FIRST_PER_CHAT_READ x limit
        rows are read (a chat whose first entry lies deeper waits for the older ones to go). An entry
        whose body fails to decrypt is reported, buried with the error as reason, and left out.
        One ordered read of the open-entries index serves a batch (more only when many of the
        rows read belong to blocked chats), then one read of the rows chosen. The batch is
        ``drained`` when it took every open entry of the platform: nothing was passed over and the
        last read came back short; ``waiting`` names the chats held back by an entry not yet due
        when all that was passed over is theirs (see ``Batch``).
        """
        if limit <= 0:
            return Batch()
        complete = behind = False
        waiting: set[str] = set()  # chats whose first open entry is not due
        taken: set[str] = set()  # chats an entry was chosen for (first_per_chat)
        chosen: list[int] = []
        after: tuple[int, int] | None = None
        read, most = 0, limit * FIRST_PER_CHAT_READ if first_per_chat else None
        while len(chosen) < limit and (most is None or read < most):
            page = min(self._scan_page, limit - len(chosen) + 64)  # room for blocked chats' rows
            if after is None:
                rows = await self._db.fetchall(
                    f"SELECT {_SCAN_COLUMNS} FROM outbox WHERE platform = ? AND {writes.OUTBOX_OPEN}"
                    " ORDER BY priority DESC, id LIMIT ?",
                    (platform, page),
                )
            else:
                rows = await self._db.fetchall(
                    f"SELECT {_SCAN_COLUMNS} FROM outbox WHERE platform = ? AND {writes.OUTBOX_OPEN}"
                    " AND (priority < ? OR (priority = ? AND id > ?)) ORDER BY priority DESC, id LIMIT ?",
                    (platform, after[0], after[0], after[1], page),
                )
            for entry_id, chat_id, due, _ in rows:
                if chat_id in waiting:
                    continue
                if chat_id in taken:
                    behind = True
                    continue
                if due > now:
                    waiting.add(chat_id)
                    continue
                chosen.append(entry_id)
                if first_per_chat:
                    taken.add(chat_id)
                if len(chosen) >= limit:
                    break
            if len(rows) < page:
                complete = not behind and len(chosen) < limit
                break
            read += len(rows)
            after = (rows[-1][3], rows[-1][0])
        out = Batch()
        out.drained = complete and not waiting
        out.waiting = frozenset(waiting) if complete else None
        for row in await self._pending_rows(chosen):
            try:
                out.append(self._entry(row))
            except RowDecryptError as exc:
                self._db.report_row_error(exc)
                await self.bury(row[0], str(exc))
        return out

    async def _pending_rows(self, ids: list[int]) -> list[tuple[Any, ...]]:
        """The whole rows of the entries with these ids still pending, in the order of ids.

        A batch is chosen from a scan of the few columns that decide it, then only its rows are read
        whole: with one entry per chat most rows scanned are passed over, and reading them whole cost
        the reader thread 0.83-1.09 ms a batch of 10 chats with 32 replies pending each, 0.45-0.54 ms
        so (interleaved runs). On the ws benchmark's chat socket (10 connections x 32 in flight),
        reads took 166 us of reader-thread CPU a message, then 70."""
        if not ids:
            return []
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE id IN ({','.join('?' * len(ids))}) AND {writes.OUTBOX_OPEN}", ids
        )
        order = {entry_id: index for index, entry_id in enumerate(ids)}
        return sorted(rows, key=lambda row: order[row[0]])

    async def mark_delivered_many(self, delivered: Sequence[tuple[int, str | None]]) -> int:
        """Record several deliveries (id, platform message id) in one write; return how many were open.

        Entries already closed (delivered, dead) or unknown are left as they are.
        """
        if not delivered:
            return 0
        now = time.time()
        rows = [(now, None if pid is None else str(pid), entry_id) for entry_id, pid in delivered]
        return await self._db.write(writes.outbox_mark_delivered_many, rows)

    async def defer(self, id: int, next_attempt_at: float, error: str | None = None) -> bool:
        """Put an entry back to pending after a failed attempt, due at next_attempt_at."""
        sealed = None if error is None else self._sealed.seal_text(id, "last_error", error)
        return await self._db.write(
            writes.outbox_update_open,
            f"UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_attempt_at = ?,"
            f" last_error = ? WHERE id = ? AND {writes.OUTBOX_OPEN}",
            (next_attempt_at, sealed, id),
            id,
        )

    async def due_now(self, platform: str, chat_id: str) -> int:
        """Make a chat's pending entries that wait for a later try due now (its recipient is back); how many."""
        return await self._db.write(writes.outbox_due_now, platform, str(chat_id), time.time())

    async def drop(self, id: int) -> bool:
        """Delete an entry no one can receive any more (its client is gone for good): no dead letter, as
        there is nothing to retry; False when it was no longer open."""
        return await self._db.write(writes.outbox_drop, id)

    async def bury(self, id: int, reason: str) -> int:
        """Move an entry to the dead letters with reason; return the dead letter's id."""
        letter_id = await self._db.new_id("dead_letters")
        sealed = self._letters.seal_text(letter_id, "reason", reason)
        return await self._db.write(writes.outbox_bury, id, letter_id, sealed, time.time())

    async def fail_delivered(self, platform: str, platform_msg_id: str, reason: str) -> bool:
        """Move a delivered entry the platform later reported as failed to the dead letters; False when none is.

        Looked up by the platform's message id (a scan of the platform's entries: such reports are rare)."""
        letter_id = await self._db.new_id("dead_letters")
        sealed = self._letters.seal_text(letter_id, "reason", reason)
        return await self._db.write(writes.outbox_fail_delivered, platform, platform_msg_id, letter_id, sealed,
                                    time.time())

    async def counts(self) -> tuple[dict[str, dict[str, int]], int]:
        """Entries pending and dead per platform (those with any), and how many were delivered on all, read
        through indexes in one snapshot (as TaskQueue.counts: grouping by platform and state read every row)."""
        rows = await self._db.fetchall(
            f"SELECT platform, 'pending', COUNT(*) FROM outbox WHERE {writes.OUTBOX_OPEN} GROUP BY platform"
            " UNION ALL SELECT o.platform, 'dead', COUNT(*) FROM dead_letters d JOIN outbox o ON o.id = d.ref_id"
            " WHERE d.source = 'outbox' GROUP BY o.platform"
            " UNION ALL SELECT NULL, 'all', COUNT(*) FROM outbox")
        by_platform: dict[str, dict[str, int]] = {}
        delivered = 0
        for platform, state, count in rows:
            if platform is None:
                delivered += count
            else:
                by_platform.setdefault(platform, {"pending": 0, "dead": 0})[state] = count
                delivered -= count
        return dict(sorted(by_platform.items())), delivered

    async def pending_count(self, platform: str, chat_id: str | None = None) -> int:
        """Entries of platform (or of one chat on it) not yet delivered."""
        if chat_id is None:
            row = await self._db.fetchone(
                f"SELECT COUNT(*) FROM outbox WHERE platform = ? AND {writes.OUTBOX_OPEN}", (platform,)
            )
        else:
            row = await self._db.fetchone(
                f"SELECT COUNT(*) FROM outbox WHERE platform = ? AND {writes.OUTBOX_OPEN} AND chat_id = ?",
                (platform, chat_id),
            )
        return int(row[0]) if row else 0

    async def next_due(self, platform: str, chat_id: str) -> float | None:
        """When the chat's first pending entry is due to be tried (None: none is pending)."""
        row = await self._db.fetchone(
            f"SELECT MIN(next_attempt_at) FROM outbox WHERE platform = ? AND chat_id = ? AND {writes.OUTBOX_OPEN}",
            (platform, chat_id))
        return None if row is None or row[0] is None else float(row[0])

    async def prune(self, older_than_seconds: float, now: float | None = None) -> int:
        """Delete entries delivered more than older_than_seconds ago; return how many."""
        return await self._db.delete_old(writes.outbox_prune, "outbox", "created_at", (now or time.time()) - older_than_seconds)

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
        return await self._db.write(writes.outbox_record_delivered, params, idempotency_key)

    def _entry(self, row: tuple[Any, ...]) -> OutboxEntry:
        sealed = self._sealed
        body: bytes | str = sealed.open_text(row[0], "body", row[3]) if row[4] else sealed.open(row[0], "body", row[3])
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
            None if row[13] is None else sealed.open_text(row[0], "last_error", row[13]),
            row[14],
            row[15],
            bool(row[16]),
        )
