"""The durable store: one SQLite file (WAL) with a group-committing writer and encrypted columns.

Names are imported on first use: the writer process imports the repository modules (for their
operations) through this package and must not load the gateway side (asyncio, the read connection).
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing itself costs the writer process 0.8 MiB; type checkers read this as True
if TYPE_CHECKING:
    from typing import Any

    from core.store.database import Database
    from core.store.deadletters import DeadLetter, DeadLetters
    from core.store.errors import (
        RowDecryptError,
        RowNotFoundError,
        SchemaVersionError,
        StoreClosedError,
        StoreError,
        StoreLostError,
        WriteAbortedError,
    )
    from core.store.history import History
    from core.store.inbox import Inbox, InboxEntry
    from core.store.outbox import Outbox, OutboxEntry, PreparedEntry
    from core.store.rekey import SEALED_TABLES, RekeyReport, reencrypt_database
    from core.store.schema import MIGRATIONS
    from core.store.sealing import SealedColumns, ValueCipher
    from core.store.state import IntegrationState
    from core.store.store import Store
    from core.store.tasks import PreparedTask, Task, TaskQueue
    from core.store.traces import Trace, Traces

_HOMES = {
    "Database": "core.store.database",
    "DeadLetter": "core.store.deadletters",
    "DeadLetters": "core.store.deadletters",
    "History": "core.store.history",
    "Inbox": "core.store.inbox",
    "InboxEntry": "core.store.inbox",
    "IntegrationState": "core.store.state",
    "MIGRATIONS": "core.store.schema",
    "Outbox": "core.store.outbox",
    "OutboxEntry": "core.store.outbox",
    "PreparedEntry": "core.store.outbox",
    "PreparedTask": "core.store.tasks",
    "RekeyReport": "core.store.rekey",
    "RowDecryptError": "core.store.errors",
    "RowNotFoundError": "core.store.errors",
    "SEALED_TABLES": "core.store.rekey",
    "SchemaVersionError": "core.store.errors",
    "SealedColumns": "core.store.sealing",
    "Store": "core.store.store",
    "StoreClosedError": "core.store.errors",
    "StoreError": "core.store.errors",
    "StoreLostError": "core.store.errors",
    "Task": "core.store.tasks",
    "TaskQueue": "core.store.tasks",
    "Trace": "core.store.traces",
    "Traces": "core.store.traces",
    "ValueCipher": "core.store.sealing",
    "WriteAbortedError": "core.store.errors",
    "reencrypt_database": "core.store.rekey",
}

__all__ = [
    "Database",
    "DeadLetter",
    "DeadLetters",
    "History",
    "Inbox",
    "InboxEntry",
    "IntegrationState",
    "MIGRATIONS",
    "Outbox",
    "OutboxEntry",
    "PreparedEntry",
    "PreparedTask",
    "RekeyReport",
    "RowDecryptError",
    "RowNotFoundError",
    "SEALED_TABLES",
    "SchemaVersionError",
    "SealedColumns",
    "Store",
    "StoreClosedError",
    "StoreError",
    "StoreLostError",
    "Task",
    "TaskQueue",
    "Trace",
    "Traces",
    "ValueCipher",
    "WriteAbortedError",
    "reencrypt_database",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module when it is first used."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'core.store' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
