"""The load channel's "chat platform": one SQLite file with inbound messages, a sink and controls.

Tables:

- ``inbound(id, chat_id, sender, text)``: messages users sent; a test fills it, the channel
  reads rows with an id above its offset (like a Telegram update offset).
- ``sink(platform_id, idempotency_key UNIQUE, chat_id, text, reply_to, delivered_at)``:
  replies the platform accepted. Inserting is idempotent by key (``INSERT OR IGNORE``), as
  a platform that honours idempotency keys would be, and returns the platform-side id.
- ``attempts(id, idempotency_key, chat_id, at, outcome)``: every send call, whatever its
  outcome (``ok``, ``duplicate``, ``offline``, ``transient``, ``permanent``).
- ``control(key, value)``: switches a test flips, from its own process if it likes:
  ``offline`` ("1"/"0"); ``transient`` and ``permanent`` as JSON
  ``{"count": N, "retry_after": X, "match": "substring"}`` — the next N sends (whose text
  contains ``match``, when given) fail that way.

Every method is blocking: the channel calls them on its own thread, tests call them directly.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS inbound(id INTEGER PRIMARY KEY, chat_id TEXT NOT NULL,"
    " sender TEXT NOT NULL, text TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sink(platform_id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " idempotency_key TEXT NOT NULL UNIQUE, chat_id TEXT NOT NULL, text TEXT NOT NULL,"
    " reply_to TEXT, delivered_at REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS attempts(id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL,"
    " chat_id TEXT NOT NULL, at REAL NOT NULL, outcome TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS control(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What the platform did with one send call."""

    outcome: str
    platform_id: int | None = None
    retry_after: float | None = None


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the platform file in WAL mode with the schema."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 30000")
    for statement in SCHEMA:
        conn.execute(statement)
    return conn


class Platform:
    """Blocking access to the platform file (one connection; use from one thread at a time)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.conn = connect(self.path)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # -- what users and tests do ---------------------------------------------------------

    def post(self, rows: list[tuple[str, str, str]]) -> list[int]:
        """Add inbound messages (chat_id, sender, text) in order; return their ids."""
        ids: list[int] = []
        with self._transaction():
            for chat_id, sender, text in rows:
                cursor = self.conn.execute(
                    "INSERT INTO inbound(chat_id, sender, text) VALUES (?, ?, ?)", (chat_id, sender, text)
                )
                ids.append(int(cursor.lastrowid or 0))
        return ids

    def set_control(self, key: str, value: Any) -> None:
        """Set a switch: offline (bool), transient/permanent ({count, retry_after, match})."""
        text = ("1" if value else "0") if key == "offline" else json.dumps(value)
        self.conn.execute(
            "INSERT INTO control(key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, text),
        )

    def sink(self) -> list[tuple[int, str, str, str, str | None]]:
        """Delivered replies (platform_id, idempotency_key, chat_id, text, reply_to) in arrival order."""
        return self.conn.execute(
            "SELECT platform_id, idempotency_key, chat_id, text, reply_to FROM sink ORDER BY platform_id"
        ).fetchall()

    def sink_count(self) -> int:
        """How many replies arrived."""
        return int(self.conn.execute("SELECT COUNT(*) FROM sink").fetchone()[0])

    def attempts(self) -> list[tuple[str, str, float, str]]:
        """Every send call (idempotency_key, chat_id, time, outcome), in order."""
        return self.conn.execute(
            "SELECT idempotency_key, chat_id, at, outcome FROM attempts ORDER BY id"
        ).fetchall()

    # -- what the channel does -----------------------------------------------------------

    def read(self, after: int, limit: int) -> tuple[list[tuple[int, str, str, str]], bool]:
        """Inbound rows with id > after (oldest first, at most limit), and whether it is offline."""
        rows = self.conn.execute(
            "SELECT id, chat_id, sender, text FROM inbound WHERE id > ? ORDER BY id LIMIT ?",
            (after, limit),
        ).fetchall()
        return rows, self.offline()

    def offline(self) -> bool:
        """Whether the platform is switched offline."""
        row = self.conn.execute("SELECT value FROM control WHERE key = 'offline'").fetchone()
        return row is not None and row[0] == "1"

    def deliver(self, chat_id: str, text: str, reply_to: str | None, key: str) -> SendOutcome:
        """One send call: record the attempt, apply a pending failure, or store the reply once."""
        now = time.time()
        with self._transaction():
            controls = dict(self.conn.execute("SELECT key, value FROM control").fetchall())
            outcome = SendOutcome("ok")
            if controls.get("offline") == "1":
                outcome = SendOutcome("offline")
            else:
                for kind in ("permanent", "transient"):
                    rule = json.loads(controls[kind]) if kind in controls else None
                    if not rule or rule.get("count", 0) <= 0:
                        continue
                    if rule.get("match") and rule["match"] not in text:
                        continue
                    rule["count"] -= 1
                    self.conn.execute("UPDATE control SET value = ? WHERE key = ?", (json.dumps(rule), kind))
                    outcome = SendOutcome(kind, retry_after=rule.get("retry_after"))
                    break
            if outcome.outcome == "ok":
                inserted = self.conn.execute(
                    "INSERT OR IGNORE INTO sink(idempotency_key, chat_id, text, reply_to, delivered_at)"
                    " VALUES (?, ?, ?, ?, ?)", (key, chat_id, text, reply_to, now),
                ).rowcount
                platform_id = int(self.conn.execute(
                    "SELECT platform_id FROM sink WHERE idempotency_key = ?", (key,)
                ).fetchone()[0])
                outcome = SendOutcome("ok" if inserted else "duplicate", platform_id)
            self.conn.execute(
                "INSERT INTO attempts(idempotency_key, chat_id, at, outcome) VALUES (?, ?, ?, ?)",
                (key, chat_id, now, outcome.outcome),
            )
        return outcome

    def _transaction(self) -> _Transaction:
        return _Transaction(self.conn)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")
