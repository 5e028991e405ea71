"""A thin client of the WhatsApp Cloud API (Meta's Graph API): send a text, mark as read, errors by code.

Meta's HTTP statuses for the same error differ between sources; the error's ``code`` decides:
throughput and rate limits (130429, 4, 80007) and Meta's own failures (1, 2, 131000, 131016) are
worth another try; the pair rate limit (131056: too many messages to one customer too fast) is that
customer's alone, and Meta says nothing of how long it lasts (about one message in 6 s, with bursts
allowed: ``pair_rate_wait``); an expired or invalid token (190, 0) stops sending until it works
again; everything else (131047 outside the 24-hour window, 131026 undeliverable, 100 invalid
parameter, ...) is final for that message.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson

from core.errors import PermanentError, TransientError

DEFAULT_BASE_URL = "https://graph.facebook.com"
RETRY_AFTER = {130429: 1.0, 4: 60.0, 80007: 60.0, 1: 5.0, 2: 5.0, 131000: 5.0, 131016: 5.0}
"""Codes worth another try, and how long to wait before it (seconds)."""
TOKEN_CODES = (0, 190)
PAIR_RATE = 131056


class TokenRefused(TransientError):
    """Meta refused the access token (expired or invalid): nothing can be sent until it works again."""


class PairRateLimited(TransientError):
    """Meta refused a message to one customer for the ones sent to them just before (131056); the others may go."""


def describe(error: dict[str, Any]) -> str:
    """(#code) title: details, from Meta's error object."""
    details = (error.get("error_data") or {}).get("details") or ""
    text = error.get("message") or f"(#{error.get('code')}) {error.get('title', '')}"
    return f"{text}: {details}" if details and details not in text else text


class GraphApi:
    """Sends through one WhatsApp Business phone number."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._url = f"{config['base_url'].rstrip('/')}/{config['api_version']}/{config['phone_number_id']}"
        self._headers = {"Authorization": f"Bearer {config['access_token']}", "Content-Type": "application/json",
                         "User-Agent": "roost-whatsapp/0.1"}
        self._pair_rate_wait: float = config["pair_rate_wait"]
        self._session: aiohttp.ClientSession | None = None

    async def send_text(self, to: str, body: str, reply_to: str | None = None) -> str:
        """Send a text message; Meta's id for it (wamid)."""
        payload: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                                   "type": "text", "text": {"preview_url": False, "body": body}}
        if reply_to:
            payload["context"] = {"message_id": reply_to}
        answer = await self._post("/messages", payload)
        return str(answer["messages"][0]["id"])

    async def mark_read(self, wamid: str, typing: bool) -> None:
        """Blue ticks for a message (and those before it), with the typing indicator if asked."""
        payload: dict[str, Any] = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
        if typing:
            payload["typing_indicator"] = {"type": "text"}
        await self._post("/messages", payload)

    async def probe(self) -> None:
        """Whether the token works again: the phone number's own record (GET), raising as a send would."""
        await self._request("GET", "", None)

    async def _post(self, path: str, payload: dict[str, Any]) -> Any:
        return await self._request("POST", path, payload)

    async def _request(self, method: str, path: str, payload: dict[str, Any] | None) -> Any:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers)
        try:
            async with self._session.request(method, self._url + path, timeout=aiohttp.ClientTimeout(total=30),
                                             data=None if payload is None else orjson.dumps(payload)) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as err:
            raise TransientError(f"WhatsApp is unreachable ({type(err).__name__}: {err})") from None
        try:
            answer = orjson.loads(raw) if raw else {}
        except orjson.JSONDecodeError:
            raise TransientError(f"WhatsApp answered {status} without JSON") from None
        error = answer.get("error") if isinstance(answer, dict) else None
        if status < 400 and not error:
            return answer
        if not isinstance(error, dict):
            raise TransientError(f"WhatsApp answered {status}") if status >= 500 else PermanentError(
                f"WhatsApp refused it ({status})")
        code = error.get("code")
        if code in TOKEN_CODES:
            raise TokenRefused(f"Meta refused the access token ({describe(error)}); put a valid one in secrets.yaml")
        if code == PAIR_RATE:
            raise PairRateLimited(f"WhatsApp asks to wait: {describe(error)}", retry_after=self._pair_rate_wait)
        if code in RETRY_AFTER:
            raise TransientError(f"WhatsApp asks to wait: {describe(error)}", retry_after=RETRY_AFTER[code])
        raise PermanentError(f"WhatsApp refused it: {describe(error)}")

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
