"""A protocol-faithful fake of Meta's WhatsApp Cloud API (Graph API) on 127.0.0.1 for tests.

Graph side: `POST /{version}/{phone_number_id}/messages` (Bearer token, else 401 code 190): text
sends answered with Meta's success envelope and a fresh `wamid`, `status: read` (with the
typing indicator) answered `{"success": true}`, Meta's error envelope `{"error": {message, type,
code, error_data, fbtrace_id}}` for scripted failures (any code, any HTTP status), and the pair
rate limit per customer when asked (131056 once their burst is spent). Meta side:
signed webhook POSTs to Roost (`X-Hub-Signature-256` over the exact bytes), retried until a 200,
duplicated on request; the GET verification handshake; status webhooks (sent, delivered, read,
or a later `failed` with `errors[]`). It records every call.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import secrets
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from tests.fakes.base import FakeServer

PHONE_NUMBER_ID = "106540352242922"
BUSINESS_NUMBER = "15550783881"


@dataclass
class GraphError:
    """A scripted error answer: Meta's code, title, HTTP status; or drop the connection."""

    code: int = 131000
    title: str = "Something went wrong"
    status: int = 500
    drop: bool = False

    def body(self) -> dict[str, Any]:
        return {"error": {"message": f"(#{self.code}) {self.title}", "type": "OAuthException", "code": self.code,
                          "error_data": {"messaging_product": "whatsapp", "details": self.title},
                          "fbtrace_id": secrets.token_urlsafe(12)}}


class FakeWhatsApp(FakeServer):
    """The fake Graph API and Meta's webhook caller; `base_url` replaces https://graph.facebook.com."""

    def __init__(self, access_token: str = "EAAG-test-token", app_secret: str = "app-secret-123") -> None:
        super().__init__()
        self.access_token = access_token
        self.app_secret = app_secret
        self.webhook_url = ""
        self.sent: list[dict[str, Any]] = []  # text messages accepted: the request body plus "wamid"
        self.reads: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: list[GraphError] = []
        self.deliveries: list[tuple[str, int]] = []  # (what was delivered, HTTP status or 0)
        self.slow = 0.0
        self.token_expired = False
        """While True every call is refused as Meta refuses an expired token (190)."""
        self.pair_limit: tuple[int, float] | None = None
        """(burst, seconds a message): texts to one customer beyond it are refused with 131056, as Meta's pair
        rate limit refuses them (about one in 6 s, bursts allowed); None: no limit."""
        self._pair_tokens: dict[str, tuple[float, float]] = {}  # customer -> (tokens, when counted)
        self._wamids = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None
        self._outgoing: asyncio.Queue[dict[str, Any]] | None = None
        self._pusher: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    # -- test side --------------------------------------------------------------------------

    def inbound(self, text: str | None = "hello", *, wa_id: str = "16505551234", name: str = "Sheena",
                kind: str = "text", reply_to: str | None = None, wamid: str | None = None) -> dict[str, Any]:
        """A message a customer sent, as Meta's notification payload."""
        message: dict[str, Any] = {"from": wa_id, "id": wamid or f"wamid.in{next(self._wamids):06d}",
                                   "timestamp": str(int(time.time())), "type": kind}
        if kind == "text":
            message["text"] = {"body": text}
        else:
            message[kind] = {"id": "media-1", "mime_type": "image/jpeg"}
        if reply_to:
            message["context"] = {"from": BUSINESS_NUMBER, "id": reply_to}
        return self._envelope({"contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [message]})

    def status(self, wamid: str, status: str, *, recipient: str = "16505551234", code: int | None = None,
               title: str = "") -> dict[str, Any]:
        """A status notification for a message the business sent (failed ones carry errors[])."""
        entry: dict[str, Any] = {"id": wamid, "status": status, "timestamp": str(int(time.time())),
                                 "recipient_id": recipient}
        if code is not None:
            entry["errors"] = [{"code": code, "title": title, "message": title,
                                "error_data": {"details": title}}]
        return self._envelope({"statuses": [entry]})

    def sign(self, body: bytes) -> str:
        """The X-Hub-Signature-256 value Meta sends for body."""
        return "sha256=" + hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()

    async def deliver(self, payload: dict[str, Any], *, times: int = 1, signature: str | None = None,
                      body: bytes | None = None) -> list[int]:
        """POST a notification to Roost's webhook as Meta does (times > 1: Meta's redeliveries); the statuses."""
        raw = body if body is not None else orjson.dumps(payload)
        headers = {"Content-Type": "application/json",
                   "X-Hub-Signature-256": signature if signature is not None else self.sign(raw)}
        statuses = []
        for _ in range(times):
            async with self._client().post(self.webhook_url, data=raw, headers=headers) as response:
                statuses.append(response.status)
                self.deliveries.append((raw.decode(), response.status))
        return statuses

    async def deliver_until_accepted(self, payload: dict[str, Any], timeout: float = 30.0) -> None:
        """Redeliver (as Meta does, with backoff) until Roost answers 200."""
        delay, deadline = 0.05, time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if (await self.deliver(payload))[0] == 200:
                    return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(delay)
            delay = min(1.0, delay * 2)
        raise TimeoutError("Roost never accepted the notification")

    def push(self, payload: dict[str, Any]) -> None:
        """Queue a notification for delivery in order, each retried until Roost answers 200 (as Meta does)."""
        if self._outgoing is None:
            self._outgoing = asyncio.Queue()
            self._pusher = asyncio.get_running_loop().create_task(self._push())
        self._outgoing.put_nowait(payload)

    async def _push(self) -> None:
        assert self._outgoing is not None
        while True:
            payload = await self._outgoing.get()
            await self.deliver_until_accepted(payload, timeout=3600)
            self._outgoing.task_done()

    async def verify(self, mode: str, token: str, challenge: str) -> tuple[int, str]:
        """Meta's GET verification handshake against Roost's webhook: (status, body)."""
        params = {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge}
        async with self._client().get(self.webhook_url, params=params) as response:
            return response.status, await response.text()

    def fail_next(self, *failures: GraphError, after: int = 0) -> None:
        """Answer the next sends with these errors, in order (once `after` sends were answered as usual)."""
        self.failures.extend([None] * after + list(failures))

    def texts(self, wa_id: str) -> list[str]:
        """The bodies of the text messages sent to a customer, in order."""
        return [m["text"]["body"] for m in self.sent if m["to"] == wa_id]

    # -- lifecycle --------------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        """The Graph API routes a business number uses."""
        app.router.add_post("/{version}/{phone_number_id}/messages", self._messages)
        app.router.add_get("/{version}/{phone_number_id}", self._phone_number)

    async def closing(self) -> None:
        """Stop calling the webhook."""
        if self._pusher is not None:
            self._pusher.cancel()
            self._pusher = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- the Graph API ----------------------------------------------------------------------

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        if self.slow:
            await asyncio.sleep(self.slow)
        body = orjson.loads(await request.read() or b"{}")
        self.calls.append((request.path, body))
        if request.headers.get("Authorization") != f"Bearer {self.access_token}" or self.token_expired:
            return _graph_error(GraphError(190, "Access token has expired", 401))
        if self.failures and (failure := self.failures.pop(0)) is not None:
            if failure.drop:
                assert request.transport is not None
                request.transport.close()
                return web.Response()
            return _graph_error(failure)
        if request.match_info["phone_number_id"] != PHONE_NUMBER_ID:
            return _graph_error(GraphError(100, "Invalid parameter", 400))
        if body.get("messaging_product") != "whatsapp":
            return _graph_error(GraphError(100, "Invalid parameter: messaging_product", 400))
        if body.get("status") == "read":
            self.reads.append(body)
            return web.json_response({"success": True})
        text = (body.get("text") or {}).get("body")
        if body.get("type") != "text" or not text or not body.get("to"):
            return _graph_error(GraphError(131008, "Required parameter is missing", 400))
        if len(text) > 4096:
            return _graph_error(GraphError(100, "Invalid parameter: text.body is too long", 400))
        if not self._pair_allows(body["to"]):
            return _graph_error(GraphError(131056, "(Business Account, Consumer Account) pair rate limit hit", 400))
        wamid = f"wamid.out{next(self._wamids):06d}"
        self.sent.append({**body, "wamid": wamid})
        return web.json_response({"messaging_product": "whatsapp",
                                  "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                                  "messages": [{"id": wamid}]})

    def _pair_allows(self, to: str) -> bool:
        """Take one of the customer's tokens (a bucket of pair_limit's burst, one back every its seconds)."""
        if self.pair_limit is None:
            return True
        burst, every = self.pair_limit
        now = time.monotonic()
        tokens, counted = self._pair_tokens.get(to, (float(burst), now))
        tokens = min(float(burst), tokens + (now - counted) / every)
        allowed = tokens >= 1.0
        self._pair_tokens[to] = (tokens - 1.0 if allowed else tokens, now)
        return allowed

    async def _phone_number(self, request: web.Request) -> web.Response:
        self.calls.append((request.path, {}))
        if request.headers.get("Authorization") != f"Bearer {self.access_token}" or self.token_expired:
            return _graph_error(GraphError(190, "Access token has expired", 401))
        return web.json_response({"verified_name": "Roost Test", "display_phone_number": BUSINESS_NUMBER,
                                  "id": PHONE_NUMBER_ID})

    def _envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        value = {"messaging_product": "whatsapp",
                 "metadata": {"display_phone_number": BUSINESS_NUMBER, "phone_number_id": PHONE_NUMBER_ID}, **value}
        return {"object": "whatsapp_business_account",
                "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]}

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session


def _graph_error(error: GraphError) -> web.Response:
    return web.Response(body=orjson.dumps(error.body()), status=error.status, content_type="application/json")
