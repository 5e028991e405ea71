"""Benchmark: several chats asking the bundled model at once, through the whole gateway, batched or not.

`python scripts/bench.py model --concurrent 4 [--repeat 10] [--max-tokens 64]`. Two gateways on the
same model file: "sequential" (parallel: 1, the model answers one request after another, as
before continuous batching) and "batched" (parallel: N). Each repetition sends N chats' questions
at once to one of them, alternating (interleaved A/B on this shared machine), through a real
channel: a message is stored, its run leased, the generate action streams the answer back. A
question carries the repetition's number, so only the system prompt is shared between
repetitions (as between real chats). Also one chat alone on each (a single chat must not be
slower batched). Figures are medians over the repetitions.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from core import events
from core.channel import ChannelInfo, OutboundMessage
from core.config import load_config
from core.gateway import Gateway
from core.loader import discover
from core.message import Message

QUESTIONS = [f"Tell me a long story about {topic}." for topic in (
    "a dragon", "a ship", "a robot", "a garden", "a castle", "a river", "a city", "a forest")]
"""Questions with long answers: every chat keeps answering until max_tokens, as in the issue's figures."""
CONFIG = """
roost: {{log_level: warning}}
store: {{encryption: false}}
scheduler: {{workers: 16}}
llama_cpp:
  models:
    - {{name: local, path: "{model}", parallel: {parallel}, n_threads: {threads}, n_ctx: 1024,
       max_tokens: {max_tokens}, temperature: 0.0}}
automations:
  - id: answer
    mode: parallel
    max: 64
    triggers: [{{trigger: message, platform: bench}}]
    actions:
      - generate: {{model: local, max_tokens: {max_tokens}, temperature: 0.0}}
    lane: model
"""


class Timing:
    """What one chat saw: when its question went in, its first piece, its end, pieces."""

    def __init__(self) -> None:
        self.sent = time.monotonic()
        self.first: float | None = None
        self.end: float | None = None
        self.pieces = 0


class Stopwatch:
    """A streaming channel that times each chat's answer."""

    info = ChannelInfo("bench", streaming="native")
    online = True

    def __init__(self) -> None:
        self.chats: dict[str, Timing] = {}
        self.done = asyncio.Event()
        self.waiting = 0
        self.tokens: list[int] = []
        """Tokens of each answer of the round (from the model_answered events)."""

    async def send(self, message: OutboundMessage) -> str:
        """A whole answer (not expected: the action streams)."""
        timing = self.chats[message.chat_id]
        timing.first = timing.first or time.monotonic()
        self._ended(timing)
        return "x"

    async def send_stream(self, message: OutboundMessage, chunks: Any) -> str:
        """Time the pieces of a streamed answer."""
        timing = self.chats[message.chat_id]
        async for _piece in chunks:
            timing.first = timing.first or time.monotonic()
            timing.pieces += 1
        self._ended(timing)
        return "x"

    def _ended(self, timing: Timing) -> None:
        timing.end = time.monotonic()
        self.waiting -= 1
        if self.waiting == 0:
            self.done.set()


async def _gateway(root: Path, name: str, model: Path, parallel: int, ns: argparse.Namespace) -> tuple[Gateway,
                                                                                                        Stopwatch]:
    directory = root / name
    directory.mkdir()
    (directory / "configuration.yaml").write_text(CONFIG.format(model=model, parallel=parallel, threads=ns.threads,
                                                                max_tokens=ns.max_tokens))
    gateway = Gateway(load_config(directory), discovery=discover(directory))
    channel = Stopwatch()
    gateway.register_channel(channel)
    gateway.bus.listen(events.MODEL_ANSWERED, lambda event: channel.tokens.append(event.data["completion_tokens"]))
    await gateway.start()
    for backend in gateway.data["llama_cpp"]:
        await backend.load()
    return gateway, channel


async def _ask(gateway: Gateway, channel: Stopwatch, chats: int, round_no: int) -> dict[str, Any]:
    channel.chats.clear()
    channel.tokens.clear()
    channel.done.clear()
    channel.waiting = chats
    started = time.monotonic()
    for chat in range(chats):
        channel.chats[f"c{chat}"] = Timing()
        question = f"{QUESTIONS[chat % len(QUESTIONS)]} (question {round_no})"
        await gateway.ingest(Message.create("bench", f"c{chat}", "user", question))
    await asyncio.wait_for(channel.done.wait(), 300)
    timings = list(channel.chats.values())
    wall = max(t.end or 0 for t in timings) - started
    return {"first_s": [round((t.first or t.end or 0) - t.sent, 3) for t in timings],
            "tokens_per_s": sum(channel.tokens) / wall, "wall_s": wall}


async def _run(ns: argparse.Namespace, model: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="roost-bench-concurrent-") as tmp:
        sides: dict[str, tuple[Gateway, Stopwatch]] = {}
        try:
            sides["sequential"] = await _gateway(Path(tmp), "sequential", model, 1, ns)
            sides["batched"] = await _gateway(Path(tmp), "batched", model, max([ns.concurrent, *ns.also]), ns)
            figures: dict[str, dict[int, list[dict[str, Any]]]] = {side: {} for side in sides}
            round_no = 0
            for _ in range(ns.warmup + ns.repeat):
                for chats in sorted({1, ns.concurrent, *ns.also}):
                    for side, (gateway, channel) in sides.items():  # interleaved
                        round_no += 1
                        figures[side].setdefault(chats, []).append(await _ask(gateway, channel, chats, round_no))
        finally:
            for gateway, _channel in sides.values():
                await gateway.stop()
    return _summary(figures, ns)


def _summary(figures: dict[str, dict[int, list[dict[str, Any]]]], ns: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for chats in figures["batched"]:
        row: dict[str, Any] = {}
        for side, by_chats in figures.items():
            runs = by_chats[chats][ns.warmup:]
            row[side] = {
                "tokens_per_s": round(statistics.median(r["tokens_per_s"] for r in runs), 1),
                "first_token_s": [round(statistics.median(r["first_s"][i] for r in runs), 3) for i in range(chats)],
                "wall_s": round(statistics.median(r["wall_s"] for r in runs), 3),
            }
        row["aggregate_ratio"] = round(row["batched"]["tokens_per_s"] / row["sequential"]["tokens_per_s"], 3)
        out[f"{chats}_chats"] = row
    single = out["1_chats"]
    out["single_chat_slowdown_pct"] = round(100 * (single["batched"]["wall_s"] / single["sequential"]["wall_s"] - 1), 1)
    main = out[f"{ns.concurrent}_chats"]
    out["targets"] = {"aggregate_ratio_at_least": 1.25, "first_token_s_at_most": 0.5, "single_chat_slowdown_pct": 5.0,
                      "met": main["aggregate_ratio"] >= 1.25 and max(main["batched"]["first_token_s"]) <= 0.5
                      and out["single_chat_slowdown_pct"] <= 5.0}
    out["settings"] = {"concurrent": ns.concurrent, "repeat": ns.repeat, "max_tokens": ns.max_tokens,
                       "threads": ns.threads}
    return out


def run_concurrent(ns: argparse.Namespace, model: Path) -> dict[str, Any]:
    """The figures (see the module docstring)."""
    return asyncio.run(_run(ns, model))
