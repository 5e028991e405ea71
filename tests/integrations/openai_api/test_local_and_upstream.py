"""The openai SDK against Roost with the bundled model and with an OpenAI-compatible upstream (a fake on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import aiohttp
import openai
import pytest

from core import events
from tests.fakes.openai_server import FakeOpenAIServer, Reply, error

PERSONAL = {
    "cn_id": "11010519491231002X",
    "phone": "+1 415 555 2671",
    "email": "li.wei@example.com",
    "card": "4111 1111 1111 1111",
    "api_key": "sk-proj-Zx81Kd02mQpL7vR4tY6wB3nE9sA5uH1c",
}
ASKED = ("My ID is {cn_id}, call {phone} or mail {email}; card {card}; key {api_key}.").format(**PERSONAL)


async def test_the_local_model_answers_the_same_streamed_and_whole(serve_api, local_model) -> None:
    api = await serve_api(extra=local_model)
    client = api.client()
    messages = [{"role": "user", "content": "Name three colours."}]
    whole = await client.chat.completions.create(model="local", messages=messages, max_tokens=12, temperature=0,
                                                 seed=1)
    stream = await client.chat.completions.create(model="local", messages=messages, max_tokens=12, temperature=0,
                                                  seed=1, stream=True, stream_options={"include_usage": True})
    chunks = [c async for c in stream]
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert whole.choices[0].message.content and streamed == whole.choices[0].message.content
    assert whole.usage.prompt_tokens > 5 and 0 < whole.usage.completion_tokens <= 12
    assert chunks[-1].usage.completion_tokens == whole.usage.completion_tokens
    assert whole.choices[0].finish_reason in ("stop", "length")


async def test_a_client_that_leaves_mid_stream_frees_the_model(serve_api, local_model, caplog) -> None:
    api = await serve_api(extra=local_model)
    answered, finished = [], []
    api.gateway.bus.listen(events.MODEL_ANSWERED, lambda event: answered.append(event.data))
    api.gateway.bus.listen(events.AUTOMATION_FINISHED, lambda event: finished.append(event.data["trace"]))
    body = {"model": "local", "stream": True, "max_tokens": 1000, "temperature": 1.0, "seed": 5,
            "messages": [{"role": "user", "content": "Write a long story about a lighthouse keeper."}]}
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {api.token}"}) as session:
        response = await session.post(f"{api.base_url}/chat/completions", json=body)
        pieces = 0
        async for line in response.content:
            if line.startswith(b"data: ") and b'"content":"' in line and b'"content":""' not in line:
                pieces += 1
                if pieces == 2:
                    break
        response.close()  # the client leaves
    started = time.monotonic()
    answer = await api.client().chat.completions.create(
        model="local", messages=[{"role": "user", "content": "Say hi."}], max_tokens=4)
    waited = time.monotonic() - started
    assert answer.choices[0].message.content
    first = answered[0]
    assert first["finish_reason"] == "cancelled", "the generation stopped when its client left"
    assert first["chunks"] < 40, f"it stopped at the next token, not after {first['chunks']}"
    assert waited < 5, "the model (one answer at a time) was free for the next request"
    left = finished[0]
    assert (left.status, left.error) == ("cancelled", "the client closed the connection before its answer was"
                                                       " complete"), "a client hanging up is no failure"
    assert (await api.gateway.store.dead.stats())["total"] == 0, "nothing to retry: no dead letter"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "editors cancel requests all the time"


async def test_a_client_that_leaves_before_its_masked_answer_is_whole_frees_the_model(serve_api, local_model) -> None:
    api = await serve_api(extra=local_model, pii="{mask_outbound: [openai]}")  # masked: the answer is gathered whole
    answered, finished = [], []
    api.gateway.bus.listen(events.MODEL_ANSWERED, lambda event: answered.append(event.data))
    api.gateway.bus.listen(events.AUTOMATION_FINISHED, lambda event: finished.append(event.data["trace"]))
    body = {"model": "local", "max_tokens": 1000, "temperature": 1.0, "seed": 5,
            "messages": [{"role": "user", "content": "Write a long story about a lighthouse keeper."}]}
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {api.token}"}) as session:
        with pytest.raises(TimeoutError):
            await session.post(f"{api.base_url}/chat/completions", json=body, timeout=aiohttp.ClientTimeout(1.5))
    answer = await api.client().chat.completions.create(
        model="local", messages=[{"role": "user", "content": "Say hi."}], max_tokens=4, timeout=5)
    assert answer.choices[0].message.content, "the model (one answer at a time) was free for the next request"
    assert answered[0]["finish_reason"] == "cancelled", "the generation stopped when its client left"
    left = finished[0]
    assert left.status == "cancelled" and "no one can receive the answer" in left.error


async def test_personal_data_never_reaches_the_upstream_and_comes_back_restored(serve_api) -> None:
    async with FakeOpenAIServer(model="gpt-up", default=Reply(echo=True)) as upstream:
        api = await serve_api(extra=f"""
openai_compat:
  models:
    - {{name: upstream, model: gpt-up, endpoints: ["{upstream.base_url}"]}}
""")
        client = api.client()
        messages = [{"role": "system", "content": f"The user's mail is {PERSONAL['email']}."},
                    {"role": "user", "content": ASKED}]
        stream = await client.chat.completions.create(
            model="upstream", messages=messages, stream=True,
            extra_headers={"X-Secret-Header": PERSONAL["api_key"]}, extra_query={"card": PERSONAL["card"]})
        streamed = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
        whole = await client.chat.completions.create(model="upstream", messages=messages)
    assert streamed == ASKED, "placeholders split over one-character chunks are restored"
    assert whole.choices[0].message.content == ASKED
    assert len(upstream.chat_requests) == 2
    for recorded in upstream.chat_requests:
        seen = recorded.raw.decode() + json.dumps(recorded.headers) + recorded.path
        for kind, value in PERSONAL.items():
            assert value not in seen, f"the {kind} reached the upstream"
        assert "X-Secret-Header" not in recorded.headers
        assert "[" in recorded.body["messages"][-1]["content"], "placeholders went instead"


TOOLS = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]


async def test_a_tool_call_round_trip_is_relayed_restored_and_sanitized(serve_api) -> None:
    email = PERSONAL["email"]
    async with FakeOpenAIServer(model="gpt-up") as upstream:
        api = await serve_api(extra=f"""
openai_compat:
  models:
    - {{name: upstream, model: gpt-up, endpoints: ["{upstream.base_url}"]}}
""")
        client = api.client()
        asked = [{"role": "user", "content": f"find the orders of {email}"}]
        placeholder = None

        def call_with_placeholder() -> Reply:
            nonlocal placeholder
            return Reply(tool_calls=[{"id": "call_1", "name": "lookup", "arguments": json.dumps({"who": placeholder})}])

        # The upstream answers with a call whose arguments hold the placeholder it was given.
        upstream.plan(Reply(text="unused"))
        await client.chat.completions.create(model="upstream", messages=asked, tools=TOOLS)
        placeholder = upstream.chat_requests[0].body["messages"][-1]["content"].split("of ")[1]
        assert placeholder.startswith("[") and email not in placeholder
        upstream.plan(call_with_placeholder(), call_with_placeholder())
        whole = await client.chat.completions.create(model="upstream", messages=asked, tools=TOOLS,
                                                     tool_choice="auto", top_p=0.9, seed=4)
        stream = await client.chat.completions.create(model="upstream", messages=asked, tools=TOOLS, stream=True)
        chunks = [c async for c in stream]
        upstream.plan(Reply(text="You have 2 orders."))
        followed = await client.chat.completions.create(model="upstream", tools=TOOLS, messages=[
            *asked, whole.choices[0].message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": "call_1", "content": f"2 orders for {email}"}])
    [call] = whole.choices[0].message.tool_calls
    assert (call.id, call.function.name, call.function.arguments) == ("call_1", "lookup", json.dumps({"who": email}))
    assert whole.choices[0].finish_reason == "tool_calls" and whole.choices[0].message.content is None
    streamed_calls = [d for c in chunks if c.choices for d in (c.choices[0].delta.tool_calls or ())]
    assert [(d.id, d.function.name, d.function.arguments) for d in streamed_calls] == [
        ("call_1", "lookup", json.dumps({"who": email}))]
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    assert followed.choices[0].message.content == "You have 2 orders."
    sent = upstream.chat_requests[1].body
    assert (sent["tools"], sent["tool_choice"], sent["top_p"], sent["seed"]) == (TOOLS, "auto", 0.9, 4)
    last = upstream.chat_requests[-1]
    assert email not in last.raw.decode(), "the call's arguments and the tool's result were sanitized"
    assert last.body["messages"][-1]["role"] == "tool" and last.body["messages"][-1]["tool_call_id"] == "call_1"
    assert last.body["messages"][-2]["tool_calls"][0]["function"]["name"] == "lookup"


async def test_tool_turns_for_a_model_without_tools_are_a_400(serve_api, local_model) -> None:
    api = await serve_api(extra=local_model)
    with pytest.raises(openai.BadRequestError) as refused:
        await api.client().chat.completions.create(model="local", messages=[
            {"role": "user", "content": "hi"}, {"role": "tool", "tool_call_id": "c1", "content": "42"}])
    assert refused.value.param == "tools"


async def test_concurrent_requests_each_get_their_own_answer(serve_api) -> None:
    async with FakeOpenAIServer(model="gpt-up", default=Reply(echo=True, chunk_delay=0.001)) as upstream:
        api = await serve_api(extra=f"""
openai_compat:
  models:
    - {{name: upstream, model: gpt-up, endpoints: ["{upstream.base_url}"]}}
""")
        client = api.client()

        async def ask(i: int) -> str:
            answer = await client.chat.completions.create(
                model="upstream", messages=[{"role": "user", "content": f"question number {i}"}], user="same")
            return answer.choices[0].message.content

        answers = await asyncio.gather(*(ask(i) for i in range(8)))
    assert answers == [f"question number {i}" for i in range(8)]


async def test_a_prompt_longer_than_the_context_is_the_clients_400(serve_api, local_model) -> None:
    # OpenAI's code, which clients read to drop old turns and ask again; from the local model and from an upstream.
    long_prompt = [{"role": "user", "content": "word " * 3000}]
    context_error = error(400, "This model's maximum context length is 8192 tokens. However, your messages resulted"
                               " in 9000 tokens.", code="context_length_exceeded", param="messages")
    async with FakeOpenAIServer(model="gpt-up", default=context_error) as upstream:
        api = await serve_api(extra=local_model + f"""
openai_compat:
  models:
    - {{name: upstream, model: gpt-up, endpoints: ["{upstream.base_url}"]}}
""")
        client = api.client()
        for model, stream in (("local", False), ("local", True), ("upstream", False)):
            with pytest.raises(openai.BadRequestError) as refused:
                answer = await client.chat.completions.create(model=model, messages=long_prompt, stream=stream)
                async for _chunk in answer:  # type: ignore[union-attr]
                    pass
            assert (refused.value.code, refused.value.param) == ("context_length_exceeded", "messages"), model
            said = refused.value.body["message"]  # type: ignore[index]
            assert said.startswith("prompt too long: 30" if model == "local" else "model 'upstream'"), said
        assert len(upstream.chat_requests) == 1, "the upstream's 400 is not tried again"
    stats = await api.gateway.queue_stats()  # the client was told: no dead letter, nothing left to run
    assert stats["dead_letters"]["total"] == 0 and stats["tasks"]["queued"] == stats["tasks"]["leased"] == 0
