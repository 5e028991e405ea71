"""Integration state: small durable key-value pairs per integration (offsets, sessions, cursors).

Values are encrypted (a session token is a secret); bytes and str come back as they were
stored, anything else is stored as JSON (orjson) and comes back decoded. A value may expire:
it reads as absent from then on, and retention deletes it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from core.store import writes
from core.store.sealing import SealedColumns

if TYPE_CHECKING:
    from core.store.database import Database

def state_row(domain: str, key: str) -> str:
    """The row key a state value is bound to (unambiguous for any domain and key)."""
    return f"{len(domain)}:{domain}/{key}"


class IntegrationState:
    """Durable key-value state per integration domain."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sealed = SealedColumns(db, "state")

    async def get(self, domain: str, key: str, default: Any = None) -> Any:
        """Return the stored value, or default; RowDecryptError if it is damaged."""
        row = await self._db.fetchone(
            "SELECT kind, value, expires_at FROM state WHERE domain = ? AND key = ?", (domain, key)
        )
        if row is None or (row[2] is not None and row[2] <= time.time()):
            return default
        row_key = state_row(domain, key)
        if row[0] == "json":
            return self._sealed.open_json(row_key, "value", row[1])
        data = self._sealed.open(row_key, "value", row[1])
        return data if row[0] == "bytes" else data.decode("utf-8")

    async def keys(self, domain: str, prefix: str = "") -> list[str]:
        """The keys of a domain's values that have not expired (starting with prefix), oldest write first."""
        rows = await self._db.fetchall(
            "SELECT key FROM state WHERE domain = ? AND substr(key, 1, ?) = ?"
            " AND (expires_at IS NULL OR expires_at > ?) ORDER BY updated_at",
            (domain, len(prefix), prefix, time.time()),
        )
        return [row[0] for row in rows]

    async def set(self, domain: str, key: str, value: bytes | str | Any, *, expires_at: float | None = None) -> None:
        """Store value durably (bytes and str as they are, anything else as JSON), until expires_at if given."""
        row_key = state_row(domain, key)
        if isinstance(value, bytes | bytearray | memoryview):
            kind, sealed = "bytes", self._sealed.seal(row_key, "value", bytes(value))
        elif isinstance(value, str):
            kind, sealed = "str", self._sealed.seal_text(row_key, "value", value)
        else:
            kind, sealed = "json", self._sealed.seal_json(row_key, "value", value)
        await self._db.write(writes.state_set, domain, key, kind, sealed, time.time(), expires_at)

    async def delete(self, domain: str, key: str) -> bool:
        """Remove a value; return whether it existed."""
        return await self._db.write(writes.state_delete, domain, key)

    async def purge_expired(self, now: float) -> int:
        """Delete the values that expired at or before now; return how many."""
        return await self._db.write(writes.state_purge_expired, now)

    def of(self, domain: str) -> DomainState:
        """The values of one integration (what ``gateway.storage(domain)`` hands it)."""
        return DomainState(self, domain)


class DomainState:
    """One integration's durable key-value store (values encrypted; bytes, str or JSON)."""

    __slots__ = ("_state", "domain")

    def __init__(self, state: IntegrationState, domain: str) -> None:
        self._state = state
        self.domain = domain

    async def get(self, key: str, default: Any = None) -> Any:
        """The stored value, or default; core.errors.DamagedValueError when it was changed on disk."""
        return await self._state.get(self.domain, key, default)

    async def keys(self, prefix: str = "") -> list[str]:
        """The keys held (starting with prefix), oldest write first."""
        return await self._state.keys(self.domain, prefix)

    async def set(self, key: str, value: Any, *, expires_at: float | None = None) -> None:
        """Store a value durably (until expires_at, epoch seconds, if given)."""
        await self._state.set(self.domain, key, value, expires_at=expires_at)

    async def delete(self, key: str) -> bool:
        """Remove a value; return whether it existed."""
        return await self._state.delete(self.domain, key)
