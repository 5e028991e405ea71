"""Reading chat completion answers: the SSE stream of chunks and the plain JSON body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

from core.errors import PermanentError
from core.model import Usage

from .failures import (
    EndpointFailure,
    ServerError,
    describe_exception,
    error_from_object,
    exception_text,
)
from .sse import SSEDecoder, SSEEvent

__all__ = ["parse_completion", "raise_server_error", "read_stream"]


class _StreamState:
    """Progress through one SSE answer."""

    __slots__ = ("done", "finish_reason", "usage")

    def __init__(self, usage: Usage) -> None:
        self.done = False
        self.finish_reason: str | None = None
        self.usage = usage


async def read_stream(
    response: aiohttp.ClientResponse, *, model_name: str, timeout: float, usage: Usage | None = None
) -> AsyncIterator[str]:
    """Yield the content deltas of an SSE chat completion until [DONE].

    Raises EndpointFailure for what another attempt may fix (broken connection, stall, a
    transient error object) and PermanentError for an error object about the request.
    """
    content_type = response.headers.get("Content-Type", "")
    if "text/event-stream" not in content_type:
        # A server that ignores "stream": answer with the whole completion at once.
        try:
            body = await response.read()
        except (TimeoutError, aiohttp.ClientError) as err:
            raise EndpointFailure(describe_exception(err, timeout)) from err
        text = parse_completion(body, model_name=model_name, usage=usage)
        if text:
            yield text
        return
    decoder = SSEDecoder()
    state = _StreamState(usage if usage is not None else Usage())
    try:
        async for chunk in response.content.iter_any():
            for event in decoder.feed(chunk):
                piece = _on_event(event, state, model_name)
                if piece:
                    yield piece
            if state.done:
                return
    except TimeoutError as err:
        raise EndpointFailure(
            f"the stream stalled: no complete answer within {timeout:g} s"
        ) from err
    except aiohttp.ClientError as err:
        if state.finish_reason is not None:
            return  # the answer was complete; only the closing [DONE] was lost
        raise EndpointFailure(f"the connection broke mid-stream ({exception_text(err)})") from err
    for event in decoder.flush():
        piece = _on_event(event, state, model_name)
        if piece:
            yield piece
    if not state.done and state.finish_reason is None:
        raise EndpointFailure("the stream ended before [DONE] without a finish_reason")


def _on_event(event: SSEEvent, state: _StreamState, model_name: str) -> str | None:
    """Apply one SSE event; return the text it carries, if any."""
    if state.done:
        return None
    data = event.data.strip()
    if data == "[DONE]":
        state.done = True
        return None
    if not data:
        return None
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise EndpointFailure(f"the server sent an event that is not JSON: {data[:80]!r}") from err
    error = error_from_object(obj, None)
    if error is None and event.event == "error":
        error = ServerError(None, data[:500])
    if error is not None:
        raise_server_error(error, model_name)
    if not isinstance(obj, dict):
        return None
    _read_usage(obj.get("usage"), state.usage)
    choices = obj.get("choices")
    if not isinstance(choices, list) or not choices:
        return None
    choice = choices[0]
    if not isinstance(choice, dict):
        return None
    if choice.get("finish_reason") is not None:
        state.finish_reason = state.usage.finish_reason = str(choice["finish_reason"])
    delta = choice.get("delta")
    content = delta.get("content") if isinstance(delta, dict) else None
    return content if isinstance(content, str) and content else None


def raise_server_error(error: ServerError, model_name: str) -> None:
    """Raise the exception matching an error object a server sent with status 200."""
    if error.transient:
        raise EndpointFailure(
            f"the server reported an error: {error.describe()}",
            short="error object from server",
        )
    raise PermanentError(f"model {model_name!r}: the server reported an error: {error.describe()}")


def _read_usage(reported: Any, usage: Usage) -> None:
    """Copy a usage object the server sent (OpenAI's shape) into usage."""
    if isinstance(reported, dict):
        for key in ("prompt_tokens", "completion_tokens"):
            if isinstance(reported.get(key), int):
                setattr(usage, key, reported[key])


def parse_completion(body: bytes, *, model_name: str, usage: Usage | None = None) -> str:
    """The assistant text of a non-streaming chat completion body (its usage copied into usage)."""
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError as err:
        raise EndpointFailure(
            f"the answer is not JSON: {body[:80].decode('utf-8', 'replace')!r}"
        ) from err
    error = error_from_object(obj, None)
    if error is not None:
        raise_server_error(error, model_name)
    try:
        choice = obj["choices"][0]
        content = choice["message"].get("content")
    except (KeyError, IndexError, TypeError, AttributeError) as err:
        raise EndpointFailure(
            "the answer has no choices[0].message; is this an OpenAI-compatible "
            "/chat/completions endpoint?"
        ) from err
    if usage is not None:
        _read_usage(obj.get("usage"), usage)
        if isinstance(choice.get("finish_reason"), str):
            usage.finish_reason = choice["finish_reason"]
    if content is None:
        return ""
    if not isinstance(content, str):
        raise EndpointFailure(f"choices[0].message.content is not text: {content!r:.80}")
    return content
