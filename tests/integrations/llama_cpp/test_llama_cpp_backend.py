"""LlamaCppBackend on the real bundled model (SmolLM2-135M) through llama-cpp-python."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.errors import ModelError
from core.model import ChatTurn, ModelBackend, ModelRequest, complete
from integrations.llama_cpp.backend import LlamaCppBackend
from integrations.llama_cpp.config import MODEL_SCHEMA

Make = Callable[..., LlamaCppBackend]


def ask(text: str, **kw: Any) -> ModelRequest:
    return ModelRequest(messages=(ChatTurn("user", text),), **kw)


async def output_tokens(backend: LlamaCppBackend, text: str) -> int:
    return await backend.worker.run(lambda llm: len(llm.tokenize(text.encode(), add_bos=False)))


async def test_reply_streams_in_several_chunks(make_backend: Make) -> None:
    backend = make_backend()
    assert isinstance(backend, ModelBackend)
    chunks = [c async for c in backend.stream(ask("Tell me a short story about a cat.", max_tokens=24))]
    assert len(chunks) > 3
    assert all(isinstance(c, str) and c for c in chunks)
    assert len("".join(chunks).strip()) > 10


async def test_max_tokens_is_respected(make_backend: Make) -> None:
    backend = make_backend(max_tokens=100)
    # greedy: a sampled answer may end after a few tokens, and then the second check says nothing
    text = await complete(backend, ask("Count from 1 to 500, separated by commas.", max_tokens=6, temperature=0.0))
    n = await output_tokens(backend, text)
    assert 0 < n <= 6
    # without the request's limit the configured one (100) applies and the answer is longer
    longer = await complete(backend, ask("Count from 1 to 500, separated by commas.", temperature=0.0))
    assert await output_tokens(backend, longer) > 6


async def test_two_concurrent_requests_both_complete(make_backend: Make) -> None:
    backend = make_backend()
    a, b = await asyncio.gather(
        complete(backend, ask("Tell me a short story about a cat.", max_tokens=16)),
        complete(backend, ask("Write a very long story about a dragon.", max_tokens=16)),
    )
    assert a.strip() and b.strip()
    assert backend.worker.is_alive()


async def test_cancellation_stops_generation_promptly(make_backend: Make) -> None:
    backend = make_backend(n_ctx=2048)
    started = asyncio.Event()

    async def long_answer() -> None:
        request = ask("Count from 1 to 500, separated by commas.", max_tokens=1500, temperature=0.0)
        async for _ in backend.stream(request):
            started.set()

    task = asyncio.create_task(long_answer())
    await asyncio.wait_for(started.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # greedy counting runs to the 1500-token limit (10+ s even on an idle machine); the next
    # request runs as soon as the model thread is free
    t0 = time.perf_counter()
    text = await complete(backend, ask("Say hello.", max_tokens=4))
    assert time.perf_counter() - t0 < 6
    assert text
    assert backend.worker.is_alive()


async def test_missing_model_file_names_the_path(make_backend: Make, tmp_path: Path) -> None:
    backend = make_backend(path="models/nowhere.gguf")
    with pytest.raises(ModelError) as info:
        await complete(backend, ask("hi"))
    assert str(tmp_path / "models" / "nowhere.gguf") in str(info.value)
    assert "not found" in str(info.value)
    assert backend.worker.is_alive()


async def test_non_gguf_file_is_a_clear_error(make_backend: Make, tmp_path: Path) -> None:
    fake = tmp_path / "notes.gguf"
    fake.write_text("these are my notes, not a model")
    backend = make_backend(path=str(fake))
    with pytest.raises(ModelError, match="is not a GGUF model file"):
        await backend.load()


async def test_truncated_gguf_is_a_load_error(make_backend: Make, model_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    with open(model_path, "rb") as src:
        broken.write_bytes(src.read(4096))
    backend = make_backend(path=str(broken))
    with pytest.raises(ModelError, match="could not load"):
        await complete(backend, ask("hi"))


async def test_a_broken_model_does_not_affect_another(make_backend: Make) -> None:
    good = make_backend(name="good")
    bad = make_backend(name="bad", path="missing.gguf")
    results = await asyncio.gather(
        complete(bad, ask("hi")), complete(good, ask("Say hello.", max_tokens=4)), return_exceptions=True
    )
    assert isinstance(results[0], ModelError)
    assert isinstance(results[1], str) and results[1]
    # the broken one keeps answering with the same clear error, the good one keeps working
    with pytest.raises(ModelError, match="not found"):
        await complete(bad, ask("again"))
    assert await complete(good, ask("Say hello.", max_tokens=4))


async def test_prompt_count_matches_what_llama_evaluates(make_backend: Make) -> None:
    backend = make_backend()
    turns = backend.turns_for(ask("What is the capital of France?"))
    counted = await backend.count_tokens(turns)
    usage = await backend.worker.run(
        lambda llm: llm.create_chat_completion(
            [{"role": t.role, "content": t.content} for t in turns], max_tokens=1
        )["usage"]["prompt_tokens"]
    )
    assert counted == usage


async def test_history_is_trimmed_to_a_tiny_context(make_backend: Make) -> None:
    backend = make_backend(n_ctx=160, max_tokens=16)
    history = []
    for i in range(12):
        history.append(ChatTurn("user", f"Question number {i}: what do you think about the number {i}?"))
        history.append(ChatTurn("assistant", f"I think the number {i} is a fine number, thank you for asking."))
    request = ModelRequest(messages=(*history, ChatTurn("user", "And the last one?")))
    fitted = await backend.fitted_turns(request)
    assert fitted[0].role == "system" and fitted[-1].content == "And the last one?"
    kept = fitted[1:-1]
    assert 0 < len(kept) < len(history)
    assert kept == history[-len(kept):]  # the newest turns survive
    assert await backend.count_tokens(fitted) <= 160 - 16
    # the whole untrimmed prompt would not fit, yet the request is answered
    assert await backend.count_tokens(backend.turns_for(request)) > 160
    assert await complete(backend, request)


async def test_prompt_too_long_is_a_clear_error(make_backend: Make) -> None:
    backend = make_backend(n_ctx=128, max_tokens=16)
    with pytest.raises(ModelError, match=r"prompt too long: \d+ tokens, the model's context allows 112"):
        await complete(backend, ask("tell me " * 200))
    assert await complete(backend, ask("Say hello.", max_tokens=4))


async def test_the_model_is_only_ever_touched_by_its_own_thread(make_backend: Make) -> None:
    backend = make_backend()
    seen: set[int] = set()
    original_load = backend._load

    def load() -> Any:
        seen.add(threading.get_ident())
        llm = original_load()
        for attr in ("tokenize", "detokenize", "eval", "sample", "generate", "reset",
                     "create_completion", "create_chat_completion"):
            method = getattr(llm, attr)

            def spy(*args: Any, __m: Any = method, **kwargs: Any) -> Any:
                seen.add(threading.get_ident())
                return __m(*args, **kwargs)

            setattr(llm, attr, spy)
        return llm

    backend.worker._loader = load
    requests = [ask(f"Say the word {w}.", max_tokens=6) for w in ("apple", "pear", "plum")]
    await asyncio.gather(*(complete(backend, r) for r in requests))

    def from_another_loop() -> str:
        return asyncio.run(complete(backend, ask("Say hello.", max_tokens=4)))

    await asyncio.to_thread(from_another_loop)
    await backend.count_tokens([ChatTurn("user", "hi")])
    assert seen == {backend.worker.thread_ident}
    assert threading.get_ident() not in seen


async def test_configured_system_prompt_is_added_once(model_path: Path, tmp_path: Path) -> None:
    cfg = MODEL_SCHEMA({"name": "m", "path": str(model_path), "system_prompt": "Be terse."})
    backend = LlamaCppBackend(cfg, tmp_path)
    plain = backend.turns_for(ask("hi"))
    assert plain[0] == ChatTurn("system", "Be terse.")
    own = backend.turns_for(ModelRequest(messages=(ChatTurn("system", "Mine."), ChatTurn("user", "hi"))))
    assert [t.content for t in own if t.role == "system"] == ["Mine."]
    await backend.close()
