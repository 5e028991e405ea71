"""Benchmark: raw llama-cpp-python in a plain loop vs the same model through LlamaCppBackend.

Both sides get the same prompt, greedy sampling (temperature 0, fixed seed), max_tokens 32 and
the same thread count; runs alternate between the two sides so load from other processes hits
both alike. "cold" resets the model's KV cache before each run (a new conversation: the whole
prompt is evaluated); "warm" repeats the prompt so llama-cpp-python's prefix matching reuses it.
Figures are medians over the runs after a warm-up; the best (fastest) run of each side and
the pure cost of carrying a token from the model thread to the event loop are reported too,
as they are the least disturbed by other processes on a shared machine.

    python scripts/bench_model.py [--runs 5] [--max-tokens 32] [--model PATH] [--threads 2]
    python scripts/bench.py model --concurrent 4 [--repeat 10]   (see bench_model_concurrent.py)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.channel import ChannelInfo, OutboundMessage  # noqa: E402
from core.model import ChatTurn, ModelRequest  # noqa: E402
from integrations.llama_cpp.backend import LlamaCppBackend  # noqa: E402
from integrations.llama_cpp.config import DEFAULT_SYSTEM_PROMPT, MODEL_SCHEMA  # noqa: E402
from integrations.llama_cpp.modelfetch import default_cache_dir, fetch_default_model  # noqa: E402
from integrations.llama_cpp.worker import LlamaWorker  # noqa: E402

PROMPT = "What is the capital of France? Answer in one sentence."
SEED = 42

TARGETS = {"overhead_pct": 5.0, "first_token_s": 0.25, "total_s": 0.8}


def _parse(args: Sequence[str] | argparse.Namespace | None) -> argparse.Namespace:
    if isinstance(args, argparse.Namespace):
        return args
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--n-ctx", type=int, default=2048)
    parser.add_argument("--model", type=Path, default=None, help="GGUF file (default: bundled)")
    parser.add_argument("--prompt", default=PROMPT)
    parser.add_argument("--concurrent", type=int, default=0, metavar="N",
                        help="instead: N chats at once through the gateway, batched vs one at a time"
                             " (scripts/bench_model_concurrent.py)")
    parser.add_argument("--also", type=int, nargs="*", default=[8], metavar="N",
                        help="with --concurrent: more chat counts to measure (default: 8)")
    parser.add_argument("--repeat", type=int, default=10, help="with --concurrent: repetitions per side")
    return parser.parse_args(list(args or []))


def _figures(first: float, total: float, tokens: int) -> dict[str, float]:
    decode = total - first
    return {
        "first_token_s": first,
        "total_s": total,
        "tokens": tokens,
        "tokens_per_s": (tokens - 1) / decode if tokens > 1 and decode > 0 else 0.0,
    }


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(statistics.median(r[k] for r in runs), 4) for k in runs[0]}


def _best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The fastest run: least disturbed by other processes on a shared machine."""
    return {k: round(v, 4) for k, v in min(runs, key=lambda r: r["total_s"]).items()}


async def _handoff_cost(items: int = 5000) -> float:
    """Microseconds per item to carry a stream from the model thread to the event loop."""
    worker = LlamaWorker("handoff", object)
    try:
        await worker.load()
        t0 = time.perf_counter()
        async for _ in worker.stream(lambda _llm: iter(range(items))):
            pass
        return round((time.perf_counter() - t0) * 1e6 / items, 2)
    finally:
        await worker.close()


def _raw_run(llm: Any, messages: list[dict[str, str]], max_tokens: int) -> tuple[dict, str]:
    t0 = time.perf_counter()
    first = None
    parts: list[str] = []
    for chunk in llm.create_chat_completion(
        messages, max_tokens=max_tokens, temperature=0.0, seed=SEED, stream=True
    ):
        text = chunk["choices"][0]["delta"].get("content")
        if text:
            if first is None:
                first = time.perf_counter() - t0
            parts.append(text)
    total = time.perf_counter() - t0
    return _figures(first or total, total, len(parts)), "".join(parts)


async def _roost_run(backend: LlamaCppBackend, request: ModelRequest) -> tuple[dict, str]:
    t0 = time.perf_counter()
    first = None
    parts: list[str] = []
    async for text in backend.stream(request):
        if first is None:
            first = time.perf_counter() - t0
        parts.append(text)
    total = time.perf_counter() - t0
    return _figures(first or total, total, len(parts)), "".join(parts)


async def _measure(opts: argparse.Namespace, model: Path) -> dict[str, Any]:
    from llama_cpp import Llama

    messages = [
        {"role": "system", "content": DEFAULT_SYSTEM_PROMPT},
        {"role": "user", "content": opts.prompt},
    ]
    request = ModelRequest(
        messages=tuple(ChatTurn(m["role"], m["content"]) for m in messages),
        max_tokens=opts.max_tokens,
        temperature=0.0,
    )
    t0 = time.perf_counter()
    raw = Llama(str(model), n_ctx=opts.n_ctx, n_threads=opts.threads, verbose=False)
    raw_load = time.perf_counter() - t0
    cfg = MODEL_SCHEMA(
        {"name": "bench", "path": str(model), "n_ctx": opts.n_ctx, "n_threads": opts.threads}
    )
    backend = LlamaCppBackend(cfg, model.parent)
    t0 = time.perf_counter()
    await backend.load()
    roost_load = time.perf_counter() - t0

    async def roost_reset() -> None:
        await backend.worker.run(lambda llm: llm.reset())

    results: dict[str, Any] = {}
    try:
        for mode in ("cold", "warm"):
            raw_runs: list[dict] = []
            roost_runs: list[dict] = []
            texts: set[str] = set()
            for i in range(opts.warmup + opts.runs):
                if mode == "cold":
                    raw.reset()
                    await roost_reset()
                fig_raw, text_raw = _raw_run(raw, messages, opts.max_tokens)
                fig_roost, text_roost = await _roost_run(backend, request)
                if i >= opts.warmup:
                    raw_runs.append(fig_raw)
                    roost_runs.append(fig_roost)
                    texts.update((text_raw, text_roost))
            raw_med, roost_med = _median(raw_runs), _median(roost_runs)
            raw_best, roost_best = _best(raw_runs), _best(roost_runs)
            results[mode] = {
                "raw": raw_med,
                "roost": roost_med,
                "overhead_ratio": round(roost_med["total_s"] / raw_med["total_s"], 4),
                "overhead_pct": round(100 * (roost_med["total_s"] / raw_med["total_s"] - 1), 2),
                "best_raw_total_s": raw_best["total_s"],
                "best_roost_total_s": roost_best["total_s"],
                "best_overhead_pct": round(
                    100 * (roost_best["total_s"] / raw_best["total_s"] - 1), 2
                ),
                "first_token_overhead_ms": round(
                    1000 * (roost_med["first_token_s"] - raw_med["first_token_s"]), 2
                ),
                "same_text": len(texts) == 1,
            }
    finally:
        await backend.close()
        raw.close()
    cold = results["cold"]
    results["handoff_us_per_token"] = await _handoff_cost()
    results["load_s"] = {"raw": round(raw_load, 4), "roost": round(roost_load, 4)}
    results["targets"] = {
        "overhead_pct<=5": cold["overhead_pct"] <= TARGETS["overhead_pct"],
        "first_token_s<=0.25": cold["roost"]["first_token_s"] <= TARGETS["first_token_s"],
        "total_s<=0.8": cold["roost"]["total_s"] <= TARGETS["total_s"],
    }
    return results


class _StreamProbe:
    """An in-process streaming channel that times the first chunk and the end of each answer."""

    platform = "bench"
    info = ChannelInfo("bench", streaming="native")
    online = True

    def __init__(self) -> None:
        self.started = 0.0
        self.first: float | None = None
        self.parts: list[str] = []
        self.done = asyncio.Event()

    async def send(self, message: OutboundMessage) -> str:
        self.parts.append(message.text)
        self.done.set()
        return "bench"

    async def send_stream(self, message: OutboundMessage, chunks: Any) -> str:
        async for chunk in chunks:
            if self.first is None:
                self.first = time.perf_counter() - self.started
            self.parts.append(chunk)
        self.done.set()
        return "bench"


async def _gateway_runs(opts: argparse.Namespace, model: Path) -> tuple[list[dict], str]:
    """The same prompt through a whole gateway: ingest -> automation -> generate -> channel."""
    import tempfile

    import yaml

    from core.config import load_config
    from core.gateway import Gateway
    from core.message import Message

    config_dir = Path(tempfile.mkdtemp(prefix="roost-bench-model-"))
    (config_dir / "configuration.yaml").write_text(yaml.safe_dump({
        "roost": {"log_level": "warning"},
        "llama_cpp": {"models": [{"name": "bench", "path": str(model), "n_ctx": opts.n_ctx,
                                  "n_threads": opts.threads}]},
        "automations": [{
            "id": "ask", "triggers": [{"trigger": "message", "platform": "bench"}],
            "actions": [{"generate": {"model": "bench", "system": DEFAULT_SYSTEM_PROMPT,
                                      "max_tokens": opts.max_tokens, "temperature": 0.0}}],
        }],
    }))
    gateway = Gateway(load_config(config_dir))
    probe = _StreamProbe()
    gateway.register_channel(probe)
    await gateway.start()
    backend = gateway.models["bench"]
    await backend.load()
    runs: list[dict] = []
    text = ""
    try:
        for i in range(opts.warmup + opts.runs):
            await backend.worker.run(lambda llm: llm.reset())
            probe.first, probe.parts = None, []
            probe.done.clear()
            probe.started = time.perf_counter()
            await gateway.ingest(Message.create("bench", "c1", "u1", opts.prompt, id=f"bench-{i}"))
            await probe.done.wait()
            total = time.perf_counter() - probe.started
            text = "".join(probe.parts)
            if i >= opts.warmup:
                runs.append(_figures(probe.first or total, total, len(probe.parts)))
    finally:
        await gateway.stop()
    return runs, text


def run(args: Sequence[str] | argparse.Namespace | None = None) -> dict[str, Any]:
    """Measure raw llama-cpp-python against LlamaCppBackend and a whole gateway; return the figures."""
    opts = _parse(args)
    model = opts.model
    if model is None:
        model = fetch_default_model(default_cache_dir(), progress=sys.stderr.isatty())
    if opts.concurrent:
        from bench_model_concurrent import run_concurrent

        return run_concurrent(opts, Path(model))
    figures = asyncio.run(_measure(opts, Path(model)))
    gateway_runs, gateway_text = asyncio.run(_gateway_runs(opts, Path(model)))
    through = _median(gateway_runs)
    raw_cold = figures["cold"]["raw"]
    figures["gateway"] = {
        "roost": through,
        "overhead_pct": round(100 * (through["total_s"] / raw_cold["total_s"] - 1), 2),
        "first_token_overhead_ms": round(1000 * (through["first_token_s"] - raw_cold["first_token_s"]), 2),
        "text": gateway_text,
    }
    return {
        "model": Path(model).name,
        "prompt": opts.prompt,
        "max_tokens": opts.max_tokens,
        "threads": opts.threads,
        "runs": opts.runs,
        **figures,
    }


def main(argv: Sequence[str] | None = None, *, out: Callable[[str], Any] = print) -> None:
    """Print the figures as JSON."""
    out(json.dumps(run(list(argv) if argv is not None else sys.argv[1:]), indent=2))


if __name__ == "__main__":
    main()
