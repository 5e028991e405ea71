"""The schema and its forward migrations.

``MIGRATIONS[i]`` upgrades a database from version ``i`` to ``i + 1``; a migration is either
a tuple of SQL statements or a function ``fn(conn)``. Opening a database applies the missing
migrations in order, all in one transaction with the version bump (a failing migration leaves
the file as it was). A database newer than the code is refused, unchanged.

What is encrypted (BLOB columns written by ``SealedColumns``): message texts and raw payloads
(inbox), task payloads and errors, outbox bodies and errors, dead-letter reasons, history
content, trace data, integration state values. What is not: ids, timestamps,
states, priorities, lanes, attempt counts, platform names, chat ids, senders and
idempotency keys — the scheduler queries, orders and deduplicates by them. Senders and chat
ids are platform identifiers (numbers or handles), not message content.

Row ids are handed out before the insert (``IdAllocator``, backed by ``id_blocks``) so a
value can be encrypted with its row id as associated data before it reaches the writer.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence

from core.store.errors import SchemaVersionError
from core.store.operations import single_statement

TYPE_CHECKING = False  # Path for type checkers only: the writer process imports this module, not pathlib
if TYPE_CHECKING:
    from pathlib import Path

Migration = tuple[str, ...] | Callable[[sqlite3.Connection], None]

_SEQUENCES = ("inbox", "tasks", "outbox", "dead_letters", "history", "traces", "tokens")

_V1: tuple[str, ...] = (
    """CREATE TABLE id_blocks(
        name TEXT PRIMARY KEY,
        next_id INTEGER NOT NULL
    ) WITHOUT ROWID""",
    *(f"INSERT INTO id_blocks(name, next_id) VALUES ('{name}', 1)" for name in _SEQUENCES),
    """CREATE TABLE inbox(
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        platform_msg_id TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        text BLOB NOT NULL,
        raw BLOB NOT NULL,
        received_at REAL NOT NULL,
        state TEXT NOT NULL DEFAULT 'received'
            CHECK (state IN ('received', 'dispatched', 'done')),
        UNIQUE (platform, platform_msg_id)
    )""",
    "CREATE INDEX inbox_open ON inbox(id) WHERE state != 'done'",
    """CREATE TABLE tasks(
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        payload BLOB,
        priority INTEGER NOT NULL,
        chat_key TEXT NOT NULL,
        lane TEXT NOT NULL,
        idempotency_key TEXT UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead')),
        head INTEGER NOT NULL DEFAULT 0,
        available_at REAL NOT NULL,
        created_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_until REAL,
        finished_at REAL,
        last_error BLOB
    )""",
    # Only the oldest open task of each chat is a head; only heads can be leased.
    "CREATE INDEX tasks_ready ON tasks(priority DESC, id) WHERE state = 'queued' AND head = 1",
    "CREATE INDEX tasks_chat ON tasks(chat_key, id) WHERE state IN ('queued', 'leased')",
    "CREATE INDEX tasks_leased ON tasks(lease_until) WHERE state = 'leased'",
    "CREATE INDEX tasks_finished ON tasks(finished_at) WHERE state = 'done'",
    """CREATE TABLE outbox(
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        body BLOB NOT NULL,
        is_text INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        created_at REAL NOT NULL,
        delivered_at REAL,
        platform_msg_id TEXT,
        last_error BLOB
    )""",
    "CREATE INDEX outbox_open ON outbox(platform, id) WHERE state IN ('pending', 'sending')",
    "CREATE INDEX outbox_sending ON outbox(id) WHERE state = 'sending'",
    "CREATE INDEX outbox_delivered ON outbox(delivered_at) WHERE state = 'delivered'",
    "CREATE INDEX outbox_task ON outbox(task_id) WHERE task_id IS NOT NULL",
    """CREATE TABLE dead_letters(
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('task', 'outbox')),
        ref_id INTEGER NOT NULL,
        reason BLOB NOT NULL,
        created_at REAL NOT NULL,
        UNIQUE (source, ref_id)
    )""",
    "CREATE INDEX dead_letters_age ON dead_letters(created_at)",
    """CREATE TABLE state(
        domain TEXT NOT NULL,
        key TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('bytes', 'str', 'json')),
        value BLOB NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (domain, key)
    )""",
    """CREATE TABLE history(
        id INTEGER PRIMARY KEY,
        chat_key TEXT NOT NULL,
        role TEXT NOT NULL,
        content BLOB NOT NULL,
        created_at REAL NOT NULL
    )""",
    "CREATE INDEX history_chat ON history(chat_key, id)",
    """CREATE TABLE traces(
        id INTEGER PRIMARY KEY,
        automation_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        started_at REAL NOT NULL,
        finished_at REAL,
        status TEXT NOT NULL,
        data BLOB NOT NULL
    )""",
    "CREATE INDEX traces_automation ON traces(automation_id, started_at)",
    "CREATE INDEX traces_started ON traces(started_at)",
    """CREATE TABLE vault(
        scope TEXT PRIMARY KEY,
        data BLOB NOT NULL,
        expires_at REAL NOT NULL
    )""",
    "CREATE INDEX vault_expiry ON vault(expires_at)",
    # Reserved for pairing and API tokens (filled by their own modules).
    """CREATE TABLE pairing(
        code TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        sender TEXT NOT NULL,
        created_at REAL NOT NULL,
        approved INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE tokens(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        hash TEXT NOT NULL,
        created_at REAL NOT NULL,
        last_used REAL
    )""",
)

# Version 2: outbox entries carry a priority (an emergency alert goes before queued replies);
# the open-entries index is ordered by it so the delivery scan reads one priority at a time.
_V2: tuple[str, ...] = (
    "ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
    "DROP INDEX outbox_open",
    "CREATE INDEX outbox_open ON outbox(platform, priority, id) WHERE state IN ('pending', 'sending')",
)

# Version 3: an outbox entry remembers the platform message it answers (reply threading); it is
# a platform id like chat_id, not message content, so it is stored as is. The open-entries
# index runs priority downwards, so one ordered scan reads a delivery batch across priorities.
_V3: tuple[str, ...] = (
    "ALTER TABLE outbox ADD COLUMN reply_to TEXT",
    "DROP INDEX outbox_open",
    "CREATE INDEX outbox_open ON outbox(platform, priority DESC, id) WHERE state IN ('pending', 'sending')",
)

# Version 4: a task started by a stored message names its inbox row. Its payload then leaves
# the message out (the inbox holds it, sealed): a run task row is a fifth of the size, and
# every rewrite of it (head, lease, done) writes that much less. The inbox keeps the rows
# that open tasks still need (see Inbox.prune).
_V4: tuple[str, ...] = (
    "ALTER TABLE tasks ADD COLUMN inbox_id INTEGER",
)

# Version 5: finished tasks and delivered replies are pruned by row id (ids grow with creation
# time, see Tasks/Outbox prune), so the indexes by finish and delivery time go: every
# completion and every delivery wrote a page of each.
_V5: tuple[str, ...] = (
    "DROP INDEX tasks_finished",
    "DROP INDEX outbox_delivered",
)

# Version 6: every message is stored with its tasks in one commit, and each outbox entry is
# either pending or closed, so the inbox's state and the outbox's "sending" state go with
# their indexes; the reserved pairing and tokens tables, which nothing wrote, go too (their
# features will bring their own tables).
_V6: tuple[str, ...] = (
    "DROP INDEX inbox_open",
    "ALTER TABLE inbox DROP COLUMN state",
    "UPDATE outbox SET state = 'pending' WHERE state = 'sending'",
    "DROP INDEX outbox_sending",
    "DROP INDEX outbox_open",
    "CREATE INDEX outbox_open ON outbox(platform, priority DESC, id) WHERE state = 'pending'",
    "DROP TABLE pairing",
    "DROP TABLE tokens",
    "DELETE FROM id_blocks WHERE name = 'tokens'",
)

# Version 7: integration state values may expire (a generic key-value store with expiry), and
# the PII vault moves into the pii integration on it; the core's vault table goes. Its maps
# expire within a day anyway: a placeholder of a conversation under way when Roost is upgraded
# can no longer be restored in an answer (the answer shows the placeholder).
_V7: tuple[str, ...] = (
    "ALTER TABLE state ADD COLUMN expires_at REAL",
    "CREATE INDEX state_expiry ON state(expires_at) WHERE expires_at IS NOT NULL",
    "DROP TABLE vault",
)

_KEY_REST = "substr(chat_key || '|', instr(chat_key, '|') + 1)"
TASK_CHAT = f"substr({_KEY_REST}, 1, instr({_KEY_REST}, '|') - 1)"
"""The chat of a task's chat_key ('automation|platform:chat' or 'automation|platform:chat|run'), as the
tasks_open_chat index has it: a query must spell it the same for the index to serve it."""

# Version 8: waiting for one chat to settle (a reply awaited over the HA socket, the console) asks
# whether the chat has open tasks and undelivered replies, at each step of its runs. Both were scans
# of every open task or pending entry: 100 and 154 us of reader thread each with 320 messages in flight
# on the ws benchmark's HA socket. Through these indexes a lookup costs 4-7 us on a quiet file; with
# the writer committing meanwhile, any read costs the reader thread 50-70 us (its pages are read anew).
_V8: tuple[str, ...] = (
    f"CREATE INDEX tasks_open_chat ON tasks({TASK_CHAT}) WHERE state IN ('queued', 'leased')",
    "CREATE INDEX outbox_open_chat ON outbox(platform, chat_id) WHERE state = 'pending'",
)

# Version 9: a lease has no end time. Only one process runs a store's tasks (the instance lock) and
# nothing ends a lease while its process lives; at a start every lease is a dead process's, whatever
# its time said (a clock set back made it say "not yet"). The index of leased tasks holds their lanes,
# which a lease within lane capacities counts.
_V9: tuple[str, ...] = (
    "DROP INDEX tasks_leased",
    "ALTER TABLE tasks DROP COLUMN lease_until",
    "CREATE INDEX tasks_leased ON tasks(lane) WHERE state = 'leased'",
)

# Version 10: chats take turns. A head's `head` is its turn (1, 2, ...: the order in which heads of its
# priority joined the line; 0 for a task that is not a head), and heads are leased by priority, then
# turn: a chat whose task finished joins the line again behind the chats that waited meanwhile, so
# one chat's backlog no longer holds up the others. Heads of older files keep turn 1 (they waited longest).
_V10: tuple[str, ...] = (
    "DROP INDEX tasks_ready",
    "CREATE INDEX tasks_ready ON tasks(priority DESC, head) WHERE state = 'queued' AND head > 0",
)

# Version 11: an outbox entry says whether its text is a model's answer in Markdown, which a chat app that can
# shows formatted (an automation's own text, a log report say, goes as written).
_V11: tuple[str, ...] = (
    "ALTER TABLE outbox ADD COLUMN markdown INTEGER NOT NULL DEFAULT 0",
)

MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11)
"""Every migration this code knows, oldest first; the schema version is its length."""


def current_version(conn: sqlite3.Connection) -> int:
    """Return the schema version recorded in the database (0 for a new file)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if exists is None:
        return 0
    return int(conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])


def stored_version(path: Path) -> int:
    """The schema version of the database file at path (0 when there is none yet)."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    conn = sqlite3.connect(path, isolation_level=None)  # not read-only: it may have to read a WAL left by a crash
    try:
        return current_version(conn)
    finally:
        conn.close()


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration], path: str) -> int:
    """Bring the database up to len(migrations), atomically; return the version it is at."""
    target = len(migrations)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version("
            "version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)"
        )
        version = current_version(conn)
        if version > target:
            raise SchemaVersionError(
                f"{path} has schema version {version}, but this Roost only knows versions up to"
                f" {target}: it was written by a newer Roost. Upgrade Roost, or restore a backup"
                " taken with this version; the file was not changed."
            )
        for number in range(version + 1, target + 1):
            migration = migrations[number - 1]
            if callable(migration):
                migration(conn)
            else:
                for statement in migration:
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version(version, applied_at) VALUES (?, ?)",
                (number, time.time()),
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return target


@single_statement
def reserve_ids(conn: sqlite3.Connection, name: str, size: int) -> tuple[int, int]:
    """Reserve the next size ids of a table in id_blocks (an operation); the range [first, end)."""
    row = conn.execute(
        "UPDATE id_blocks SET next_id = next_id + ? WHERE name = ? RETURNING next_id",
        (size, name),
    ).fetchone()
    if row is None:
        conn.execute("INSERT INTO id_blocks(name, next_id) VALUES (?, ?)", (name, 1 + size))
        return 1, 1 + size
    end = int(row[0])
    return end - size, end
