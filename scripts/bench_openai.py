"""Benchmark: the OpenAI-compatible API against what it wraps, measured in the same run.

`model`: a 32-token answer of the bundled model streamed through `POST /v1/chat/completions`
(http, openai_api and pii on, the request stored like any message) against the same answer
from llama-cpp-python called directly; greedy, KV cache reset before every run and a prompt of its
own each run (so that no side reuses the last one's cells), the two sides interleaved; medians.
`throughput`: the API alone with an instant model (32 pieces per answer) at 10 concurrent streams,
against a bare aiohttp handler streaming the same 32 SSE chunks to the same client (the yardstick).
The client runs in the same process as the server.

    python scripts/bench_openai.py [--runs 7] [--max-tokens 32] [--requests 600]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import yaml
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.config import load_config  # noqa: E402
from core.gateway import Gateway  # noqa: E402
from integrations.http.tokens import TokenBook  # noqa: E402
from integrations.llama_cpp.config import DEFAULT_SYSTEM_PROMPT  # noqa: E402
from integrations.llama_cpp.modelfetch import default_cache_dir, fetch_default_model  # noqa: E402

PROMPT = "Describe a lighthouse on a stormy night in a few sentences."  # answers longer than 32 tokens
TARGETS = {"overhead_pct": 5.0, "first_token_added_ms": 15.0}
PIECES = 32


class InstantModel:
    """Answers at once: PIECES pieces, no model work (the API's own cost is what remains)."""

    name = "instant"
    accepts_tools = False

    async def stream(self, request: Any) -> AsyncIterator[str]:
        """PIECES short pieces, at once."""
        for i in range(PIECES):
            yield f"w{i} "

    async def close(self) -> None:
        """Nothing to free."""
        return None


async def _started(sections: dict[str, Any], *models: Any) -> tuple[Gateway, str, str]:
    config_dir = Path(tempfile.mkdtemp(prefix="roost-bench-openai-"))
    config = {"roost": {"log_level": "warning"}, "http": {"port": 0}, "pii": {},
              "openai_api": {"max_pending": 64}, **sections}
    (config_dir / "configuration.yaml").write_text(yaml.safe_dump(config))
    gateway = Gateway(load_config(config_dir))
    gateway.prepare()
    for model in models:
        gateway.register_model(model)
    await gateway.start()
    while gateway.data["http"].server.port is None:
        await asyncio.sleep(0.01)
    token = await TokenBook(gateway.storage("http")).create("bench")
    return gateway, f"http://127.0.0.1:{gateway.data['http'].server.port}/v1", token


async def _stream_timed(session: aiohttp.ClientSession, url: str, body: dict[str, Any]
                        ) -> tuple[float, float, str, float]:
    """(first content chunk, end) in seconds, the text of one streamed completion, and seconds from its
    last content chunk to the end of the stream."""
    started = time.perf_counter()
    first = None
    last = 0.0
    parts: list[str] = []
    async with session.post(url, json=body) as response:
        response.raise_for_status()
        async for line in response.content:
            if not line.startswith(b"data: {"):
                continue
            choices = orjson.loads(line[6:]).get("choices") or [{}]
            text = choices[0].get("delta", {}).get("content")
            if text:
                last = time.perf_counter() - started
                first = first or last
                parts.append(text)
    total = time.perf_counter() - started
    return first or total, total, "".join(parts), total - last


async def bench_model(opts: argparse.Namespace) -> dict[str, Any]:
    """TTFT and total of a max_tokens answer: through the API against llama-cpp-python directly."""
    from llama_cpp import Llama

    model = fetch_default_model(default_cache_dir(), cache_dir=default_cache_dir(), progress=False)
    raw = Llama(str(model), n_ctx=2048, n_threads=opts.threads, verbose=False)
    gateway, base, token = await _started({"llama_cpp": {"models": [
        {"name": "local", "path": str(model), "n_ctx": 2048, "n_threads": opts.threads}]}})
    backend = gateway.models["local"]
    await backend.load()
    api_runs: list[tuple[float, float, float]] = []
    raw_runs: list[tuple[float, float]] = []
    same_text = True
    raw_pieces: list[str] = []
    try:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session:
            for i in range(1 + opts.runs):
                # A prompt of its own each run, differing from its first token: a batched model's slot keeps
                # the last prompt's cells (reset() does not clear them) and would reuse them, answering warm.
                messages = [{"role": "system", "content": f"{i}. {DEFAULT_SYSTEM_PROMPT}"},
                            {"role": "user", "content": PROMPT}]
                body = {"model": "local", "messages": messages, "max_tokens": opts.max_tokens, "temperature": 0,
                        "seed": 42, "stream": True}
                raw.reset()
                started, first, parts = time.perf_counter(), None, []
                for chunk in raw.create_chat_completion(messages, max_tokens=opts.max_tokens, temperature=0.0,
                                                        seed=42, stream=True):
                    text = chunk["choices"][0]["delta"].get("content")
                    if text:
                        first = first or time.perf_counter() - started
                        parts.append(text)
                raw_figures = (first or 0.0, time.perf_counter() - started)
                await backend.worker.run(lambda llm: llm.reset())
                api_first, api_total, api_text, api_tail = await _stream_timed(session, f"{base}/chat/completions",
                                                                               body)
                if i:  # the first pair warms up
                    raw_runs.append(raw_figures)
                    api_runs.append((api_first, api_total, api_tail))
                    same_text = same_text and "".join(parts) == api_text
                    raw_pieces = parts
    finally:
        await gateway.stop()
        raw.close()
    raw_first, raw_total = (statistics.median(r[k] for r in raw_runs) for k in (0, 1))
    api_first, api_total = (statistics.median(r[k] for r in api_runs) for k in (0, 1))
    overhead = 100 * (api_total / raw_total - 1)
    added = 1000 * (api_first - raw_first)
    return {
        "runs": opts.runs, "max_tokens": opts.max_tokens, "same_text": same_text,
        "answer_pieces": len(raw_pieces),
        "direct": {"first_token_s": round(raw_first, 4), "total_s": round(raw_total, 4)},
        "api": {"first_token_s": round(api_first, 4), "total_s": round(api_total, 4),
                "last_token_to_done_ms": round(1000 * statistics.median(r[2] for r in api_runs), 2)},
        "overhead_pct": round(overhead, 2), "first_token_added_ms": round(added, 2),
        "targets_met": {"overhead_pct<=5": overhead <= TARGETS["overhead_pct"],
                        "first_token_added_ms<=15": added <= TARGETS["first_token_added_ms"]},
    }


async def _load(url: str, body: dict[str, Any], headers: dict[str, str], requests: int,
                streams: int) -> dict[str, Any]:
    """requests streamed completions over `streams` concurrent clients: rate and latency."""
    latencies: list[float] = []
    left = [requests]

    async def client(session: aiohttp.ClientSession) -> None:
        while left[0] > 0:
            left[0] -= 1
            _first, total, text, _tail = await _stream_timed(session, url, body)
            assert text.count("w") == PIECES, text
            latencies.append(total)

    async with aiohttp.ClientSession(headers=headers) as session:
        await _stream_timed(session, url, body)  # warm up
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(streams)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"requests_per_s": round(requests / elapsed, 1), "p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
            "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99) - 1], 2)}


async def _bare_server() -> tuple[web.AppRunner, str]:
    """The yardstick: an aiohttp handler that reads the JSON body and streams PIECES SSE chunks."""

    async def handler(request: web.Request) -> web.StreamResponse:
        orjson.loads(await request.read())
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for i in range(PIECES):
            delta = {"choices": [{"index": 0, "delta": {"content": f"w{i} "}, "finish_reason": None}]}
            await response.write(b"data: " + orjson.dumps(delta) + b"\n\n")
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/v1"


async def bench_throughput(opts: argparse.Namespace) -> dict[str, Any]:
    """Requests/s of the API alone (an instant model) at 10 streams, and of the bare yardstick."""
    body = {"model": "instant", "messages": [{"role": "user", "content": "hello there"}], "stream": True}
    runner, bare = await _bare_server()
    try:
        yardstick = await _load(f"{bare}/chat/completions", body, {}, opts.requests, opts.streams)
    finally:
        await runner.cleanup()
    gateway, base, token = await _started({}, InstantModel())
    try:
        api = await _load(f"{base}/chat/completions", body, {"Authorization": f"Bearer {token}"}, opts.requests,
                          opts.streams)
    finally:
        await gateway.stop()
    return {"streams": opts.streams, "requests": opts.requests, "pieces_per_answer": PIECES,
            "api": api, "bare_aiohttp_sse": yardstick,
            "ratio_to_bare": round(api["requests_per_s"] / yardstick["requests_per_s"], 3)}


def parse_args(args: Sequence[str]) -> argparse.Namespace:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(prog="bench.py openai", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--streams", type=int, default=10)
    parser.add_argument("--only", choices=("model", "throughput"))
    return parser.parse_args(list(args))


def run(opts: argparse.Namespace) -> dict[str, Any]:
    """Both parts (or one: --only model|throughput)."""
    figures: dict[str, Any] = {}
    if opts.only in (None, "model"):
        figures["model"] = asyncio.run(bench_model(opts))
    if opts.only in (None, "throughput"):
        figures["throughput"] = asyncio.run(bench_throughput(opts))
    return figures


if __name__ == "__main__":
    print(orjson.dumps(run(parse_args(sys.argv[1:])), option=orjson.OPT_INDENT_2).decode())
