"""Pairing: codes unknown senders get, and the owner's approvals, kept in the store (they survive restarts).

Codes are 8 characters without look-alikes, valid an hour, at most 3 waiting per platform. The
pipeline's gatekeeper (``core.pipeline.access``) hands them out; `roost pair` and the console's
``/pair`` approve them.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.store.state import DomainState

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8
CODE_SECONDS = 3600.0
MAX_PENDING = 3
DOMAIN = "pairing"
"""The state domain of codes and approvals (``gateway.storage(DOMAIN)``)."""

class Pairing:
    """Pairing codes and approvals, kept in the store (they survive restarts)."""

    def __init__(self, state: DomainState) -> None:
        self.state = state

    async def approved(self, platform: str, user: str) -> bool:
        """Whether the owner approved this user of this platform."""
        return await self.state.get(f"approved:{platform}:{user}") is not None

    async def request(self, platform: str, user: str, chat_id: str) -> str | None:
        """The user's waiting code (a new one if none waits); None when the platform has too many waiting."""
        waiting = await self.pending(platform)
        for entry in waiting:
            if entry["user"] == user:
                return str(entry["code"])
        if len(waiting) >= MAX_PENDING:
            return None
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = time.time()
        await self.state.set(f"code:{code}", {"code": code, "platform": platform, "user": user, "chat_id": chat_id,
                                              "created": now}, expires_at=now + CODE_SECONDS)
        return code

    async def pending(self, platform: str | None = None) -> list[dict[str, Any]]:
        """Codes waiting for the owner (of one platform if named), oldest first."""
        entries = [await self.state.get(key) for key in await self.state.keys("code:")]
        return [e for e in entries if e is not None and (platform is None or e["platform"] == platform)]

    async def approve(self, code: str) -> dict[str, Any] | None:
        """Approve the user a code was given to; the code's entry, or None for an unknown or expired code."""
        entry = await self._take(code)
        if entry is not None:
            await self.state.set(f"approved:{entry['platform']}:{entry['user']}", {"approved": time.time()})
        return entry

    async def deny(self, code: str) -> dict[str, Any] | None:
        """Forget a code without approving; its entry, or None."""
        return await self._take(code)

    async def revoke(self, platform: str, user: str) -> bool:
        """Take an approval back; whether there was one."""
        return await self.state.delete(f"approved:{platform}:{user}")

    async def approvals(self) -> list[tuple[str, str]]:
        """(platform, user) of every approval."""
        return [tuple(key.split(":", 2)[1:]) for key in await self.state.keys("approved:")]  # type: ignore[misc]

    async def _take(self, code: str) -> dict[str, Any] | None:
        code = code.strip().upper().replace("-", "")
        entry = await self.state.get(f"code:{code}")
        if entry is not None:
            await self.state.delete(f"code:{code}")
        return entry


USAGE = "pair list | approve CODE | deny CODE | revoke PLATFORM USER"


async def pair_action(pairing: Pairing, words: list[str]) -> tuple[bool, str]:
    """Carry out a `pair` action (`roost pair ...`, or `/pair ...` on the console): (done, what to show)."""
    action, args = (words[0].lower(), words[1:]) if words else ("", [])
    if action == "list" and not args:
        lines = [f"waiting   {e['code']}  {e['platform']} user {e['user']} (chat {e['chat_id']}),"
                 f" {max(0.0, CODE_SECONDS - (time.time() - e['created'])) / 60:.0f} min left"
                 for e in await pairing.pending()]
        lines += [f"approved  {platform} user {user}" for platform, user in await pairing.approvals()]
        return True, "\n".join(lines) or "No pairing codes wait, and nobody is approved yet."
    if action in ("approve", "deny") and len(args) == 1:
        entry = await (pairing.approve(args[0]) if action == "approve" else pairing.deny(args[0]))
        if entry is None:
            return False, f"no waiting code {args[0]!r} (unknown, or older than an hour); `pair list` shows the codes"
        return True, f"{entry['platform']} user {entry['user']} {'approved' if action == 'approve' else 'denied'}."
    if action == "revoke" and len(args) == 2:
        if not await pairing.revoke(args[0], args[1]):
            return False, f"{args[0]} user {args[1]} was not approved"
        return True, f"{args[0]} user {args[1]} may no longer talk to Roost (unless allow_from lists them)."
    return False, f"usage: {USAGE}"

