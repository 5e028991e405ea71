"""OpenAI's chat completions API as its SDKs speak it: the request body, the answers, the errors.

Errors are ``{"error": {"message", "type", "param", "code"}}`` with the status the SDK maps to
its exception classes (400 BadRequestError, 401 AuthenticationError, 404 NotFoundError, 429
RateLimitError, 5xx InternalServerError). A streamed answer is one ``chat.completion.chunk``
per piece with a stable id, the role in the first delta, ``finish_reason`` in the last, a
usage chunk with empty ``choices`` only when ``stream_options.include_usage`` asked for it,
and one ``data: [DONE]``.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson
import voluptuous as vol
from aiohttp import web

ROUTE_MODEL = "roost"
"""The model name that means: only the automations answer."""
ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 403: "permission_error",
               404: "invalid_request_error", 413: "invalid_request_error", 429: "rate_limit_error",
               503: "service_unavailable"}


@dataclass(frozen=True, slots=True)
class ApiError:
    """An error answer in OpenAI's shape."""

    status: int
    message: str
    param: str | None = None
    code: str | None = None
    retry_after: float | None = None

    def body(self) -> dict[str, Any]:
        """{"error": {"message", "type", "param", "code"}}: also what a stream's error event carries."""
        return {"error": {"message": self.message, "type": ERROR_TYPES.get(self.status, "server_error"),
                          "param": self.param, "code": self.code}}

    def response(self) -> web.Response:
        """The HTTP answer; a 5xx that another try cannot fix says so (x-should-retry)."""
        headers = {}
        if self.retry_after is not None:
            headers["Retry-After"] = f"{self.retry_after:g}"
        elif self.status >= 500:
            headers["x-should-retry"] = "false"
        return web.Response(body=orjson.dumps(self.body()), status=self.status, content_type="application/json",
                            headers=headers)


def openai_error(status: int, message: str) -> web.Response:
    """The http server's errors (401, 403, 413, 500) for these routes, in OpenAI's shape."""
    return ApiError(status, message).response()


_NUMBER = vol.Any(int, float)
_TEXT_PART = vol.Schema({vol.Required("type"): "text", vol.Required("text"): str}, extra=vol.ALLOW_EXTRA)
_TOOL_CALL = vol.Schema({
    vol.Required("id"): str, vol.Optional("type", default="function"): "function",
    vol.Required("function"): vol.Schema({vol.Required("name"): str, vol.Required("arguments"): str},
                                         extra=vol.REMOVE_EXTRA),
}, extra=vol.REMOVE_EXTRA)
_MESSAGE = vol.Schema({
    vol.Required("role"): vol.In(("system", "developer", "user", "assistant", "tool"),
                                 msg="must be system, developer, user, assistant or tool"),
    vol.Optional("content", default=None): vol.Any(str, [_TEXT_PART], None,
                                                   msg="must be a string or a list of text parts"),
    vol.Optional("tool_calls"): vol.Any(None, [_TOOL_CALL]),
    vol.Optional("tool_call_id"): vol.Any(None, str),
}, extra=vol.ALLOW_EXTRA)
_TOKENS = vol.Any(None, vol.All(int, vol.Range(min=1)), msg="must be a whole number of at least 1")
BODY = vol.Schema({
    vol.Required("model"): str,
    vol.Required("messages"): vol.All([_MESSAGE], vol.Length(min=1, msg="must hold at least one message")),
    vol.Optional("stream", default=False): vol.Any(None, bool),
    vol.Optional("stream_options"): vol.Any(None, vol.Schema({vol.Optional("include_usage"): bool},
                                                             extra=vol.ALLOW_EXTRA)),
    vol.Optional("max_tokens"): _TOKENS,
    vol.Optional("max_completion_tokens"): _TOKENS,
    vol.Optional("temperature"): vol.Any(None, vol.All(_NUMBER, vol.Range(min=0, max=2)),
                                         msg="must be a number from 0 to 2"),
    vol.Optional("top_p"): vol.Any(None, vol.All(_NUMBER, vol.Range(min=0, max=1)), msg="must be a number from 0 to 1"),
    vol.Optional("stop"): vol.Any(None, str, vol.All([str], vol.Length(max=4)),
                                  msg="must be a string or a list of at most 4 strings"),
    vol.Optional("seed"): vol.Any(None, int, msg="must be an integer"),
    vol.Optional("n"): vol.Any(None, 1, msg="only 1 is supported: Roost gives one answer a request"),
    vol.Optional("response_format"): vol.Any(None, vol.Schema({vol.Required("type"): "text"}, extra=vol.ALLOW_EXTRA),
                                             msg='only {"type": "text"} is supported: Roost\'s models answer in'
                                                 " text, not in JSON held to a format; ask without it"),
    vol.Optional("user"): vol.Any(None, vol.All(str, vol.Length(max=256))),
    vol.Optional("tools"): vol.Any(None, [dict]),
    vol.Optional("tool_choice"): vol.Any(None, str, dict),
}, extra=vol.ALLOW_EXTRA)


class BadRequest(Exception):
    """The body is not a request this API takes; param names the field."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """A validated /v1/chat/completions request."""

    model: str
    messages: list[dict[str, Any]]
    """The conversation as {role, content} with text content (developer turns as system), and tool_calls
    or tool_call_id where the turn has them."""
    stream: bool
    include_usage: bool
    options: dict[str, Any]
    """Sampling settings for the generate action: max_tokens, temperature, top_p, stop, seed, tools, tool_choice."""
    user: str | None
    id: str = field(default_factory=lambda: f"chatcmpl-{uuid.uuid4().hex}")
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def uses_tools(self) -> bool:
        """Whether the request offers tools or carries tool calls or their results."""
        return bool(self.options.get("tools")) or any(m["role"] == "tool" or "tool_calls" in m for m in self.messages)

    @property
    def text(self) -> str:
        """The last user turn: what the automations match on."""
        return next((m["content"] for m in reversed(self.messages) if m["role"] == "user"), "")

    def payload(self) -> dict[str, Any]:
        """What the stored message keeps of the request (trigger.raw to the automations)."""
        return {"model": self.model, "messages": self.messages, "options": self.options, "stream": self.stream}


def parse_request(raw: bytes) -> ChatRequest:
    """Validate a request body; raises BadRequest naming the field at fault."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise BadRequest(f"the body is not valid JSON: {err}") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    try:
        body = BODY(body)
    except vol.MultipleInvalid as err:
        first = err.errors[0]
        param = ".".join(str(p) for p in first.path) or None
        raise BadRequest(f"{param}: {first.msg}" if param else first.msg, param) from None
    options = {
        "max_tokens": body.get("max_completion_tokens") or body.get("max_tokens"),
        "temperature": body.get("temperature"), "top_p": body.get("top_p"),
        "stop": [body["stop"]] if isinstance(body.get("stop"), str) else body.get("stop"),
        "seed": body.get("seed"), "tools": body.get("tools"), "tool_choice": body.get("tool_choice"),
    }
    for i, message in enumerate(body["messages"]):
        if message["content"] is None and not (message["role"] == "assistant" and message.get("tool_calls")):
            param = f"messages.{i}.content"
            raise BadRequest(f"{param}: required for a {message['role']} message"
                             " (only an assistant turn with tool_calls may leave it out)", param)
    return ChatRequest(
        model=body["model"], messages=[_turn(m) for m in body["messages"]], stream=bool(body.get("stream")),
        include_usage=bool((body.get("stream_options") or {}).get("include_usage")),
        options={k: v for k, v in options.items() if v is not None}, user=body.get("user"))


def _turn(message: dict[str, Any]) -> dict[str, Any]:
    content = message["content"]
    if isinstance(content, list):
        content = "".join(part["text"] for part in content)
    turn: dict[str, Any] = {"role": "system" if message["role"] == "developer" else message["role"],
                            "content": content or ""}
    if message.get("tool_calls"):
        turn["tool_calls"] = message["tool_calls"]
    if message.get("tool_call_id") is not None:
        turn["tool_call_id"] = message["tool_call_id"]
    return turn


def chunk(request: ChatRequest, delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
    """One SSE event of a streamed answer."""
    body: dict[str, Any] = {
        "id": request.id, "object": "chat.completion.chunk", "created": request.created, "model": request.model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }
    if request.include_usage:
        body["usage"] = None
    return event(body)


def usage_chunk(request: ChatRequest, usage: dict[str, int]) -> bytes:
    """The last event before [DONE] when include_usage was asked: no choices, the usage."""
    return event({"id": request.id, "object": "chat.completion.chunk", "created": request.created,
                  "model": request.model, "choices": [], "usage": usage})


def event(body: dict[str, Any]) -> bytes:
    """A data event of the stream."""
    return b"data: " + orjson.dumps(body) + b"\n\n"


DONE = b"data: [DONE]\n\n"


def completion(request: ChatRequest, text: str, finish_reason: str, usage: dict[str, int],
               tool_calls: list[dict[str, Any]]) -> dict[str, Any]:
    """A whole (non-streamed) chat.completion."""
    message: dict[str, Any] = {"role": "assistant", "content": text or (None if tool_calls else ""), "refusal": None}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": request.id, "object": "chat.completion", "created": request.created, "model": request.model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
        "usage": usage,
    }


def tool_call_deltas(tool_calls: list[dict[str, Any]]) -> dict[str, Any]:
    """The delta that streams whole tool calls (each with its index, as OpenAI's pieces are joined)."""
    return {"tool_calls": [{"index": i, **call} for i, call in enumerate(tool_calls)]}


def model_list(names: list[str], created: int) -> dict[str, Any]:
    """GET /v1/models: what can be asked for."""
    return {"object": "list", "data": [{"id": n, "object": "model", "created": created, "owned_by": "roost"}
                                       for n in names]}
