"""The placeholder vault: per scope, which placeholder stands for which value, until when."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from core.errors import DamagedValueError

__all__ = ["InMemoryVault", "StoredVault", "VaultBackend"]
_LOGGER = logging.getLogger(__name__)


@runtime_checkable
class VaultBackend(Protocol):
    """Keeps each scope's placeholder -> value map; expired maps read as empty."""

    async def load(self, scope: str) -> dict[str, str] | None:
        """Return the scope's map (a copy), an empty one when absent or expired, None when it was damaged."""
        ...

    async def save(self, scope: str, mapping: dict[str, str], expires_at: float) -> None:
        """Store the scope's whole map, replacing the previous one, until expires_at (epoch s)."""
        ...

    async def forget(self, scope: str) -> None:
        """Delete the scope's map (the chat starts over)."""
        ...


class InMemoryVault:
    """A vault in this process's memory: for tests, the CLI and gateways without a store."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._maps: dict[str, tuple[dict[str, str], float]] = {}

    async def load(self, scope: str) -> dict[str, str]:
        """Return the scope's map (a copy), or an empty one when absent or expired."""
        entry = self._maps.get(scope)
        if entry is None:
            return {}
        mapping, expires_at = entry
        if expires_at <= self._clock():
            del self._maps[scope]
            return {}
        return dict(mapping)

    async def save(self, scope: str, mapping: dict[str, str], expires_at: float) -> None:
        """Store the scope's whole map until expires_at."""
        self._maps[scope] = (dict(mapping), float(expires_at))

    async def forget(self, scope: str) -> None:
        """Delete the scope's map."""
        self._maps.pop(scope, None)

    async def purge_expired(self, now: float) -> int:
        """Delete every map that expired at or before now."""
        expired = [scope for scope, (_, at) in self._maps.items() if at <= now]
        for scope in expired:
            del self._maps[scope]
        return len(expired)

    def __len__(self) -> int:
        """Number of scopes held (expired ones included until loaded or purged)."""
        return len(self._maps)


class StoredVault:
    """The vault in Roost's store: each scope's map is an encrypted value of the pii integration's
    storage that expires with the map (retention deletes it then)."""

    PREFIX = "vault:"

    def __init__(self, storage: Any) -> None:
        self._storage = storage  # gateway.storage("pii"): expired values read as absent

    async def load(self, scope: str) -> dict[str, str] | None:
        """Return the scope's map, an empty one when absent or expired; None when damaged (then dropped)."""
        try:
            mapping = await self._storage.get(self.PREFIX + scope, {})
        except DamagedValueError:
            _LOGGER.warning("A chat's placeholder map was damaged on disk and is dropped: the personal data"
                            " it stood for can no longer be restored in answers")
            await self._storage.delete(self.PREFIX + scope)
            return None
        return {str(k): str(v) for k, v in mapping.items()}

    async def save(self, scope: str, mapping: dict[str, str], expires_at: float) -> None:
        """Store the scope's whole map until expires_at."""
        await self._storage.set(self.PREFIX + scope, dict(mapping), expires_at=expires_at)

    async def forget(self, scope: str) -> None:
        """Delete the scope's map."""
        await self._storage.delete(self.PREFIX + scope)
