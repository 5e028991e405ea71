"""Reading chat completion answers: the SSE stream of chunks and the plain JSON body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

from core.errors import PermanentError
from core.model import Outcome

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

    __slots__ = ("done", "finish_reason", "outcome")

    def __init__(self, outcome: Outcome) -> None:
        self.done = False
        self.finish_reason: str | None = None
        self.outcome = outcome


async def read_stream(
    response: aiohttp.ClientResponse, *, model_name: str, timeout: float, outcome: Outcome | None = None
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
        text = parse_completion(body, model_name=model_name, outcome=outcome)
        if text:
            yield text
        return
    decoder = SSEDecoder()
    state = _StreamState(outcome if outcome is not None else Outcome())
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
    _read_usage(obj.get("usage"), state.outcome)
    choices = obj.get("choices")
    if not isinstance(choices, list) or not choices:
        return None
    choice = choices[0]
    if not isinstance(choice, dict):
        return None
    if choice.get("finish_reason") is not None:
        state.finish_reason = state.outcome.finish_reason = str(choice["finish_reason"])
    delta = choice.get("delta")
    if isinstance(delta, dict) and isinstance(delta.get("tool_calls"), list):
        _add_tool_deltas(delta["tool_calls"], state.outcome.tool_calls)
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


def _add_tool_deltas(deltas: list[Any], calls: list[dict[str, Any]]) -> None:
    """Join streamed tool call pieces by index: the first brings id and name, the rest more arguments."""
    for delta in deltas:
        if not isinstance(delta, dict):
            continue
        index = delta.get("index", len(calls))
        while len(calls) <= index:
            calls.append({"id": "", "type": "function", "function": {"name": "", "arguments": ""}})
        call = calls[index]
        call["id"] = delta.get("id") or call["id"]
        call["type"] = delta.get("type") or call["type"]
        function = delta.get("function") if isinstance(delta.get("function"), dict) else {}
        call["function"]["name"] += function.get("name") or ""
        call["function"]["arguments"] += function.get("arguments") or ""


def _read_usage(reported: Any, outcome: Outcome) -> None:
    """Copy the usage object a server sent (OpenAI's shape) into outcome."""
    if isinstance(reported, dict):
        for key in ("prompt_tokens", "completion_tokens"):
            if isinstance(reported.get(key), int):
                setattr(outcome, key, reported[key])


def parse_completion(body: bytes, *, model_name: str, outcome: Outcome | None = None) -> str:
    """The assistant text of a non-streaming chat completion body (usage and tool calls into outcome)."""
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
    if outcome is not None:
        _read_usage(obj.get("usage"), outcome)
        calls = choice["message"].get("tool_calls")
        if isinstance(calls, list):
            _add_tool_deltas([{"index": i, **c} for i, c in enumerate(calls) if isinstance(c, dict)],
                             outcome.tool_calls)
        if isinstance(choice.get("finish_reason"), str):
            outcome.finish_reason = choice["finish_reason"]
    if content is None:
        return ""
    if not isinstance(content, str):
        raise EndpointFailure(f"choices[0].message.content is not text: {content!r:.80}")
    return content
