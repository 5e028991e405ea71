"""Benchmark: Roost over its WebSockets, against the ceiling measured in the same run.

`roost run` (a process tree of its own: the gateway and its store writer) on a temporary
configuration: encryption on, the pii sanitizer on, the reply automation of the e2e benchmark
for both sockets. scripts/ws_load_client.py (another process) loads the plain chat socket and the
Home Assistant socket (`call_service roost.send_message` with `return_response`): 1 and 10
connections, closed loop (one message at a time) and pipelined (32 outstanding per
connection). Reported for each: messages/s, p50/p99 time to answer, CPU per message of the
gateway and of the writer, and the ratio to `bench.py ceiling` (the targets' yardstick) and to
`ceiling --replies --pieces` (the bare server keeping Roost's promises and doing its content
work: what a message path could reach here, to tell the promises' cost from the code's). Each
yardstick runs before and after Roost's runs, and their mean divides: the host drifts. Also:
start to ready (the first WebSocket handshake that succeeds), idle RSS of the process tree, and
the latency at a steady 1,200 messages/s offered over the chat socket, beside that of
`ceiling --replies --pieces` offered the same pace (its p50 and p99, before and after, and their
means): a slow phase of the host lengthens both.

    python scripts/bench_ws.py [--messages 10000] [--closed-messages 2000] [--ceiling-messages 30000]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ceiling import cpu_seconds, free_port, load  # noqa: E402
from bench_ceiling import run as ceiling  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ROOST = [sys.executable, "-c", "import sys; from core.launch import main; sys.exit(main())"]
"""`roost` as its console script starts it, but from this checkout: the console script imports whatever checkout is
installed (editable), so a benchmark run from another worktree (an A/B) would measure that one's code."""
CONFIG = """\
    roost: {{log_level: warning}}
    http: {{port: {port}}}
    websocket_api:
    pii: {{}}
    automations:
      - id: reply
        mode: queued
        max: 100000
        triggers: [{{trigger: message, platform: [websocket_chat, websocket]}}]
        actions: [{{reply: "re: {{{{ trigger.text }}}}"}}]
    """
TARGETS = {"pipelined_10_vs_ceiling": 0.5, "p99_ms_at_1200": 5.0, "start_to_ready_s": 0.6}
STEADY_RATE, STEADY_WINDOW = 1200, 64
"""The steady load: messages a second offered over 10 connections, and the most outstanding on one."""


def _rss_mib(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def _tree(pid: int) -> list[int]:
    children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [pid, *children]


async def _ready(url: str, token: str, deadline: float) -> None:
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                ws = await session.ws_connect(f"{url}/api/chat?access_token={token}")
                await ws.close()
                return
            except (aiohttp.ClientError, OSError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.005)


def run(args: argparse.Namespace | Sequence[str] | None = None) -> dict[str, Any]:
    """Start Roost, load both sockets, compare with the ceiling."""
    ns = args if isinstance(args, argparse.Namespace) else _parse(args)
    before = _ceilings(ns)
    result: dict[str, Any] = {"benchmark": "ws"}
    with tempfile.TemporaryDirectory(prefix="roost-ws-") as folder:
        config, port = Path(folder), free_port()
        (config / "configuration.yaml").write_text(textwrap.dedent(CONFIG.format(port=port)))
        token = subprocess.run([*ROOST, "token", "create", "bench", "--config", str(config)], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        roost = subprocess.Popen([*ROOST, "run", "--config", str(config)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        try:
            asyncio.run(_ready(url, token, started + 30))
            result["start_to_ready_s"] = round(time.monotonic() - started, 3)
            time.sleep(3)
            tree = _tree(roost.pid)
            result["idle_tree_rss_mib"] = round(sum(_rss_mib(pid) for pid in tree), 1)
            runs = []
            for protocol in ("chat", "ha"):
                for connections in (1, 10):
                    for window, messages in ((1, ns.closed_messages), (32, ns.messages)):
                        runs.append(_measured(url, token, tree, protocol, connections, window, messages))
            result["runs"] = runs
            result["chat_at_1200_per_s"] = _measured(url, token, tree, "chat", 10, STEADY_WINDOW, ns.messages,
                                                     rate=STEADY_RATE)
        finally:
            roost.terminate()
            roost.wait(30)
    after = _ceilings(ns)
    for name in before:
        figures = ("p50_ms", "p99_ms") if before[name]["rate"] else ("messages_per_s",)
        result[name] = {**{key: round((before[name][key] + after[name][key]) / 2, 2) for key in figures},
                        "before": before[name], "after": after[name]}
    ceiling_rate, promises_rate = (result[name]["messages_per_s"] for name in ("ceiling", "ceiling_with_promises"))
    steady = result["chat_at_1200_per_s"]
    steady["p99_vs_ceiling_with_promises"] = round(steady["p99_ms"] / result["ceiling_with_promises_at_1200"]["p99_ms"], 2)
    for item in result["runs"]:
        item["vs_ceiling"] = round(item["messages_per_s"] / ceiling_rate, 3)
        item["vs_ceiling_with_promises"] = round(item["messages_per_s"] / promises_rate, 3)
    pipelined = next(r for r in result["runs"] if r["protocol"] == "chat" and r["connections"] == 10 and r["window"] > 1)
    result["targets"] = {
        "pipelined_10_vs_ceiling": [pipelined["vs_ceiling"], TARGETS["pipelined_10_vs_ceiling"]],
        "p99_ms_at_1200": [result["chat_at_1200_per_s"]["p99_ms"], TARGETS["p99_ms_at_1200"]],
        "start_to_ready_s": [result["start_to_ready_s"], TARGETS["start_to_ready_s"]],
    }
    return result


def _ceilings(ns: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """The yardsticks once: the plain ceiling, and the one keeping Roost's promises (as fast as answered, and paced)."""
    promises = ["--replies", "--pieces"]
    return {"ceiling": ceiling(["--messages", str(ns.ceiling_messages)]),
            "ceiling_with_promises": ceiling(["--messages", str(ns.ceiling_messages), *promises]),
            "ceiling_with_promises_at_1200": ceiling(["--messages", str(ns.messages), *promises, "--rate",
                                                      str(STEADY_RATE), "--window", str(STEADY_WINDOW)])}


def _measured(url: str, token: str, tree: list[int], protocol: str, connections: int, window: int,
              messages: int, rate: float | None = None) -> dict[str, Any]:
    before = [cpu_seconds(pid) for pid in tree]
    figures = load(url, protocol=protocol, connections=connections, messages=messages, window=window, rate=rate,
                   token=token)
    used = [cpu_seconds(pid) - b for pid, b in zip(tree, before, strict=True)]
    done = figures["messages"]
    return {"protocol": protocol, "connections": connections, "window": window, **figures,
            "gateway_cpu_us_per_message": round(used[0] * 1e6 / done, 1),
            "writer_cpu_us_per_message": round(sum(used[1:]) * 1e6 / done, 1)}


def _parse(args: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--closed-messages", type=int, default=2_000)
    parser.add_argument("--ceiling-messages", type=int, default=30_000,
                        help="messages of each ceiling run (a run under a second drifts with the host)")
    return parser.parse_args(args)


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1:]), indent=2))
