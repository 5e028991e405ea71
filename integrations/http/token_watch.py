"""Open WebSockets end with their access token: once it is revoked (`roost token revoke` writes to the store from
another process) or expires, the sockets opened with it are closed, as Home Assistant closes a revoked token's."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from aiohttp import WSCloseCode, web

from core.errors import StoreUnavailable
from integrations.http.tokens import TokenBook, TokenInfo

_LOGGER = logging.getLogger(__name__)
CHECK_SECONDS = 1.0
"""How often the tokens of the open sockets are looked up while there are any (a store read per token)."""
CLOSE_SECONDS = 2.0
"""How long a check waits for the clients it closes to answer their close frames."""


class TokenWatch:
    """The open WebSockets and the token each was opened with, checked every CHECK_SECONDS while there are any."""

    def __init__(self, tokens: TokenBook) -> None:
        self._tokens = tokens
        self._sockets: dict[web.WebSocketResponse, TokenInfo] = {}
        self._checking: asyncio.Task[None] | None = None

    def watch(self, ws: web.WebSocketResponse, token: TokenInfo) -> None:
        """Close ws once token is revoked or expires (a socket that closed is let go at the next check)."""
        self._sockets[ws] = token
        if self._checking is None or self._checking.done():
            self._checking = asyncio.get_running_loop().create_task(self._check_until_none(),
                                                                    name="roost-http-token-watch")

    async def stop(self) -> None:
        """Stop checking (Roost stops: its sockets are closed as it goes)."""
        if self._checking is not None:
            self._checking.cancel()
            await asyncio.wait([self._checking])
            self._checking = None
        self._sockets.clear()

    async def _check_until_none(self) -> None:
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            for ws in [ws for ws in self._sockets if ws.closed]:
                del self._sockets[ws]
            if not self._sockets:
                return
            try:
                ended = {token.digest: why for token in {t.digest: t for t in self._sockets.values()}.values()
                         if (why := await self._tokens.ended(token))}
            except StoreUnavailable:
                continue  # the store has said why; the tokens are looked up again at the next check
            if ended:
                await self._close(ended)

    async def _close(self, ended: dict[str, str]) -> None:
        """Close the sockets of the tokens in ended (digest: why it no longer works)."""
        closing, closed = [], Counter[tuple[str, str]]()
        for ws, token in [(ws, token) for ws, token in self._sockets.items() if token.digest in ended]:
            del self._sockets[ws]
            why = ended[token.digest]
            reason = f"the access token {token.name!r} {why}".encode()[:123]  # the longest a close frame holds
            closing.append(asyncio.ensure_future(ws.close(code=WSCloseCode.POLICY_VIOLATION, message=reason)))
            closed[token.name, why] += 1
        for (name, why), count in closed.items():
            _LOGGER.info("Closed %d WebSocket connection%s opened with the access token %r: it %s",
                         count, "" if count == 1 else "s", name, why)
        await asyncio.wait(closing, timeout=CLOSE_SECONDS)
