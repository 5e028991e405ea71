"""The durable store: one SQLite file (WAL) with a group-committing writer and encrypted columns."""

from __future__ import annotations

from core.store.database import Database
from core.store.deadletters import DeadLetter, DeadLetters
from core.store.errors import (
    RowDecryptError,
    RowNotFoundError,
    SchemaVersionError,
    StoreClosedError,
    StoreError,
    WriteAbortedError,
)
from core.store.history import History
from core.store.inbox import Inbox, InboxEntry
from core.store.outbox import Outbox, OutboxDraft, OutboxEntry, PreparedEntry
from core.store.rekey import SEALED_TABLES, RekeyReport, reencrypt_all, reencrypt_database
from core.store.schema import MIGRATIONS
from core.store.sealing import SealedColumns, ValueCipher
from core.store.state import IntegrationState
from core.store.store import Store
from core.store.tasks import PreparedTask, Task, TaskQueue
from core.store.traces import Trace, Traces
from core.store.vault import Vault

__all__ = [
    "MIGRATIONS",
    "SEALED_TABLES",
    "Database",
    "DeadLetter",
    "DeadLetters",
    "History",
    "Inbox",
    "InboxEntry",
    "IntegrationState",
    "Outbox",
    "OutboxDraft",
    "OutboxEntry",
    "PreparedEntry",
    "PreparedTask",
    "RekeyReport",
    "RowDecryptError",
    "RowNotFoundError",
    "SchemaVersionError",
    "SealedColumns",
    "Store",
    "StoreClosedError",
    "StoreError",
    "Task",
    "TaskQueue",
    "Trace",
    "Traces",
    "ValueCipher",
    "Vault",
    "WriteAbortedError",
    "reencrypt_all",
    "reencrypt_database",
]
