"""A model backend that talks to OpenAI-compatible servers, with streaming and failover."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import aiohttp
import orjson

from core.errors import ContextTooLong, ModelError, PermanentError, TransientError
from core.model import ChatTurn, ModelRequest

from .completions import read_stream
from .config import CONNECT_TIMEOUT, EndpointSettings, ModelSettings, parse_config
from .failures import (
    EndpointFailure,
    describe_exception,
    error_from_body,
    retry_after_from_headers,
)
from .pool import EndpointPool

__all__ = ["OpenAICompatBackend", "backends_from_config"]

_LOGGER = logging.getLogger(__name__)

USER_AGENT = "roost-openai-compat/0.1"
DEFAULT_RETRY_BACKOFF = 0.5
DEFAULT_RETRY_WAIT_CAP = 10.0


class _Attempt:
    """What went wrong with one endpoint, kept for the final error message."""

    __slots__ = ("failures",)

    def __init__(self) -> None:
        self.failures: dict[str, str] = {}

    def record(self, endpoint: EndpointSettings, reason: str) -> None:
        """Remember the latest failure of this endpoint."""
        self.failures[endpoint.base_url] = reason

    def summary(self) -> str:
        """All endpoints' latest failures on one line."""
        return "; ".join(f"{url}: {reason}" for url, reason in self.failures.items())


class OpenAICompatBackend:
    """A named model served by one or more OpenAI-compatible endpoints, tried in order."""

    accepts_tools = True

    def __init__(
        self,
        settings: ModelSettings,
        *,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        retry_wait_cap: float = DEFAULT_RETRY_WAIT_CAP,
    ) -> None:
        self.name = settings.name
        self.settings = settings
        self.retry_backoff = retry_backoff
        self.retry_wait_cap = retry_wait_cap
        self._pool = EndpointPool(settings.endpoints, time.monotonic)
        self._timeout = aiohttp.ClientTimeout(
            total=settings.timeout,
            sock_connect=min(CONNECT_TIMEOUT, settings.timeout),
            sock_read=settings.timeout,
        )
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    def __repr__(self) -> str:
        urls = ", ".join(e.base_url for e in self.settings.endpoints)
        return f"OpenAICompatBackend(name={self.name!r}, model={self.settings.model!r}, endpoints=[{urls}])"

    # -- the ModelBackend contract ------------------------------------------------------------

    async def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        """Yield the answer as it arrives over SSE, failing over until the first chunk."""
        payload = self._payload(request, stream=True)
        attempt = _Attempt()
        for pass_no in range(self.settings.max_retries + 1):
            for endpoint in await self._endpoints_for_pass(pass_no, attempt):
                yielded = False
                try:
                    response = await self._post(endpoint, payload, stream=True)
                    finished = False
                    try:
                        async with aclosing(self._read_stream(response, request)) as pieces:
                            async for piece in pieces:
                                yielded = True
                                yield piece
                        finished = True
                    finally:
                        if finished:
                            response.release()
                        else:
                            response.close()
                except EndpointFailure as failure:
                    if yielded:
                        raise TransientError(
                            f"model {self.name!r}: the stream from {endpoint.base_url} broke off "
                            f"after part of the answer was sent: {failure.reason}",
                            retry_after=failure.retry_after,
                        ) from failure
                    self._failed(endpoint, failure, attempt)
                    continue
                self._pool.clear(endpoint)
                return
        raise self._exhausted(attempt)

    async def generate(self, request: ModelRequest) -> str:
        """Return the whole answer from one non-streaming request, with the same failover.

        A server that streams anyway (some always do) is read as a stream.
        """
        payload = self._payload(request, stream=False)
        attempt = _Attempt()
        for pass_no in range(self.settings.max_retries + 1):
            for endpoint in await self._endpoints_for_pass(pass_no, attempt):
                try:
                    response = await self._post(endpoint, payload, stream=False)
                    try:
                        text = "".join([piece async for piece in self._read_stream(response, request)])
                    finally:
                        response.release()
                except EndpointFailure as failure:
                    self._failed(endpoint, failure, attempt)
                    continue
                self._pool.clear(endpoint)
                return text
        raise self._exhausted(attempt)

    async def close(self) -> None:
        """Close the pooled HTTP session; the backend cannot be used afterwards."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    # -- requests -----------------------------------------------------------------------------

    def _payload(self, request: ModelRequest, *, stream: bool) -> bytes:
        """The JSON body of a chat completion request."""
        settings = self.settings
        body: dict[str, Any] = {
            "model": settings.model,
            "messages": [_message(t) for t in request.messages],
            "stream": stream,
            "max_tokens": request.max_tokens
            if request.max_tokens is not None
            else settings.max_tokens,
            "temperature": (
                request.temperature if request.temperature is not None else settings.temperature
            ),
        }
        if stream:
            body["stream_options"] = {"include_usage": True}
        if request.stop:
            body["stop"] = list(request.stop)
        for key in ("top_p", "seed", "tool_choice"):
            if getattr(request, key) is not None:
                body[key] = getattr(request, key)
        if request.tools:
            body["tools"] = list(request.tools)
        return orjson.dumps(body)

    def _session_now(self) -> aiohttp.ClientSession:
        """The pooled session, created on first use on the running loop."""
        if self._closed:
            raise ModelError(f"model {self.name!r} was closed; it cannot take new requests")
        loop = asyncio.get_running_loop()
        session = self._session
        if session is None or session.closed or self._session_loop is not loop:
            connector = aiohttp.TCPConnector(limit=self.settings.max_connections, ttl_dns_cache=300)
            session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                headers={"User-Agent": USER_AGENT},
            )
            self._session = session
            self._session_loop = loop
        return session

    async def _post(
        self, endpoint: EndpointSettings, payload: bytes, *, stream: bool
    ) -> aiohttp.ClientResponse:
        """Send the request; return a 2xx response or raise the classified error."""
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
        }
        if endpoint.api_key:
            headers["Authorization"] = f"Bearer {endpoint.api_key}"
        session = self._session_now()
        try:
            response = await session.post(endpoint.chat_url, data=payload, headers=headers)
        except (TimeoutError, aiohttp.ClientError) as err:
            raise EndpointFailure(describe_exception(err, self.settings.timeout)) from err
        if 200 <= response.status < 300:
            return response
        try:
            body = await response.read()
        except (TimeoutError, aiohttp.ClientError):
            body = b""
        finally:
            response.release()
        error = error_from_body(response.status, body, response.reason)
        if error.transient:
            raise EndpointFailure(
                error.describe(),
                retry_after=retry_after_from_headers(response.headers),
                short=f"HTTP {response.status}",
            )
        if error.code == ContextTooLong.code:  # the prompt's fault: the client may shorten it and ask again
            raise ContextTooLong(f"model {self.name!r}: {endpoint.chat_url} refused the request: {error.describe()}")
        raise PermanentError(
            f"model {self.name!r}: {endpoint.chat_url} refused the request: {error.describe()}"
            + _hint(response.status)
        )

    def _read_stream(self, response: aiohttp.ClientResponse, request: ModelRequest) -> AsyncIterator[str]:
        """The content deltas of a response (streamed or whole), its outcome noted in the request's."""
        return read_stream(response, model_name=self.name, timeout=self.settings.timeout, outcome=request.outcome)

    # -- failover -----------------------------------------------------------------------------

    async def _endpoints_for_pass(self, pass_no: int, attempt: _Attempt) -> list[EndpointSettings]:
        """Wait as much as this pass needs (backoff, Retry-After), then list endpoints to try."""
        backoff = 0.0
        if pass_no > 0:
            backoff = min(self.retry_backoff * 2 ** (pass_no - 1), self.retry_wait_cap)
        cooling = self._pool.wait_time()
        if cooling > self.retry_wait_cap:
            # Every endpoint asked for more patience than a request should hold a worker for.
            raise TransientError(
                f"model {self.name!r}: every endpoint asked to wait; the first is ready again in "
                f"{cooling:.1f} s" + (f" ({attempt.summary()})" if attempt.failures else ""),
                retry_after=cooling,
            )
        delay = max(backoff, cooling)
        if delay > 0:
            await asyncio.sleep(delay)
        ready = self._pool.ready()
        if not ready:
            # The loop may wake a hair before the deadline; wait out the remainder.
            await asyncio.sleep(self._pool.wait_time() + 0.005)
            ready = self._pool.ready() or list(self.settings.endpoints)
        return ready

    def _failed(
        self, endpoint: EndpointSettings, failure: EndpointFailure, attempt: _Attempt
    ) -> None:
        """Record a transient failure and start the endpoint's cool-down if it asked for one."""
        attempt.record(endpoint, failure.reason)
        if failure.retry_after is not None:
            self._pool.cool_down(endpoint, failure.retry_after)
        _LOGGER.warning(
            "model %s: endpoint %s failed (%s)",
            self.name,
            endpoint.base_url,
            failure.short,
        )

    def _exhausted(self, attempt: _Attempt) -> TransientError:
        """The error raised when no endpoint answered in any pass."""
        passes = self.settings.max_retries + 1
        waiting = self._pool.wait_time()
        return TransientError(
            f"model {self.name!r}: no endpoint answered after {passes} "
            f"pass{'es' if passes != 1 else ''} over {len(self.settings.endpoints)} "
            f"endpoint{'s' if len(self.settings.endpoints) != 1 else ''}: {attempt.summary()}",
            retry_after=waiting if waiting > 0 else None,
        )


def _message(turn: ChatTurn) -> dict[str, Any]:
    """A turn as OpenAI's API takes it (with its tool calls, or the call it answers)."""
    message: dict[str, Any] = {"role": turn.role, "content": turn.content}
    if turn.tool_calls:
        message["tool_calls"] = list(turn.tool_calls)
    if turn.tool_call_id is not None:
        message["tool_call_id"] = turn.tool_call_id
    return message


def _hint(status: int) -> str:
    """A pointer to the setting that usually causes this status."""
    hints = {
        401: "; check the endpoint's api_key",
        403: "; check the endpoint's api_key and its permissions",
        404: "; check base_url (it usually ends in /v1) and the model id",
    }
    return hints.get(status, "")


def backends_from_config(section: Any, **kwargs: Any) -> list[OpenAICompatBackend]:
    """Validate the openai_compat section and build one backend per configured model."""
    return [OpenAICompatBackend(settings, **kwargs) for settings in parse_config(section)]
