"""The PII vault: reversible placeholder maps per scope (a chat), encrypted, with an expiry."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from core.store import writes
from core.store.sealing import SealedColumns

if TYPE_CHECKING:
    from core.store.database import Database


class Vault:
    """Placeholder → original text maps, one per scope, stored encrypted until they expire."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sealed = SealedColumns(db, "vault")

    async def load(self, scope: str) -> dict[str, str]:
        """The scope's map ({} if none or expired); RowDecryptError if it is damaged."""
        row = await self._db.fetchone(
            "SELECT data, expires_at FROM vault WHERE scope = ?", (scope,)
        )
        if row is None or row[1] <= time.time():
            return {}
        mapping = self._sealed.open_json(scope, "data", row[0])
        return {str(k): str(v) for k, v in mapping.items()}

    async def save(self, scope: str, mapping: dict[str, str], expires_at: float) -> None:
        """Replace the scope's map durably, kept until expires_at."""
        sealed = self._sealed.seal_json(scope, "data", dict(mapping))
        await self._db.write(writes.vault_save, scope, sealed, expires_at)

    async def purge_expired(self, now: float) -> int:
        """Delete maps that expired at or before now; return how many."""
        return await self._db.write(writes.vault_purge, now)
