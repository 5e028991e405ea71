"""A scriptable, protocol-faithful OpenAI-compatible server on 127.0.0.1 for tests.

It answers `POST /v1/chat/completions` (streaming over SSE and not), `GET /v1/models`, and
sends OpenAI-shaped error bodies. Tests queue planned replies and read back what was received::

    async with FakeOpenAIServer(model="llama3") as server:
        server.plan(rate_limited(retry_after="1"), ok("Hello there"))
        ...  # point a client at server.base_url
        assert server.chat_requests[0].body["messages"][0]["content"] == "hi"
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from tests.fakes.openai_replies import (
    Reply,
    disconnect_after,
    error,
    hang,
    ok,
    rate_limited,
    server_error,
    stream_error_after,
)

__all__ = [
    "FakeOpenAIServer",
    "RecordedRequest",
    "Reply",
    "disconnect_after",
    "error",
    "hang",
    "ok",
    "rate_limited",
    "server_error",
    "stream_error_after",
]

_ids = itertools.count(1)


@dataclass(frozen=True)
class RecordedRequest:
    """A request the server received: method, path, headers, decoded JSON body, client address."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes
    time: float
    peer: tuple[str, int] | None = None


class FakeOpenAIServer:
    """An aiohttp server that speaks the OpenAI chat completions API from a script of replies."""

    def __init__(
        self,
        *,
        model: str = "fake-model",
        models: tuple[str, ...] | None = None,
        api_key: str | None = None,
        default: Reply | None = None,
    ) -> None:
        self.models = models or (model,)
        self.api_key = api_key
        self.default = default or Reply()
        self.requests: list[RecordedRequest] = []
        self._plan: deque[Reply] = deque()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self.app = self.make_app()

    # -- scripting ----------------------------------------------------------------------------

    def plan(self, *replies: Reply) -> FakeOpenAIServer:
        """Queue replies; each chat request takes the next one, then the default reply."""
        self._plan.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """How many planned replies are still queued."""
        return len(self._plan)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """The chat completion requests received, in order."""
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def base_url(self) -> str:
        """The URL clients use as base_url (ends in /v1)."""
        if self.port is None:
            raise RuntimeError("the fake server is not started")
        return f"http://127.0.0.1:{self.port}/v1"

    # -- lifecycle ----------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        """The aiohttp application with the OpenAI routes."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        return app

    async def start(self) -> str:
        """Listen on 127.0.0.1 on a free port; return the base URL."""
        runner = web.AppRunner(self.app, handler_cancellation=True, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.port = runner.addresses[0][1]
        return self.base_url

    async def stop(self) -> None:
        """Stop listening and drop open connections."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeOpenAIServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- handlers -----------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> RecordedRequest:
        raw = await request.read()
        try:
            body = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            body = None
        recorded = RecordedRequest(
            method=request.method,
            path=request.path,
            headers=dict(request.headers),
            body=body,
            raw=raw,
            time=time.monotonic(),
            peer=_peer(request),
        )
        self.requests.append(recorded)
        return recorded

    def _auth_error(self, request: web.Request) -> web.Response | None:
        if self.api_key is None:
            return None
        header = request.headers.get("Authorization", "")
        if header != f"Bearer {self.api_key}":
            return _error_response(
                401,
                {
                    "message": "Incorrect API key provided.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": "invalid_api_key",
                },
            )
        return None

    async def _models(self, request: web.Request) -> web.Response:
        await self._record(request)
        denied = self._auth_error(request)
        if denied is not None:
            return denied
        created = int(time.time())
        data = [
            {"id": m, "object": "model", "created": created, "owned_by": "fake"}
            for m in self.models
        ]
        return _json_response(200, {"object": "list", "data": data})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        recorded = await self._record(request)
        reply = self._plan.popleft() if self._plan else self.default
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.raw_body is not None:
            return web.Response(status=reply.status, body=reply.raw_body, headers=reply.headers)
        if reply.status >= 400:
            return _error_response(reply.status, reply.error or {}, reply.headers)
        denied = self._auth_error(request)
        if denied is not None:
            return denied
        invalid = self._validate(recorded.body)
        if invalid is not None:
            return invalid
        body = recorded.body
        pieces = list(str(body["messages"][-1].get("content"))) if reply.echo else reply.pieces()
        finish = reply.finish_reason
        max_tokens = body.get("max_tokens")
        if isinstance(max_tokens, int) and len(pieces) > max_tokens:
            pieces, finish = pieces[:max_tokens], "length"
        if reply.tool_calls is not None:
            pieces, finish = [], "tool_calls"
        if (body.get("stream") or reply.force_stream) and not reply.ignore_stream:
            return await self._stream(request, body, pieces, finish, reply)
        completion = _completion(body["model"], "".join(pieces), finish, body)
        if reply.tool_calls is not None:
            completion["choices"][0]["message"].update(content=None, tool_calls=[
                {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
                for c in reply.tool_calls])
        return _json_response(200, completion)

    def _validate(self, body: Any) -> web.Response | None:
        if not isinstance(body, dict):
            return _invalid("We could not parse the JSON body of your request.", None)
        if not isinstance(body.get("model"), str):
            return _invalid("you must provide a model parameter", "model")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return _invalid("'messages' must be a non-empty array", "messages")
        for index, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in (
                "system",
                "user",
                "assistant",
                "tool",
                "developer",
            ):
                return _invalid(f"Invalid value for 'messages[{index}].role'", f"messages[{index}]")
        if body["model"] not in self.models:
            return _error_response(
                404,
                {
                    "message": f"The model `{body['model']}` does not exist or you do not have access to it.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": "model_not_found",
                },
            )
        return None

    async def _stream(
        self, request: web.Request, body: dict[str, Any], pieces: list[str], finish: str, reply: Reply
    ) -> web.StreamResponse:
        response = web.StreamResponse(
            status=200,
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                **reply.headers,
            },
        )
        await response.prepare(request)
        ident = f"chatcmpl-fake{next(_ids)}"
        created = int(time.time())
        model = body["model"]
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        async def send(obj: dict[str, Any]) -> None:
            if include_usage and obj.get("choices"):
                obj["usage"] = None  # as OpenAI: every chunk says usage null, the last one has it
            await response.write(_event(obj, reply.split_data_lines))

        await send(_chunk(ident, created, model, {"role": "assistant", "content": ""}, None))
        for index, piece in enumerate(pieces):
            if reply.disconnect_after is not None and index >= reply.disconnect_after:
                _drop(request)
                return response
            if reply.error_after is not None and index >= reply.error_after:
                await send({"error": reply.error})
                await response.write(b"data: [DONE]\n\n")
                await response.write_eof()
                return response
            if reply.chunk_delay:
                await asyncio.sleep(reply.chunk_delay)
            await send(_chunk(ident, created, model, {"content": piece}, None))
        if reply.disconnect_after is not None:
            _drop(request)
            return response
        for index, call in enumerate(reply.tool_calls or ()):
            await send(_chunk(ident, created, model, {"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                                                      "function": {"name": call["name"], "arguments": ""}}]}, None))
            arguments = call["arguments"]
            for start in range(0, len(arguments), 3):
                await send(_chunk(ident, created, model, {"tool_calls": [{"index": index, "function": {
                    "arguments": arguments[start:start + 3]}}]}, None))
        await send(_chunk(ident, created, model, {}, finish))
        if include_usage:
            usage = _completion(model, "".join(pieces), finish, body)["usage"]
            await send({"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                        "choices": [], "usage": usage})
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _peer(request: web.Request) -> tuple[str, int] | None:
    """The client's (host, port), which tells whether a connection was reused."""
    transport = request.transport
    peer = transport.get_extra_info("peername") if transport is not None else None
    return (peer[0], peer[1]) if peer else None


def _drop(request: web.Request) -> None:
    """Close the connection abruptly, leaving the chunked body unterminated."""
    transport = request.transport
    if transport is not None:
        transport.close()


def _chunk(
    ident: str, created: int, model: str, delta: dict[str, Any], finish: str | None
) -> dict[str, Any]:
    return {
        "id": ident,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def _event(obj: dict[str, Any], split: bool) -> bytes:
    data = orjson.dumps(obj)
    if not split:
        return b"data: " + data + b"\n\n"
    # A comma followed by a quote never occurs inside a JSON string (quotes there are escaped),
    # so cutting there yields lines that rejoin with "\n" into the same JSON value.
    parts = data.split(b',"')
    lines = [parts[0]] + [b'"' + part for part in parts[1:]]
    body = b",\n".join(b"data: " + line for line in lines)
    return body + b"\n\n"


def _completion(model: str, text: str, finish: str, body: dict[str, Any]) -> dict[str, Any]:
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
    completion_tokens = len(text.split())
    return {
        "id": f"chatcmpl-fake{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "logprobs": None,
                "finish_reason": finish,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _json_response(status: int, obj: Any, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status, body=orjson.dumps(obj), content_type="application/json", headers=headers
    )


def _error_response(
    status: int, err: dict[str, Any], headers: dict[str, str] | None = None
) -> web.Response:
    return _json_response(status, {"error": err}, headers)


def _invalid(message: str, param: str | None) -> web.Response:
    return _error_response(
        400, {"message": message, "type": "invalid_request_error", "param": param, "code": None}
    )
