"""Access tokens: made once and shown once; the store keeps only their SHA-256, with name and dates."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from core.errors import StoreUnavailable

PREFIX = "token:"
TOKEN_PREFIX = "roost_"
LAST_USED_EVERY = 60.0
"""A token's last use is written at most once a minute (not a store write per request, nor per check of an open
socket)."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What is known of a token: never the token itself."""

    name: str
    created: float
    expires: float | None
    last_used: float | None
    admin: bool = False
    """May act on the status page (retry, discard, approve), not only read."""
    digest: str = ""
    """The token's SHA-256, which the store keys it by (what tells two tokens of one name apart)."""

    def expired(self, now: float) -> bool:
        """Whether it is past its expiry."""
        return self.expires is not None and self.expires <= now


def shown_time(moment: float) -> str:
    """A moment as `roost token list` and `roost doctor` show it: local time, to the minute."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(moment))


def digest(token: str) -> str:
    """The hex SHA-256 a token is stored and looked up by (tokens are 256 random bits: no salt needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenBook:
    """Tokens in the http integration's encrypted storage, one value per token, keyed by its digest."""

    def __init__(self, storage: Any, clock: Any = time.time) -> None:
        self._storage = storage
        self._clock = clock
        self._written: dict[str, float] = {}

    async def create(self, name: str, expires_in: float | None = None, *, admin: bool = False) -> str:
        """A new token named name (unique; admin: may act on the status page); returned once, never stored."""
        if not name or len(name) > 64 or not name.isprintable():
            raise ValueError("a token name is 1 to 64 printable characters")
        if any(info.name == name for info in await self.list()):
            raise ValueError(f"a token named {name!r} exists already; revoke it first or pick another name")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self._clock()
        await self._storage.set(PREFIX + digest(token), {
            "name": name, "hash": digest(token), "created": now,
            "expires": None if expires_in is None else now + expires_in, "last_used": None, "admin": admin,
        })
        return token

    async def list(self) -> list[TokenInfo]:
        """Every token, oldest first."""
        found = []
        for key in await self._storage.keys(PREFIX):
            entry = await self._storage.get(key)
            if isinstance(entry, dict):
                found.append(_info(entry))
        return found

    async def revoke(self, name: str) -> bool:
        """Remove the token named name; whether there was one."""
        for key in await self._storage.keys(PREFIX):
            entry = await self._storage.get(key)
            if isinstance(entry, dict) and entry.get("name") == name:
                return await self._storage.delete(key)
        return False

    async def any(self) -> bool:
        """Whether at least one token exists (expired ones count: they exist, they just do not work)."""
        return bool(await self._storage.keys(PREFIX))

    async def ended(self, info: TokenInfo) -> str | None:
        """Why the token info describes no longer works ("was revoked", "has expired"), or None while it does; for
        what stays open past the request that checked it, which keeps using the token (its last use is written)."""
        entry = await self._storage.get(PREFIX + info.digest)
        if not isinstance(entry, dict):
            return "was revoked"
        now = self._clock()
        if info.expired(now):
            return "has expired"
        await self._used(info.digest, entry, now)
        return None

    async def verify(self, token: str) -> TokenInfo | None:
        """The token's info when it is valid now, else None."""
        key = digest(token)
        entry = await self._storage.get(PREFIX + key)
        if not isinstance(entry, dict) or not hmac.compare_digest(str(entry.get("hash", "")), key):
            return None
        info = _info(entry)
        now = self._clock()
        if info.expired(now):
            return None
        await self._used(key, entry, now)
        return info

    async def _used(self, key: str, entry: dict[str, Any], now: float) -> None:
        if now - self._written.get(key, 0.0) >= LAST_USED_EVERY:
            self._written[key] = now
            with suppress(StoreUnavailable):  # a full disk: the store says so; a request that only reads goes on
                await self._storage.set(PREFIX + key, {**entry, "last_used": now})


def _info(entry: dict[str, Any]) -> TokenInfo:
    return TokenInfo(str(entry.get("name")), float(entry.get("created") or 0), entry.get("expires"),
                     entry.get("last_used"), bool(entry.get("admin")), str(entry.get("hash", "")))
