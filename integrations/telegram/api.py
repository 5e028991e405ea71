"""A thin client of Telegram's Bot API: one method call, its envelope, its errors as Roost's error classes.

Telegram tells errors apart by HTTP status (equal to ``error_code``) and description text: 429
carries ``retry_after`` (also as a Retry-After header), 409 means another poller or an active
webhook, 401 a refused token, 5xx and network failures are worth another try, the other 4xx
(chat not found, bot blocked, can't parse entities) are final for that request.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson

from core.errors import PermanentError, TransientError

DEFAULT_BASE_URL = "https://api.telegram.org"


class TelegramError(PermanentError):
    """Telegram refused the request for good; description is Telegram's text."""

    def __init__(self, status: int, description: str, migrate_to: int | None = None) -> None:
        super().__init__(f"Telegram refused it ({status}): {description}")
        self.status = status
        self.description = description
        self.migrate_to = migrate_to

    @property
    def cannot_parse(self) -> bool:
        """The text's markup did not parse, or Telegram refused what it made of it: ``can't parse entities``,
        ``Wrong message entity``, ``entity URL '…' is invalid`` (send it again as plain text)."""
        return "entit" in self.description.lower()

    @property
    def not_modified(self) -> bool:
        """An edit to the text the message already has (not an error for Roost)."""
        return "message is not modified" in self.description.lower()


class Conflict(TransientError):
    """409: another program polls with this token, or a webhook is set."""


class BotApi:
    """Calls Bot API methods for one token."""

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL) -> None:
        self._url = f"{base_url.rstrip('/')}/bot{token}/"
        self._session: aiohttp.ClientSession | None = None

    async def call(self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 30.0) -> Any:
        """The method's result; raises TelegramError, Conflict or TransientError."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers={"User-Agent": "roost-telegram/0.1"})
        body = orjson.dumps({k: v for k, v in (params or {}).items() if v is not None})
        try:
            async with self._session.post(self._url + method, data=body, headers={"Content-Type": "application/json"},
                                          timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                raw = await response.read()
                retry_header = response.headers.get("Retry-After")
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as err:
            raise TransientError(f"Telegram is unreachable ({type(err).__name__}: {err})") from None
        try:
            envelope = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise TransientError(f"Telegram answered {status} without JSON") from None
        if envelope.get("ok"):
            return envelope.get("result")
        description = str(envelope.get("description") or f"error {status}")
        parameters = envelope.get("parameters") or {}
        if status == 429:
            retry = parameters.get("retry_after") or retry_header or 1
            raise TransientError(f"Telegram asks to wait: {description}", retry_after=float(retry))
        if status == 409:
            raise Conflict(description)
        if status == 401:
            raise PermanentError("Telegram refused the bot token (401 Unauthorized); check bot_token"
                                 " (from @BotFather) in secrets.yaml")
        if status >= 500:
            raise TransientError(f"Telegram failed ({status}): {description}")
        raise TelegramError(status, description, parameters.get("migrate_to_chat_id"))

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
