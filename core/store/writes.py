"""The writes of the inbox, outbox, dead letters, state, history and traces.

They run in the store's writer (a thread, or the writer process), which imports this module,
``task_writes``, ``schema`` and ``operations`` and nothing of the repositories around them: the
writer process stays at the size of a bare interpreter with sqlite3 (see ``core.store.child``).
"""

from __future__ import annotations

import sqlite3

from core.store.errors import RowNotFoundError
from core.store.operations import all_or_group, single_statement, unsynced
from core.store.task_writes import complete_task, insert_prepared, refresh_head

TYPE_CHECKING = False  # typing itself costs the writer process 0.8 MiB; type checkers read this as True
if TYPE_CHECKING:
    from typing import Any

# -- inbox ---------------------------------------------------------------------

INBOX_INSERT = (
    "INSERT INTO inbox(id, platform, platform_msg_id, chat_id, sender, text, raw, received_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, platform_msg_id) DO NOTHING"
)


@single_statement
def inbox_receive_alone(conn: sqlite3.Connection, params: tuple[Any, ...]) -> bool:
    """Store a message that starts no task; False for a redelivery (its platform id is known)."""
    return conn.execute(INBOX_INSERT, params).rowcount == 1


@all_or_group
def inbox_receive(
    conn: sqlite3.Connection, params: tuple[Any, ...], tasks: list[tuple[tuple[Any, ...], str | None]]
) -> bool:
    """The message and its tasks, or (a redelivery) nothing; never half (see all_or_group)."""
    if conn.execute(INBOX_INSERT, params).rowcount != 1:
        return False
    for task in tasks:
        insert_prepared(conn, task)
    return True


@single_statement
def inbox_prune(conn: sqlite3.Connection, before: float, upto: int, limit: int) -> int:
    """Delete up to limit messages received before `before` that no open task (nor one dead since) reads; how many."""
    # The rows to drop sit below upto, the first row received since `before` (ids grow in arrival order).
    # Tasks name the message they run for and read it from here: the rows of open tasks stay (found through
    # their index), and those of tasks that died since `before` too (through their dead letters, each dead
    # task has one): a retry from the dead letters needs them.
    return conn.execute(
        "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE id < MIN(?2,"
        " COALESCE((SELECT MIN(inbox_id) FROM tasks WHERE state IN ('queued', 'leased')), ?2),"
        " COALESCE((SELECT MIN(t.inbox_id) FROM dead_letters d JOIN tasks t ON t.id = d.ref_id"
        " WHERE d.source = 'task' AND d.created_at >= ?1), ?2)) ORDER BY id LIMIT ?3)",
        (before, upto, limit),
    ).rowcount


# -- outbox --------------------------------------------------------------------

OUTBOX_INSERT = (
    "INSERT INTO outbox(id, platform, chat_id, body, is_text, idempotency_key, task_id, state,"
    " next_attempt_at, created_at, priority, reply_to, markdown)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING"
)


OUTBOX_DELIVERED = (
    "UPDATE outbox SET state = 'delivered', delivered_at = ?, platform_msg_id = ?"
    " WHERE id = ? AND state = 'pending'"
)

OUTBOX_OPEN = "state = 'pending'"


def _outbox_insert(conn: sqlite3.Connection, params: tuple[Any, ...], key: str) -> int:
    """Insert one entry; the id stored under its idempotency key if one already is."""
    if conn.execute(OUTBOX_INSERT, params).rowcount == 1:
        return int(params[0])
    return int(
        conn.execute("SELECT id FROM outbox WHERE idempotency_key = ?", (key,)).fetchone()[0]
    )


@all_or_group
def outbox_add_prepared(
    conn: sqlite3.Connection, rows: list[tuple[tuple[Any, ...], str]], task_id: int | None, now: float
) -> list[int]:
    """Complete the task (if any) and add its replies, in one operation; the entries' ids."""
    # The task first: an unknown task fails this operation alone, before anything changed.
    if task_id is not None:
        complete_task(conn, task_id, now)
    return [_outbox_insert(conn, params, key) for params, key in rows]


@single_statement
def outbox_mark_delivered_many(conn: sqlite3.Connection, rows: list[tuple[float, str | None, int]]) -> int:
    """Record deliveries, given as (delivered_at, platform_msg_id, id); how many were pending."""
    return conn.executemany(OUTBOX_DELIVERED, rows).rowcount


@single_statement
def outbox_record_delivered(conn: sqlite3.Connection, params: tuple[Any, ...], key: str) -> int:
    """Record a message delivered without the outbox (streamed); its id (the existing one for a known key)."""
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
def outbox_update_open(
    conn: sqlite3.Connection, sql: str, params: tuple[Any, ...], entry_id: int
) -> bool:
    """Run an UPDATE limited to open entries; False if the entry is closed, raise if absent."""
    if conn.execute(sql, params).rowcount:
        return True
    if conn.execute("SELECT 1 FROM outbox WHERE id = ?", (entry_id,)).fetchone() is None:
        raise RowNotFoundError("outbox", entry_id)
    return False


@single_statement
def outbox_due_now(conn: sqlite3.Connection, platform: str, chat_id: str, now: float) -> int:
    """Make a chat's open entries that wait for a later try due now; how many."""
    return conn.execute(
        f"UPDATE outbox SET next_attempt_at = ? WHERE platform = ? AND chat_id = ? AND {OUTBOX_OPEN}"
        " AND next_attempt_at > ?", (now, platform, chat_id, now)).rowcount


@single_statement
def outbox_drop(conn: sqlite3.Connection, entry_id: int) -> bool:
    """Delete an open entry no one can receive; False if it was closed or unknown."""
    return bool(conn.execute(f"DELETE FROM outbox WHERE id = ? AND {OUTBOX_OPEN}", (entry_id,)).rowcount)


def outbox_bury(
    conn: sqlite3.Connection, entry_id: int, letter_id: int, reason: bytes, now: float
) -> int:
    """Move an open entry to the dead letters; the letter's id (the existing one if already buried)."""
    changed = conn.execute(
        f"UPDATE outbox SET state = 'dead' WHERE id = ? AND {OUTBOX_OPEN}", (entry_id,)
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


def outbox_fail_delivered(conn: sqlite3.Connection, platform: str, platform_msg_id: str, letter_id: int,
                          reason: bytes, now: float) -> bool:
    """Move a delivered entry the platform later reported failed to the dead letters; False if unknown."""
    row = conn.execute("SELECT id FROM outbox WHERE platform = ? AND platform_msg_id = ? AND state = 'delivered'",
                       (platform, platform_msg_id)).fetchone()
    if row is None:
        return False
    conn.execute("UPDATE outbox SET state = 'dead' WHERE id = ?", (row[0],))
    conn.execute("INSERT INTO dead_letters(id, source, ref_id, reason, created_at) VALUES (?, 'outbox', ?, ?, ?)",
                 (letter_id, row[0], reason, now))
    return True


@single_statement
def outbox_prune(conn: sqlite3.Connection, before: float, upto: int, limit: int) -> int:
    """Delete up to limit entries delivered before `before`; how many."""
    # Delivered before `before` means created before it: below upto, the first entry created since.
    return conn.execute(
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE id < ?2 AND state = 'delivered'"
        " AND delivered_at < ?1 ORDER BY id LIMIT ?3)",
        (before, upto, limit),
    ).rowcount


# -- deadletters ---------------------------------------------------------------

def dead_retry(conn: sqlite3.Connection, letter_id: int, now: float) -> tuple[str, int]:
    """Put a dead task or entry back in its queue, due at now, and drop its letter; (source, id)."""
    row = conn.execute(
        "SELECT source, ref_id FROM dead_letters WHERE id = ?", (letter_id,)
    ).fetchone()
    if row is None:
        raise RowNotFoundError("dead_letters", letter_id)
    source, ref_id = row
    if source == "task":
        back = conn.execute(
            "UPDATE tasks SET state = 'queued', attempts = 0, available_at = ?,"
            " finished_at = NULL WHERE id = ? AND state = 'dead' RETURNING chat_key",
            (now, ref_id),
        ).fetchone()
        if back is not None:
            refresh_head(conn, back[0])
    else:
        conn.execute(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?"
            " WHERE id = ? AND state = 'dead'",
            (now, ref_id),
        )
    conn.execute("DELETE FROM dead_letters WHERE id = ?", (letter_id,))
    return source, ref_id


def dead_discard(conn: sqlite3.Connection, letter_id: int) -> tuple[str, int]:
    """Delete a dead letter and the dead task or entry it names; (source, id)."""
    row = conn.execute("SELECT source, ref_id FROM dead_letters WHERE id = ?", (letter_id,)).fetchone()
    if row is None:
        raise RowNotFoundError("dead_letters", letter_id)
    source, ref_id = row
    table = "tasks" if source == "task" else "outbox"
    conn.execute(f"DELETE FROM {table} WHERE id = ? AND state = 'dead'", (ref_id,))
    conn.execute("DELETE FROM dead_letters WHERE id = ?", (letter_id,))
    return source, ref_id


def dead_prune(conn: sqlite3.Connection, before: float) -> int:
    """Delete the dead letters older than `before` with their tasks and entries; how many letters."""
    conn.execute(
        "DELETE FROM tasks WHERE state = 'dead' AND id IN (SELECT ref_id FROM dead_letters"
        " WHERE source = 'task' AND created_at < ?)",
        (before,),
    )
    conn.execute(
        "DELETE FROM outbox WHERE state = 'dead' AND id IN (SELECT ref_id FROM dead_letters"
        " WHERE source = 'outbox' AND created_at < ?)",
        (before,),
    )
    return conn.execute("DELETE FROM dead_letters WHERE created_at < ?", (before,)).rowcount


# -- state ---------------------------------------------------------------------

@single_statement
def state_set(
    conn: sqlite3.Connection, domain: str, key: str, kind: str, value: bytes, now: float,
    expires_at: float | None = None,
) -> None:
    """Store a value under (domain, key), replacing what was there."""
    conn.execute(
        "INSERT INTO state(domain, key, kind, value, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (domain, key) DO UPDATE SET kind = excluded.kind, value = excluded.value,"
        " updated_at = excluded.updated_at, expires_at = excluded.expires_at",
        (domain, key, kind, value, now, expires_at),
    )


@single_statement
def state_purge_expired(conn: sqlite3.Connection, now: float) -> int:
    """Delete the values whose time ran out; how many."""
    return conn.execute("DELETE FROM state WHERE expires_at <= ?", (now,)).rowcount


@single_statement
def state_delete(conn: sqlite3.Connection, domain: str, key: str) -> bool:
    """Delete the value under (domain, key); False if there was none."""
    return (
        conn.execute("DELETE FROM state WHERE domain = ? AND key = ?", (domain, key)).rowcount == 1
    )


# -- history -------------------------------------------------------------------

@single_statement
def history_append(
    conn: sqlite3.Connection, row: int, chat_key: str, role: str, content: bytes, now: float
) -> None:
    """Add one turn to a chat's conversation history."""
    conn.execute(
        "INSERT INTO history(id, chat_key, role, content, created_at) VALUES (?, ?, ?, ?, ?)",
        (row, chat_key, role, content, now),
    )


@single_statement
def history_clear(conn: sqlite3.Connection, chat_key: str) -> int:
    """Forget a chat's conversation history; how many turns."""
    return conn.execute("DELETE FROM history WHERE chat_key = ?", (chat_key,)).rowcount


@single_statement
def history_prune(conn: sqlite3.Connection, before: float, keep_per_chat: int) -> int:
    """Delete turns older than `before` and beyond the newest keep_per_chat of each chat; how many."""
    removed = conn.execute("DELETE FROM history WHERE created_at < ?", (before,)).rowcount
    return removed + conn.execute(
        "DELETE FROM history WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER"
        " (PARTITION BY chat_key ORDER BY id DESC) AS n FROM history) WHERE n > ?)",
        (max(keep_per_chat, 1),),
    ).rowcount


# -- traces --------------------------------------------------------------------

@unsynced  # a trace lost to a power cut is a diagnostic lost, nothing more
@single_statement
def traces_add(conn: sqlite3.Connection, params: tuple[Any, ...]) -> None:
    """Store one automation run's trace."""
    conn.execute(
        "INSERT INTO traces(id, automation_id, run_id, started_at, finished_at, status, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        params,
    )


def traces_prune(conn: sqlite3.Connection, keep_last: int, older_than: float, limit: int) -> int:
    """Delete up to limit traces: the old ones, then those beyond each automation's newest keep_last."""
    # At most limit traces: those started before older_than, then those beyond the newest keep_last of each
    # automation, found an automation at a time through traces_automation (numbering every trace by its
    # automation read and sorted the whole table, for each chunk).
    removed = conn.execute("DELETE FROM traces WHERE id IN (SELECT id FROM traces WHERE started_at < ? LIMIT ?)",
                           (older_than, limit)).rowcount
    automation = ""
    while removed < limit:
        automation = conn.execute("SELECT MIN(automation_id) FROM traces WHERE automation_id > ?",
                                  (automation,)).fetchone()[0]
        if automation is None:
            break
        newest_gone = conn.execute("SELECT started_at, id FROM traces WHERE automation_id = ?"
                                   " ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?",
                                   (automation, max(keep_last, 0))).fetchone()
        if newest_gone is not None:
            removed += conn.execute(
                "DELETE FROM traces WHERE id IN (SELECT id FROM traces WHERE automation_id = ?"
                " AND (started_at, id) <= (?, ?) LIMIT ?)", (automation, *newest_gone, limit - removed)).rowcount
    return removed
