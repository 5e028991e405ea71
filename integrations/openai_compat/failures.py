"""How OpenAI-compatible servers say no: status classes, error bodies and Retry-After."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
import orjson

from core.errors import TransientError

__all__ = [
    "EndpointFailure",
    "ServerError",
    "describe_exception",
    "error_from_body",
    "error_from_object",
    "is_transient_status",
    "parse_retry_after",
    "retry_after_from_headers",
]

_MAX_MESSAGE = 500


def is_transient_status(status: int) -> bool:
    """True for statuses worth retrying elsewhere or later: 408, 429 and every 5xx."""
    return status in (408, 429) or 500 <= status <= 599


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta seconds or an HTTP date); None if unusable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if seconds != seconds or seconds in (float("inf"), float("-inf")):
            return None
        return max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def retry_after_from_headers(
    headers: Mapping[str, str], *, now: float | None = None
) -> float | None:
    """Read `retry-after-ms` (OpenAI's precise form) or `Retry-After` from response headers."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            value = float(millis)
        except ValueError:
            value = float("nan")
        if value == value and value not in (float("inf"), float("-inf")):
            return max(0.0, value / 1000.0)
    return parse_retry_after(headers.get("Retry-After"), now=now)


class ServerError:
    """An error reported by a server: status, message, and the OpenAI `type` and `code` if given."""

    __slots__ = ("code", "message", "status", "type")

    def __init__(
        self, status: int | None, message: str, type: str | None = None, code: Any = None
    ) -> None:
        self.status = status
        self.message = message
        self.type = type
        self.code = code

    @property
    def transient(self) -> bool:
        """True when retrying (here or on another endpoint) may succeed."""
        status = self.status
        if status is None and isinstance(self.code, int):
            status = self.code
        if status is None:
            return self.type not in ("invalid_request_error", "authentication_error")
        return is_transient_status(status)

    def describe(self) -> str:
        """A one-line human description: status, message, type and code."""
        status = f"HTTP {self.status}: " if self.status is not None else ""
        extra = [
            f"{k}={v}" for k, v in (("type", self.type), ("code", self.code)) if v not in (None, "")
        ]
        suffix = f" ({', '.join(extra)})" if extra else ""
        return f"{status}{self.message}{suffix}"

    def __repr__(self) -> str:
        return f"ServerError({self.describe()!r})"


def _clip(text: str) -> str:
    """Keep error messages to a readable length."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def error_from_object(obj: Any, status: int | None) -> ServerError | None:
    """Read an error out of a decoded JSON body; None if the object carries no error."""
    if not isinstance(obj, dict):
        return None
    err = obj.get("error")
    if isinstance(err, dict):
        message = err.get("message") or err.get("msg") or orjson.dumps(err).decode()
        return ServerError(
            status, _clip(str(message)), _str_or_none(err.get("type")), err.get("code")
        )
    if isinstance(err, str) and err:
        return ServerError(status, _clip(err), _str_or_none(obj.get("type")), obj.get("code"))
    if obj.get("object") == "error" and obj.get("message"):
        # vLLM's older form: the error fields at the top level.
        return ServerError(
            status, _clip(str(obj["message"])), _str_or_none(obj.get("type")), obj.get("code")
        )
    detail = obj.get("detail")
    if status is not None and status >= 400 and detail:
        # FastAPI-based servers answer validation failures with {"detail": ...}.
        text = detail if isinstance(detail, str) else orjson.dumps(detail).decode()
        return ServerError(status, _clip(text))
    return None


def error_from_body(status: int, body: bytes, reason: str | None = None) -> ServerError:
    """Build the error for a non-2xx response from its body, whatever shape the server used."""
    try:
        obj = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        obj = None
    found = error_from_object(obj, status)
    if found is not None:
        return found
    text = body.decode("utf-8", errors="replace").strip()
    return ServerError(status, _clip(text) if text else (reason or "no error message in the body"))


def _str_or_none(value: Any) -> str | None:
    """Return value as a string, or None when it is missing."""
    return None if value is None else str(value)


class EndpointFailure(TransientError):
    """A transient failure of one endpoint: worth trying the next endpoint or a later pass."""

    def __init__(
        self, reason: str, *, retry_after: float | None = None, short: str | None = None
    ) -> None:
        super().__init__(reason, retry_after=retry_after)
        self.reason = reason
        self.short = short or reason


def exception_text(err: BaseException) -> str:
    """A short description of a client exception, never empty."""
    text = str(err).strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def describe_exception(err: BaseException, timeout: float) -> str:
    """Why an endpoint could not be reached or read."""
    if isinstance(err, TimeoutError):
        return f"timed out: no complete answer within {timeout:g} s"
    if isinstance(err, aiohttp.ClientConnectorError):
        return f"cannot connect ({exception_text(err.os_error)})"
    return f"request failed ({exception_text(err)})"
