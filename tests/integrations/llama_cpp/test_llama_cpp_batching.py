"""Continuous batching on the real model: concurrent answers equal one-at-a-time ones, slots free at once,
each request keeps its own sampling, and a KV cache that cannot fit is refused."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest

from core.errors import ModelError
from core.model import ChatTurn, ModelRequest
from integrations.llama_cpp.backend import LlamaCppBackend

Make = Callable[..., LlamaCppBackend]
QUESTIONS = ["What is the capital of France?", "Write a haiku about rain.", "Name three colors.",
             "How do birds fly?"]


def ask(text: str, **kw: Any) -> ModelRequest:
    """A one-turn request."""
    return ModelRequest(messages=[ChatTurn("user", text)], **kw)


async def answer(backend: LlamaCppBackend, request: ModelRequest) -> tuple[str, float, float]:
    """(text, seconds to its first piece, seconds to its end)."""
    started = time.monotonic()
    first, text = None, ""
    async for piece in backend.stream(request):
        first = first if first is not None else time.monotonic() - started
        text += piece
    return text, first if first is not None else -1.0, time.monotonic() - started


@pytest.mark.parametrize("count", [1, 2, 4])
async def test_greedy_answers_together_equal_answers_one_at_a_time(make_backend: Make, count: int) -> None:
    alone = make_backend(parallel=1)
    expected = [(await answer(alone, ask(q, max_tokens=24, temperature=0.0)))[0] for q in QUESTIONS[:count]]
    together = make_backend(parallel=4)
    got = await asyncio.gather(*(answer(together, ask(q, max_tokens=24, temperature=0.0))
                                 for q in QUESTIONS[:count]))
    assert together.worker.batching and not alone.worker.batching
    assert [text for text, _first, _end in got] == expected
    assert all(text for text in expected)


async def test_a_cancelled_request_frees_its_slot_for_the_next_one_waiting(make_backend: Make) -> None:
    backend = make_backend(parallel=2)
    await backend.load()
    long = ask("Tell me a very long story about a dragon.", max_tokens=120, temperature=0.0)
    cancelled_stream = backend.stream(ask("Count from one to one hundred.", max_tokens=120, temperature=0.0))
    first_piece = await anext(cancelled_stream)  # it holds a slot now
    assert first_piece
    other = asyncio.create_task(answer(backend, long))  # holds the other slot
    await asyncio.sleep(0.3)
    waiting = asyncio.create_task(answer(backend, ask("Say hello.", max_tokens=8, temperature=0.0)))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # both slots are busy: it waits
    cancelled_at = time.monotonic()
    await cancelled_stream.aclose()  # the consumer leaves: its slot is free at the next step
    text, first, _end = await asyncio.wait_for(waiting, 20)
    assert text
    assert not other.done(), "the waiting request should have started while the long one still ran"
    assert time.monotonic() - cancelled_at < 5
    assert first < 5
    await other


async def test_each_request_keeps_its_own_sampling(make_backend: Make) -> None:
    alone = make_backend(parallel=1)
    greedy = (await answer(alone, ask(QUESTIONS[0], max_tokens=24, temperature=0.0)))[0]
    backend = make_backend(parallel=4)
    seeded = ask(QUESTIONS[1], max_tokens=24, temperature=1.2, seed=42)
    solo_seeded = (await answer(backend, seeded))[0]  # the same seed, on its own first
    stopped = ask("List the numbers one, two, three, four, each on its own line.", max_tokens=40,
                  temperature=0.0, stop=["\n"])
    short = ask(QUESTIONS[3], max_tokens=5, temperature=0.0)
    requests = [ask(QUESTIONS[0], max_tokens=24, temperature=0.0),
                ask(QUESTIONS[1], max_tokens=24, temperature=1.2, seed=42), stopped, short]
    got = await asyncio.gather(*(answer(backend, request) for request in requests))
    assert got[0][0] == greedy  # greedy beside sampled neighbours is still greedy
    assert got[1][0] == solo_seeded  # a seeded draw is the same beside others as alone
    assert "\n" not in got[2][0] and requests[2].outcome.finish_reason == "stop"
    assert requests[3].outcome.completion_tokens == 5 and requests[3].outcome.finish_reason == "length"


async def test_slots_that_cannot_fit_in_memory_are_refused(make_backend: Make) -> None:
    backend = make_backend(parallel=64, n_ctx=65536, max_tokens=64)
    with pytest.raises(ModelError) as caught:
        await answer(backend, ask("hello"))
    message = str(caught.value)
    assert "parallel 64 slots of 65536 tokens need" in message and "lower parallel or n_ctx" in message


async def test_a_prompt_sharing_a_slots_cells_skips_them(make_backend: Make) -> None:
    backend = make_backend(parallel=2)
    system = ChatTurn("system", "You are Roost. " + "Answer briefly and kindly. " * 60)
    first = ModelRequest(messages=[system, ChatTurn("user", "Hello!")], max_tokens=4, temperature=0.0)
    await answer(backend, first)
    again = ModelRequest(messages=[system, ChatTurn("user", "How are you?")], max_tokens=4, temperature=0.0)
    _text, reused_first, _end = await answer(backend, again)
    cold = make_backend(parallel=2)
    await cold.load()
    _text, cold_first, _end = await answer(cold, ModelRequest(messages=list(again.messages), max_tokens=4,
                                                              temperature=0.0))
    assert reused_first < cold_first  # only the new turn was decoded


async def test_the_memory_a_slot_costs_is_logged_at_load(make_backend: Make, caplog) -> None:
    caplog.set_level("INFO", logger="integrations.llama_cpp.backend")
    await make_backend(parallel=3, n_ctx=1024).load()
    # SmolLM2-135M: 30 layers, K and V of 3 heads of 64 values each, f16: 23,040 bytes a token
    assert "3 slots of 1024 tokens, KV cache 22.5 MiB a slot (f16), 67.5 MiB in all" in caplog.text


@pytest.mark.parametrize(("kv_type", "per_slot"), [("f16", 23_040 * 2048), ("q8_0", 12_240 * 2048)])
def test_model_list_shows_what_a_slot_costs(model_path, tmp_path, capsys, kv_type: str, per_slot: int) -> None:
    import json

    from core.cli import main

    (tmp_path / "configuration.yaml").write_text(
        f"llama_cpp:\n  models:\n    - {{name: local, path: {model_path}, parallel: 2, kv_type: {kv_type}}}\n")
    assert main(["model", "list", "--json", "--config", str(tmp_path)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["parallel"] == 2 and row["kv_type"] == kv_type
    assert row["kv_bytes_per_slot"] == per_slot


async def test_a_quantized_kv_cache_answers_too(make_backend: Make) -> None:
    backend = make_backend(parallel=2, kv_type="q8_0")
    got = await asyncio.gather(*(answer(backend, ask(q, max_tokens=12, temperature=0.0)) for q in QUESTIONS[:2]))
    assert all(text.strip() for text, _first, _end in got)


@pytest.mark.parametrize(("lanes", "expected"), [("", 3), ("scheduler: {lanes: {model: 1}}\n", 1)])
async def test_the_model_lane_defaults_to_the_models_parallel(make_gateway, model_path, tmp_path,
                                                              lanes: str, expected: int) -> None:
    (tmp_path / "configuration.yaml").write_text(
        lanes + f"llama_cpp:\n  models:\n    - {{name: local, path: {model_path}, parallel: 3, n_threads: 1}}\n")
    gateway = await make_gateway(tmp_path, builtins=True)
    assert gateway.pipeline.scheduler.lanes["model"] == expected


async def test_refused_slots_fail_every_request_alike(make_backend: Make) -> None:
    backend = make_backend(parallel=64, n_ctx=65536, max_tokens=64)
    for _ in range(2):  # never a fallback to the model's small own context
        with pytest.raises(ModelError, match="lower parallel or n_ctx"):
            await answer(backend, ask("hello"))
    assert not backend.worker.loaded
