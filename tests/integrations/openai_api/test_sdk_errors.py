"""The openai SDK against Roost: answers from an instant model, and each error as the SDK's exception class."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import openai
import pytest

from core import events
from core.errors import ModelError
from tests.helpers.models import InstantModel

HI = [{"role": "user", "content": "hi"}]


async def test_a_whole_answer_with_usage_and_the_stored_message(serve_api) -> None:
    model = InstantModel()
    api = await serve_api(models=(model,))
    received = []
    api.gateway.bus.listen(events.MESSAGE_RECEIVED, lambda event: received.append(event.data["message"]))
    answer = await api.client().chat.completions.create(
        model="instant", messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
        max_completion_tokens=7, temperature=0.2, top_p=0.5, stop=["zz"], seed=3, user="alice")
    assert answer.object == "chat.completion" and answer.id.startswith("chatcmpl-")
    assert answer.model == "instant"
    assert answer.choices[0].message.role == "assistant"
    assert answer.choices[0].message.content == "Hello there, friend."
    assert answer.choices[0].finish_reason == "stop"
    assert (answer.usage.completion_tokens, answer.usage.prompt_tokens) == (3, 3)
    asked = model.requests[0]
    assert [(t.role, t.content) for t in asked.messages] == [("system", "be brief"), ("user", "hi")]
    assert (asked.max_tokens, asked.temperature, asked.top_p, asked.stop, asked.seed) == (7, 0.2, 0.5, ("zz",), 3)
    message = received[0]
    assert (message.platform, message.chat_id, message.sender, message.text) == ("openai", "alice", "tester", "hi")
    rows = await api.gateway.store.db.fetchall("SELECT id FROM inbox WHERE platform = 'openai'")
    stored = await api.gateway.store.inbox.get(rows[0][0])
    assert (stored.chat_id, stored.text) == ("alice", "hi"), "the request is a stored message"


async def test_a_streamed_answer_is_chunked_as_openai_streams(serve_api) -> None:
    api = await serve_api(models=(InstantModel(),))
    stream = await api.client().chat.completions.create(
        model="instant", messages=HI, stream=True, stream_options={"include_usage": True})
    chunks = [chunk async for chunk in stream]
    assert len({c.id for c in chunks}) == 1 and len({c.created for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello there, friend."
    finishing = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishing == ["stop"] and chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 3
    assert all(c.usage is None for c in chunks[:-1])


async def test_the_raw_stream_has_one_done_and_no_usage_unless_asked(serve_api) -> None:
    api = await serve_api(models=(InstantModel(),))
    async with aiohttp.ClientSession() as session:
        response = await session.post(f"{api.base_url}/chat/completions", json={
            "model": "instant", "messages": HI, "stream": True}, headers={"Authorization": f"Bearer {api.token}"})
        assert response.headers["Content-Type"].startswith("text/event-stream")
        body = (await response.read()).decode()
    events_ = [line for line in body.split("\n\n") if line]
    assert events_[-1] == "data: [DONE]" and body.count("[DONE]") == 1
    assert '"usage"' not in body


async def test_models_lists_each_backend_and_roost(serve_api) -> None:
    api = await serve_api(models=(InstantModel(), InstantModel("other")))
    client = api.client()
    assert [m.id async for m in client.models.list()] == ["instant", "other", "roost"]
    assert (await client.models.retrieve("other")).id == "other"
    with pytest.raises(openai.NotFoundError):
        await client.models.retrieve("gpt-9")


async def test_errors_map_to_the_sdk_exception_classes(serve_api) -> None:
    api = await serve_api(models=(InstantModel(),))
    client = api.client()
    with pytest.raises(openai.AuthenticationError) as wrong:
        await api.client(api_key="not-a-token").chat.completions.create(model="instant", messages=HI)
    assert wrong.value.status_code == 401 and "access token" in wrong.value.message
    with pytest.raises(openai.NotFoundError) as unknown:
        await client.chat.completions.create(model="gpt-9", messages=HI)
    assert unknown.value.code == "model_not_found" and unknown.value.param == "model"
    with pytest.raises(openai.BadRequestError) as wrong_type:
        await client.chat.completions.create(model="instant", messages=HI, max_tokens="many")
    assert wrong_type.value.param == "max_tokens" and wrong_type.value.type == "invalid_request_error"
    with pytest.raises(openai.BadRequestError) as bad_role:
        await client.chat.completions.create(model="instant", messages=[{"role": "robot", "content": "x"}])
    assert bad_role.value.param == "messages.0.role"
    for turns in ([{"role": "user"}], [*HI, {"role": "assistant", "content": None}], [{"role": "tool", "tool_call_id": "c"}]):
        with pytest.raises(openai.BadRequestError) as no_content:
            await client.chat.completions.create(model="instant", messages=turns)
        assert no_content.value.param == f"messages.{len(turns) - 1}.content" and "required" in no_content.value.message
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    with pytest.raises(openai.BadRequestError) as tool_turns:  # read whole: refused only for this model
        await client.chat.completions.create(model="instant", messages=[
            *HI, {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": "42"}])
    assert tool_turns.value.code == "tools_not_supported"
    with pytest.raises(openai.BadRequestError) as tools:
        await client.chat.completions.create(model="instant", messages=HI, tools=[
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}])
    assert tools.value.param == "tools" and "cannot use tools" in tools.value.message
    with pytest.raises(openai.APIStatusError) as too_large:
        await client.chat.completions.create(model="instant", messages=[{"role": "user", "content": "x" * 5_000_000}])
    assert too_large.value.status_code == 413 and too_large.value.body["type"] == "invalid_request_error"
    with pytest.raises(openai.BadRequestError) as nobody:
        await client.chat.completions.create(model="roost", messages=HI)
    assert nobody.value.code == "no_automation"


async def test_out_of_range_settings_say_their_range_and_other_addresses_are_openai_404s(serve_api) -> None:
    api = await serve_api(models=(InstantModel(),))
    client = api.client()
    for setting, says in ({"temperature": 5}, "from 0 to 2"), ({"top_p": -1}, "from 0 to 1"), \
            ({"max_tokens": 0}, "at least 1"), ({"stop": ["a"] * 5}, "at most 4"), ({"n": 2}, "only 1"), \
            ({"response_format": {"type": "json_object"}}, 'only {"type": "text"}'):
        with pytest.raises(openai.BadRequestError) as bad:
            await client.chat.completions.create(model="instant", messages=HI, **setting)
        assert bad.value.param == next(iter(setting)) and says in bad.value.message
    assert (await client.chat.completions.create(model="instant", messages=HI, n=1,
                                                 response_format={"type": "text"})).choices
    for call in (lambda: client.embeddings.create(model="instant", input="hi"),
                 lambda: client.completions.create(model="instant", prompt="hi")):
        with pytest.raises(openai.NotFoundError) as unknown:
            await call()
        assert unknown.value.code == "unknown_url" and "POST /v1/chat/completions" in unknown.value.message
    with pytest.raises(openai.AuthenticationError):
        await api.client(api_key="not-a-token").embeddings.create(model="instant", input="hi")


async def test_a_failing_model_is_a_500(serve_api) -> None:
    api = await serve_api(models=(InstantModel(fail=ModelError("the model file is damaged")),))
    with pytest.raises(openai.InternalServerError) as failed:
        await api.client().chat.completions.create(model="instant", messages=HI)
    assert failed.value.status_code == 500 and "damaged" in failed.value.message
    assert failed.value.response.headers["x-should-retry"] == "false"
    with pytest.raises(openai.InternalServerError):  # nothing was streamed yet: a plain 500
        await api.client().chat.completions.create(model="instant", messages=HI, stream=True)


async def test_a_failure_mid_stream_is_an_error_event(serve_api) -> None:
    api = await serve_api(models=(InstantModel(fail=ModelError("the model ran out of memory"), fail_after=2),))
    stream = await api.client().chat.completions.create(model="instant", messages=HI, stream=True)
    received = []
    with pytest.raises(openai.APIError) as failed:
        async for chunk in stream:
            received.append(chunk.choices[0].delta.content)
    assert "".join(filter(None, received)) == "Hello there, "
    assert "out of memory" in failed.value.message and failed.value.code == "run_failed"


async def test_no_model_loaded_is_a_503(serve_api) -> None:
    api = await serve_api()
    with pytest.raises(openai.InternalServerError) as unavailable:
        await api.client().chat.completions.create(model="local", messages=HI)
    assert unavailable.value.status_code == 503 and unavailable.value.code == "no_model"


async def test_a_full_queue_is_a_429_with_retry_after(serve_api) -> None:
    api = await serve_api(models=(InstantModel(delay=0.3),), openai_api="max_pending: 1\nretry_after: 7")
    client = api.client()
    first = asyncio.create_task(client.chat.completions.create(model="instant", messages=HI))
    await asyncio.sleep(0.2)
    with pytest.raises(openai.RateLimitError) as limited:
        await client.chat.completions.create(model="instant", messages=HI)
    assert limited.value.response.headers["Retry-After"] == "7"
    assert (await first).choices[0].message.content == "Hello there, friend."


async def test_a_reply_for_a_client_that_gave_up_is_dropped_not_a_dead_letter(serve_api) -> None:
    extra = """
automations:
  - id: slow
    triggers: [{trigger: message, platform: openai, command: slow}]
    actions: [{delay: 0.5}, {reply: "done at last"}]
"""
    api = await serve_api(extra=extra, models=(InstantModel(),))
    with pytest.raises(openai.APITimeoutError):
        await api.client(timeout=0.1).chat.completions.create(
            model="roost", messages=[{"role": "user", "content": "/slow"}])
    await asyncio.wait_for(api.gateway.wait_idle(), 10)
    stats = await api.gateway.queue_stats()
    assert stats["dead_letters"]["total"] == 0, "a client that left is no failure"
    assert stats["outbox"].get("openai", {}).get("pending", 0) == 0


async def test_own_automations_answer_model_roost(serve_api) -> None:
    extra = """
automations:
  - id: logs
    triggers: [{trigger: message, platform: openai, command: check_logs}]
    actions: [{reply: "no anomalies in {{ trigger.args_text }}"}]
"""
    api = await serve_api(extra=extra, models=(InstantModel(),))
    client = api.client()
    answer = await client.chat.completions.create(model="roost", messages=[{"role": "user", "content": "/check_logs 30m"}])
    assert answer.choices[0].message.content == "no anomalies in 30m"
    stream = await client.chat.completions.create(
        model="roost", messages=[{"role": "user", "content": "/check_logs 1h"}], stream=True,
        extra_headers={"X-Roost-Conversation": "ops"})
    assert "".join([c.choices[0].delta.content or "" async for c in stream if c.choices]) == "no anomalies in 1h"


@pytest.mark.parametrize("stream", [False, True])
async def test_a_request_roost_stops_under_is_told_so_and_the_stop_does_not_wait_for_it(serve_api, stream) -> None:
    model = InstantModel(delay=30.0)
    api = await serve_api(extra="roost: {stop_timeout: 0.3}\n", models=(model,))
    asking = asyncio.ensure_future(api.client().chat.completions.create(model="instant", messages=HI, stream=stream))
    async with asyncio.timeout(5):
        while not model.requests:  # the answer has begun
            await asyncio.sleep(0.02)
    started = time.monotonic()
    await api.gateway.stop()  # not cancelled on a timeout: a stop cut short would leave the fixture's stop waiting
    assert time.monotonic() - started < 3, "the request is answered, not waited for until aiohttp gives up"
    with pytest.raises(openai.APIError) as stopped:
        answer = await asyncio.wait_for(asking, 5)
        async for _chunk in answer:  # streamed: the error comes as an event in the stream
            pass
    assert "Roost is stopping" in stopped.value.message
