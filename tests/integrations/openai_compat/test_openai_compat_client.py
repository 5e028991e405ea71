"""OpenAICompatBackend against fake OpenAI-compatible servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import email.utils
import time
from typing import Any

import pytest

from core.errors import ContextTooLong, ModelError, PermanentError, TransientError
from core.model import ChatTurn, ModelBackend, ModelRequest, complete
from tests.fakes.openai_server import (
    Reply,
    error,
    hang,
    ok,
    rate_limited,
    server_error,
)


def ask(text: str = "hello", **kwargs: Any) -> ModelRequest:
    """A one-turn user request."""
    return ModelRequest(messages=(ChatTurn("user", text),), **kwargs)


async def collect(backend: Any, request: ModelRequest) -> list[str]:
    """All chunks a stream yields."""
    return [chunk async for chunk in backend.stream(request)]


# -- answers ---------------------------------------------------------------------------------


async def test_stream_yields_several_chunks_in_order(server, make_backend) -> None:
    server.plan(ok(chunks=["The ", "sky ", "is ", "blue", "."]))
    backend = make_backend(server.base_url)
    chunks = await collect(backend, ask("What colour is the sky?"))
    assert chunks == ["The ", "sky ", "is ", "blue", "."]
    assert server.chat_requests[0].body["stream"] is True
    assert server.chat_requests[0].headers["Accept"] == "text/event-stream"


async def test_stream_reads_events_spread_over_several_data_lines(server, make_backend) -> None:
    server.plan(ok("alpha beta gamma", split_data_lines=True))
    backend = make_backend(server.base_url)
    assert await collect(backend, ask()) == ["alpha", " beta", " gamma"]


async def test_stream_arriving_slowly_chunk_by_chunk(server, make_backend) -> None:
    server.plan(ok("one two three", chunk_delay=0.05))
    backend = make_backend(server.base_url)
    seen: list[tuple[float, str]] = []
    async for chunk in backend.stream(ask()):
        seen.append((time.monotonic(), chunk))
    assert [c for _, c in seen] == ["one", " two", " three"]
    assert seen[-1][0] - seen[0][0] >= 0.08  # chunks were yielded as they came, not at the end


async def test_generate_uses_a_non_streaming_request(server, make_backend) -> None:
    server.plan(ok("A complete answer."))
    backend = make_backend(server.base_url)
    assert await backend.generate(ask()) == "A complete answer."
    request = server.chat_requests[0]
    assert request.body["stream"] is False
    assert request.headers["Accept"] == "application/json"


async def test_backend_fits_the_model_contract(server, make_backend) -> None:
    server.plan(ok("via complete"))
    backend = make_backend(server.base_url)
    assert isinstance(backend, ModelBackend)
    assert backend.name == "remote"
    assert await complete(backend, ask()) == "via complete"


async def test_server_that_ignores_stream_flag_still_answers(server, make_backend) -> None:
    server.plan(ok("whole at once", ignore_stream=True))
    backend = make_backend(server.base_url)
    assert await collect(backend, ask()) == ["whole at once"]


async def test_generate_reads_a_server_that_always_streams(server, make_backend) -> None:
    server.plan(ok("streamed although not asked", force_stream=True))
    backend = make_backend(server.base_url)
    request = ask()
    assert await backend.generate(request) == "streamed although not asked"
    assert server.chat_requests[0].body["stream"] is False
    assert request.outcome.finish_reason == "stop"


async def test_usage_and_finish_reason_are_read_from_the_stream(server, make_backend) -> None:
    server.plan(ok("a b c d e f"))
    backend = make_backend(server.base_url, max_tokens=3)
    request = ask()
    assert "".join(await collect(backend, request)) == "a b c"
    assert server.chat_requests[0].body["stream_options"] == {"include_usage": True}
    assert (request.outcome.completion_tokens, request.outcome.finish_reason) == (3, "length")
    assert request.outcome.prompt_tokens > 0


async def test_finish_reason_length_is_a_complete_answer(server, make_backend) -> None:
    server.plan(ok("a b c d e f"))
    backend = make_backend(server.base_url, max_tokens=3)
    assert "".join(await collect(backend, ask())) == "a b c"


async def test_request_body_carries_model_messages_and_sampling(server, make_backend) -> None:
    backend = make_backend(server.base_url, max_tokens=99, temperature=0.25)
    request = ModelRequest(
        messages=(
            ChatTurn("system", "Be brief."),
            ChatTurn("user", "What is 2+2?"),
            ChatTurn("assistant", "4"),
            ChatTurn("user", "And 3+3?"),
        )
    )
    await collect(backend, request)
    body = server.chat_requests[0].body
    assert body["model"] == "llama3"
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "And 3+3?"},
    ]
    assert body["max_tokens"] == 99
    assert body["temperature"] == 0.25
    assert "stop" not in body
    assert server.chat_requests[0].headers["Content-Type"] == "application/json"


async def test_request_settings_override_configured_defaults(server, make_backend) -> None:
    backend = make_backend(server.base_url, max_tokens=99, temperature=0.25)
    await backend.generate(ask(max_tokens=7, temperature=0.0, stop=("\n\n", "User:")))
    body = server.chat_requests[0].body
    assert (body["max_tokens"], body["temperature"], body["stop"]) == (7, 0.0, ["\n\n", "User:"])


async def test_authorization_header_carries_the_api_key(make_server, make_backend) -> None:
    server = await make_server(api_key="sk-local-123")
    server.plan(ok("authorised"))
    backend = make_backend({"base_url": server.base_url, "api_key": "sk-local-123"})
    assert "".join(await collect(backend, ask())) == "authorised"
    assert server.chat_requests[0].headers["Authorization"] == "Bearer sk-local-123"


async def test_no_authorization_header_without_api_key(server, make_backend) -> None:
    await make_backend(server.base_url).generate(ask())
    assert "Authorization" not in server.chat_requests[0].headers


async def test_wrong_api_key_is_permanent_and_names_the_setting(make_server, make_backend) -> None:
    server = await make_server(api_key="right")
    backend = make_backend({"base_url": server.base_url, "api_key": "wrong"})
    with pytest.raises(PermanentError) as caught:
        await collect(backend, ask())
    assert "Incorrect API key provided" in str(caught.value)
    assert "api_key" in str(caught.value)
    assert len(server.chat_requests) == 1


async def test_one_pooled_session_reuses_the_connection(server, make_backend) -> None:
    backend = make_backend(server.base_url)
    await backend.generate(ask())
    session = backend._session
    await collect(backend, ask())
    await backend.generate(ask())
    assert backend._session is session
    peers = {r.peer for r in server.chat_requests}
    assert len(peers) == 1, f"expected one kept-alive connection, saw {peers}"


async def test_concurrent_streams_all_complete(server, make_backend) -> None:
    server.default = Reply(text="same answer for all", chunk_delay=0.01)
    backend = make_backend(server.base_url)
    answers = await asyncio.gather(*(complete(backend, ask(f"q{i}")) for i in range(12)))
    assert answers == ["same answer for all"] * 12
    prompts = sorted(r.body["messages"][0]["content"] for r in server.chat_requests)
    assert prompts == sorted(f"q{i}" for i in range(12))


async def test_consumer_stopping_early_leaves_the_backend_usable(server, make_backend) -> None:
    server.plan(ok("one two three four five", chunk_delay=0.02), ok("next answer"))
    backend = make_backend(server.base_url)
    stream = backend.stream(ask())
    assert await anext(stream) == "one"
    await stream.aclose()
    assert await backend.generate(ask()) == "next answer"


async def test_closed_backend_refuses_requests(server, make_backend) -> None:
    backend = make_backend(server.base_url)
    await backend.generate(ask())
    await backend.close()
    await backend.close()  # idempotent
    with pytest.raises(ModelError, match="closed"):
        await backend.generate(ask())
    with pytest.raises(ModelError, match="closed"):
        await collect(backend, ask())


# -- rate limits and retries -----------------------------------------------------------------


async def test_429_retry_after_waits_then_succeeds_on_same_endpoint(server, make_backend) -> None:
    server.plan(rate_limited(retry_after="1"), ok("after the wait"))
    backend = make_backend(server.base_url)
    started = time.monotonic()
    assert "".join(await collect(backend, ask())) == "after the wait"
    first, second = server.chat_requests
    assert second.time - first.time >= 0.95
    assert time.monotonic() - started < 3


async def test_429_retry_after_as_http_date(server, make_backend) -> None:
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    server.plan(rate_limited(retry_after=when), ok("dated"))
    backend = make_backend(server.base_url)
    assert await backend.generate(ask()) == "dated"
    first, second = server.chat_requests
    # An HTTP date has one-second resolution: the wait is between 1 and 2 seconds.
    assert 0.9 <= second.time - first.time < 2.6


async def test_429_fails_over_at_once_and_keeps_the_endpoint_cooling(
    make_server, make_backend
) -> None:
    limited = await make_server()
    spare = await make_server()
    limited.plan(rate_limited(retry_after="30"))
    spare.plan(ok("from the spare"), ok("spare again"))
    backend = make_backend(limited.base_url, spare.base_url)
    started = time.monotonic()
    assert await backend.generate(ask()) == "from the spare"
    # The next request skips the endpoint that asked for 30 s of quiet.
    assert await backend.generate(ask()) == "spare again"
    assert time.monotonic() - started < 1
    assert len(limited.chat_requests) == 1
    assert len(spare.chat_requests) == 2


async def test_long_retry_after_is_handed_back_as_transient_error(server, make_backend) -> None:
    server.plan(rate_limited(retry_after="120"))
    backend = make_backend(server.base_url, retry_wait_cap=2.0)
    started = time.monotonic()
    with pytest.raises(TransientError) as caught:
        await backend.generate(ask())
    assert time.monotonic() - started < 1
    assert caught.value.retry_after is not None
    assert 118 <= caught.value.retry_after <= 120
    assert len(server.chat_requests) == 1


async def test_500_fails_over_to_the_second_endpoint(make_server, make_backend) -> None:
    broken = await make_server()
    healthy = await make_server()
    broken.plan(server_error(500, "CUDA out of memory"))
    healthy.plan(ok("healthy answer"))
    backend = make_backend(broken.base_url, healthy.base_url)
    assert "".join(await collect(backend, ask("ping"))) == "healthy answer"
    assert len(broken.chat_requests) == 1
    assert healthy.chat_requests[0].body["messages"] == [{"role": "user", "content": "ping"}]


async def test_connection_refused_fails_over(refused_url, server, make_backend) -> None:
    server.plan(ok("second endpoint"))
    backend = make_backend(refused_url, server.base_url)
    assert await backend.generate(ask()) == "second endpoint"
    assert "".join(await collect(backend, ask())) == "Hello from the fake server."


async def test_transient_errors_retry_in_later_passes(server, make_backend) -> None:
    server.plan(server_error(503, "loading model"), server_error(502, "bad gateway"), ok("third"))
    backend = make_backend(server.base_url, max_retries=2)
    assert await backend.generate(ask()) == "third"
    assert len(server.chat_requests) == 3


async def test_all_endpoints_down_is_transient(refused_url, make_server, make_backend) -> None:
    broken = await make_server(default=server_error(500, "overloaded"))
    backend = make_backend(refused_url, broken.base_url, max_retries=1)
    with pytest.raises(TransientError) as caught:
        await collect(backend, ask())
    message = str(caught.value)
    assert refused_url in message and broken.base_url in message
    assert "2 passes" in message
    assert len(broken.chat_requests) == 2  # one per pass
    assert caught.value.retry_after is None


async def test_all_rate_limited_reports_retry_after(make_server, make_backend) -> None:
    first = await make_server(default=rate_limited(retry_after="3"))
    second = await make_server(default=rate_limited(retry_after="4"))
    backend = make_backend(first.base_url, second.base_url, max_retries=0)
    with pytest.raises(TransientError) as caught:
        await backend.generate(ask())
    assert caught.value.retry_after is not None
    assert 2 <= caught.value.retry_after <= 3


async def test_timeout_is_transient(server, make_backend) -> None:
    server.plan(hang(3))
    backend = make_backend(server.base_url, timeout=0.3, max_retries=0)
    started = time.monotonic()
    with pytest.raises(TransientError, match="timed out"):
        await collect(backend, ask())
    assert time.monotonic() - started < 2


async def test_timeout_fails_over_to_a_fast_endpoint(make_server, make_backend) -> None:
    slow = await make_server()
    fast = await make_server()
    slow.plan(hang(3))
    fast.plan(ok("fast one"))
    backend = make_backend(slow.base_url, fast.base_url, timeout=0.3, max_retries=0)
    assert await backend.generate(ask()) == "fast one"


# -- permanent errors ------------------------------------------------------------------------


async def test_400_is_permanent_with_the_server_message_and_no_retry(
    make_server, make_backend
) -> None:
    first = await make_server()
    second = await make_server()
    first.plan(
        error(
            400,
            "This model's maximum context length is 2048 tokens",
            code="context_length_exceeded",
        )
    )
    backend = make_backend(first.base_url, second.base_url, max_retries=2)
    with pytest.raises(ContextTooLong) as caught:  # the request's own fault, as its code says: a client's 400
        await collect(backend, ask())
    message = str(caught.value)
    assert "maximum context length is 2048 tokens" in message
    assert "HTTP 400" in message and "context_length_exceeded" in message
    assert len(first.chat_requests) == 1
    assert second.chat_requests == []


@pytest.mark.parametrize("status", [401, 403, 404, 422])
async def test_other_4xx_are_permanent(server, make_backend, status: int) -> None:
    server.plan(error(status, f"refused with {status}"))
    backend = make_backend(server.base_url)
    with pytest.raises(PermanentError, match=f"refused with {status}"):
        await backend.generate(ask())
    assert len(server.chat_requests) == 1


async def test_unknown_model_is_permanent_with_a_hint(server, make_backend) -> None:
    backend = make_backend(server.base_url, model="no-such-model")
    with pytest.raises(PermanentError) as caught:
        await backend.generate(ask())
    assert "`no-such-model` does not exist" in str(caught.value)
    assert "base_url" in str(caught.value)


async def test_non_json_error_body_is_reported_as_text(server, make_backend) -> None:
    server.plan(Reply(status=400, raw_body=b"<html>Bad Request</html>"))
    backend = make_backend(server.base_url)
    with pytest.raises(PermanentError, match="Bad Request"):
        await backend.generate(ask())


# -- broken streams --------------------------------------------------------------------------
