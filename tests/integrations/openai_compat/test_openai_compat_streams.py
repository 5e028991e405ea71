"""Failures in the middle of a stream: broken connections, error objects and stalls, after or before content."""

from __future__ import annotations

import pytest

from core.errors import PermanentError, TransientError
from tests.fakes.openai_server import (
    Reply,
    disconnect_after,
    ok,
    stream_error_after,
)
from tests.integrations.openai_compat.test_openai_compat_client import ask, collect


async def test_disconnect_mid_stream_is_transient_and_does_not_fail_over(
    make_server, make_backend
) -> None:
    first = await make_server()
    second = await make_server()
    first.plan(disconnect_after(2, "one two three four"))
    backend = make_backend(first.base_url, second.base_url)
    received: list[str] = []
    with pytest.raises(TransientError, match="broke off after part of the answer"):
        async for chunk in backend.stream(ask()):
            received.append(chunk)
    assert received == ["one", " two"]
    assert second.chat_requests == []


async def test_disconnect_before_any_content_fails_over(make_server, make_backend) -> None:
    first = await make_server()
    second = await make_server()
    first.plan(disconnect_after(0))
    second.plan(ok("clean answer"))
    backend = make_backend(first.base_url, second.base_url)
    assert await collect(backend, ask()) == ["clean", " answer"]


async def test_error_object_mid_stream_after_content_is_transient(server, make_backend) -> None:
    server.plan(stream_error_after(1, "slot crashed", code=500))
    backend = make_backend(server.base_url)
    received: list[str] = []
    with pytest.raises(TransientError, match="slot crashed"):
        async for chunk in backend.stream(ask()):
            received.append(chunk)
    assert received == ["one"]
    assert len(server.chat_requests) == 1


async def test_error_object_in_stream_with_client_error_is_permanent(server, make_backend) -> None:
    server.plan(
        stream_error_after(
            0, "the request exceeds the context size", code=400, type="exceed_context_size_error"
        )
    )
    backend = make_backend(server.base_url)
    with pytest.raises(PermanentError, match="exceeds the context size"):
        await collect(backend, ask())
    assert len(server.chat_requests) == 1


async def test_error_object_before_content_fails_over(make_server, make_backend) -> None:
    first = await make_server()
    second = await make_server()
    first.plan(stream_error_after(0, "busy", code=503))
    second.plan(ok("fine"))
    backend = make_backend(first.base_url, second.base_url)
    assert await collect(backend, ask()) == ["fine"]


async def test_stall_mid_stream_is_transient(server, make_backend) -> None:
    server.plan(ok("a b c d e f g h", chunk_delay=0.2))
    backend = make_backend(server.base_url, timeout=0.5, max_retries=0)
    received: list[str] = []
    with pytest.raises(TransientError):
        async for chunk in backend.stream(ask()):
            received.append(chunk)
    assert 1 <= len(received) < 8


async def test_stream_without_done_or_finish_reason_is_transient(server, make_backend) -> None:
    sse = b'data: {"choices":[{"index":0,"delta":{"content":"half"},"finish_reason":null}]}\n\n'
    server.plan(Reply(raw_body=sse, headers={"Content-Type": "text/event-stream"}))
    backend = make_backend(server.base_url, max_retries=0)
    with pytest.raises(TransientError, match=r"before \[DONE\]"):
        await collect(backend, ask())


async def test_non_json_success_body_is_transient(server, make_backend) -> None:
    server.plan(Reply(raw_body=b"not json at all", headers={"Content-Type": "application/json"}))
    backend = make_backend(server.base_url, max_retries=0)
    with pytest.raises(TransientError, match="not JSON"):
        await backend.generate(ask())
