"""Discord's REST API for a bot: sends, edits, deletes, typing, the gateway's address; rate-limit buckets obeyed.

Each response's ``X-RateLimit-Bucket``, ``-Remaining`` and ``-Reset-After`` are kept per bucket and
major parameter (the channel): a request whose bucket is spent waits for its reset. A 429 says
how long (``retry_after``, for the route or, with ``global``, for everything). 401 and 403 count
toward Discord's invalid-request limit: after a few, ``InvalidRequests`` tells the channel to stop.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import deque
from typing import Any

import aiohttp
import orjson

from core.errors import PermanentError, TransientError
from core.pacing import Pacer

DEFAULT_API = "https://discord.com/api/v10"
POST_MESSAGE = "POST /channels/messages"
"""The route of a new message (its bucket is per channel)."""
INVALID_BUDGET = 5
"""401/403 answers within INVALID_WINDOW after which the channel stops asking (Discord bans at 10,000)."""
NOT_ALLOWED = {
    50001: "; the bot cannot see that channel: give its role View Channels there",
    50013: "; the bot lacks a permission there: give its role View Channels, Send Messages and Read Message History",
}
"""What a server's owner does about Discord's refusals for missing access (error code -> hint)."""
INVALID_WINDOW = 600.0


class InvalidRequests(PermanentError):
    """Discord refused the token or permissions again and again: asking more would get the bot banned."""


def nonce_of(key: str) -> str:
    """A nonce (≤ 25 characters) from an outbox idempotency key: the same on every retry."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


class DiscordRest:
    """Calls the REST API for one bot token."""

    def __init__(self, token: str, api: str = DEFAULT_API) -> None:
        self._api = api.rstrip("/")
        self._headers = {"Authorization": f"Bot {token}", "User-Agent": "DiscordBot (https://roost.local, 0.1)",
                         "Content-Type": "application/json"}
        self._session: aiohttp.ClientSession | None = None
        self._buckets: dict[str, str] = {}  # route key -> Discord's bucket id
        self._resets = Pacer()  # bucket id + major parameter -> when it has requests again
        self._global_until = 0.0
        self._invalid: deque[float] = deque()

    async def gateway_bot(self) -> dict[str, Any]:
        """The gateway URL and the identify budget (session_start_limit)."""
        return await self.request("GET", "/gateway/bot", route="GET /gateway/bot")

    async def send(self, channel_id: str, content: str, *, nonce: str, reply_to: str | None,
                   mentions: list[str]) -> dict[str, Any]:
        """Post a message (a repeated nonce returns the message already made, never a second one)."""
        body: dict[str, Any] = {"content": content, "nonce": nonce, "enforce_nonce": True,
                                "allowed_mentions": {"parse": mentions, "replied_user": False}}
        if reply_to:
            body["message_reference"] = {"message_id": reply_to, "fail_if_not_exists": False}
        return await self.request("POST", f"/channels/{channel_id}/messages", body, major=channel_id,
                                  route=POST_MESSAGE)

    async def edit(self, channel_id: str, message_id: str, content: str) -> dict[str, Any]:
        """Change a message's text (streaming)."""
        return await self.request("PATCH", f"/channels/{channel_id}/messages/{message_id}", {"content": content},
                                  major=channel_id, route="PATCH /channels/messages")

    async def delete(self, channel_id: str, message_id: str) -> None:
        """Delete a message the bot posted."""
        await self.request("DELETE", f"/channels/{channel_id}/messages/{message_id}", major=channel_id,
                           route="DELETE /channels/messages")

    async def typing(self, channel_id: str) -> None:
        """Show "typing…" for about 10 seconds."""
        await self.request("POST", f"/channels/{channel_id}/typing", major=channel_id, route="POST /channels/typing")

    def turn_in(self, route: str, major: str = "") -> float:
        """Seconds until the bucket of route (for this major parameter, a channel) has requests again, and no
        global limit holds."""
        return max(self._resets.left(self._key(route, major)), self._global_until - time.monotonic())

    def _key(self, route: str, major: str) -> str:
        return f"{self._buckets.get(route, route)}:{major}"

    async def request(self, method: str, path: str, body: dict[str, Any] | None = None, *, route: str,
                      major: str = "") -> Any:
        """One call, after its bucket (route and major parameter) allows it; raises TransientError (retry_after)
        or PermanentError."""
        wait = self.turn_in(route, major)
        if wait > 0:
            await asyncio.sleep(wait)
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers)
        try:
            async with self._session.request(method, self._api + path, timeout=aiohttp.ClientTimeout(total=30),
                                             data=None if body is None else orjson.dumps(body)) as response:
                raw = await response.read()
                status, headers = response.status, response.headers
        except (aiohttp.ClientError, TimeoutError) as err:
            raise TransientError(f"Discord is unreachable ({type(err).__name__}: {err})") from None
        self._note_limits(route, major, headers)
        try:
            answer = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            answer = None
        if status < 400:
            return answer
        return self._refusal(status, answer if isinstance(answer, dict) else {}, headers, self._key(route, major))

    def _note_limits(self, route: str, major: str, headers: Any) -> None:
        bucket = headers.get("X-RateLimit-Bucket")
        if bucket:
            self._buckets[route] = bucket
        if headers.get("X-RateLimit-Remaining") == "0" and headers.get("X-RateLimit-Reset-After"):
            self._resets.hold(self._key(route, major), time.monotonic() + float(headers["X-RateLimit-Reset-After"]))

    def _refusal(self, status: int, answer: dict[str, Any], headers: Any, key: str) -> Any:
        message = str(answer.get("message") or f"HTTP {status}")
        if status == 429:
            retry = float(answer.get("retry_after") or headers.get("Retry-After") or 60.0)
            if answer.get("global") or headers.get("X-RateLimit-Scope") == "global":
                self._global_until = time.monotonic() + retry
            else:  # the bucket's turn, though the answer came without its headers
                self._resets.hold(key, time.monotonic() + retry)
            raise TransientError(f"Discord asks to wait: {message}", retry_after=retry)
        if status in (401, 403):
            now = time.monotonic()
            self._invalid.append(now)
            while self._invalid and self._invalid[0] < now - INVALID_WINDOW:
                self._invalid.popleft()
            if status == 401 or len(self._invalid) >= INVALID_BUDGET:
                raise InvalidRequests(f"Discord refused the bot ({status}: {message}); check bot_token and the bot's"
                                      " permissions in the server. Roost stops asking until it restarts")
        if status >= 500:
            raise TransientError(f"Discord failed ({status}): {message}")
        hint = NOT_ALLOWED.get(answer.get("code"), "")
        raise PermanentError(f"Discord refused it ({status}, code {answer.get('code')}): {message}{hint}")

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
