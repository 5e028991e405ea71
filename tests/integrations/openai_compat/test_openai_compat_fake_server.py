"""The fake OpenAI server speaks the wire format real servers use (checked on raw bytes)."""

from __future__ import annotations

import aiohttp
import orjson

from tests.fakes.openai_server import error, ok, rate_limited

BODY = {"model": "llama3", "messages": [{"role": "user", "content": "hi"}]}


async def post(
    url: str, body: object, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """POST JSON and return status, headers and the raw body."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=orjson.dumps(body), headers=headers or {}) as response,
    ):
        return response.status, dict(response.headers), await response.read()


async def test_streaming_wire_format(server) -> None:
    server.plan(ok(chunks=["Hi", " there"]))
    status, headers, raw = await post(
        f"{server.base_url}/chat/completions", {**BODY, "stream": True}
    )
    assert status == 200
    assert headers["Content-Type"].startswith("text/event-stream")
    events = raw.split(b"\n\n")
    assert events[-1] == b"" and events[-2] == b"data: [DONE]"
    chunks = [orjson.loads(e.removeprefix(b"data: ")) for e in events[:-2]]
    assert all(e.startswith(b"data: ") for e in events[:-1])
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in chunks}) == 1 and chunks[0]["id"].startswith("chatcmpl-")
    assert {c["model"] for c in chunks} == {"llama3"}
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert [c["choices"][0]["delta"].get("content") for c in chunks[1:-1]] == ["Hi", " there"]
    assert chunks[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])


async def test_non_streaming_wire_format(server) -> None:
    server.plan(ok("Hello you"))
    status, headers, raw = await post(f"{server.base_url}/chat/completions", BODY)
    body = orjson.loads(raw)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "Hello you"}
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"]["completion_tokens"] == 2


async def test_models_list(server) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{server.base_url}/models") as response,
    ):
        body = await response.json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == ["llama3"]
    assert server.requests[0].path == "/v1/models"


async def test_error_bodies_and_headers(server) -> None:
    server.plan(rate_limited("7"), error(400, "bad input", param="messages"))
    status, headers, raw = await post(f"{server.base_url}/chat/completions", BODY)
    assert status == 429 and headers["Retry-After"] == "7"
    assert orjson.loads(raw)["error"]["type"] == "rate_limit_error"
    status, _, raw = await post(f"{server.base_url}/chat/completions", BODY)
    assert status == 400
    assert orjson.loads(raw) == {
        "error": {
            "message": "bad input",
            "type": "invalid_request_error",
            "param": "messages",
            "code": None,
        }
    }


async def test_request_validation_and_auth(make_server) -> None:
    server = await make_server(api_key="k")
    url = f"{server.base_url}/chat/completions"
    assert (await post(url, BODY))[0] == 401
    auth = {"Authorization": "Bearer k"}
    status, _, raw = await post(url, {"model": "llama3", "messages": []}, auth)
    assert status == 400 and orjson.loads(raw)["error"]["param"] == "messages"
    assert (await post(url, {**BODY, "model": "gpt-x"}, auth))[0] == 404
    assert (await post(url, BODY, auth))[0] == 200
    assert [r.body for r in server.chat_requests][-1] == BODY
