"""The answers a test plans for the fake OpenAI-compatible server: text, errors, slow or broken streams."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    """One planned answer to a chat completion request.

    status/error: answer with an OpenAI error body instead of a completion.
    text/chunks: the assistant text, and how a stream splits it (default: word by word).
    delay: seconds to wait before the response headers; chunk_delay: between SSE chunks.
    disconnect_after: drop the connection after this many content chunks (streams only).
    error_after: send an error object as an SSE event after this many content chunks.
    split_data_lines: spread each JSON chunk over several `data:` lines (allowed by SSE).
    ignore_stream: answer a streaming request with a plain JSON completion.
    force_stream: answer a non-streaming request over SSE (as some servers always do).
    echo: answer with the last message's content, one character per chunk.
    tool_calls: answer with these calls ({"id", "name", "arguments"}) instead of text; a stream
    sends each call's id and name first, then its arguments a few characters at a time.
    """

    text: str = "Hello from the fake server."
    chunks: list[str] | None = None
    status: int = 200
    error: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunk_delay: float = 0.0
    finish_reason: str = "stop"
    disconnect_after: int | None = None
    error_after: int | None = None
    split_data_lines: bool = False
    ignore_stream: bool = False
    force_stream: bool = False
    echo: bool = False
    tool_calls: list[dict[str, str]] | None = None
    raw_body: bytes | None = None

    def pieces(self) -> list[str]:
        """The content chunks a stream sends for this reply."""
        if self.chunks is not None:
            return list(self.chunks)
        return re.findall(r"\s*\S+", self.text) or ([self.text] if self.text else [])


def ok(text: str = "Hello from the fake server.", **kwargs: Any) -> Reply:
    """A successful answer carrying text."""
    return Reply(text=text, **kwargs)


def error(
    status: int,
    message: str,
    *,
    type: str = "invalid_request_error",
    code: Any = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """An OpenAI error body `{"error": {message, type, param, code}}` with this status."""
    body = {"message": message, "type": type, "param": param, "code": code}
    return Reply(status=status, error=body, headers=dict(headers or {}))


def rate_limited(retry_after: str | None = "1", message: str = "Rate limit reached") -> Reply:
    """A 429 with an optional Retry-After header (seconds or an HTTP date)."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return error(429, message, type="rate_limit_error", code="rate_limit_exceeded", headers=headers)


def server_error(status: int = 500, message: str = "The server had an error") -> Reply:
    """A 5xx answer with an OpenAI error body."""
    return error(status, message, type="server_error", code=None)


def hang(seconds: float, text: str = "late answer") -> Reply:
    """An answer that only starts after a delay (for timeouts)."""
    return Reply(text=text, delay=seconds)


def disconnect_after(chunks: int, text: str = "one two three four five six") -> Reply:
    """A stream whose connection is dropped after some content chunks."""
    return Reply(text=text, disconnect_after=chunks)


def stream_error_after(
    chunks: int, message: str = "model crashed", *, code: Any = 500, type: str = "server_error"
) -> Reply:
    """A stream that sends an error object after some content chunks."""
    return Reply(
        text="one two three four",
        error_after=chunks,
        error={"message": message, "type": type, "param": None, "code": code},
    )


