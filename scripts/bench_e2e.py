"""Benchmark: messages end to end, from gateway.ingest to the reply delivered to a channel.

A real Gateway on a temporary configuration directory (encryption on, the store's durable
settings: WAL, synchronous=FULL, group commit), one trivial reply automation
(``reply: "re: {{ trigger.text }}"``, mode queued with a max large enough that no run is
skipped while a chat's messages wait in the durable queue) and an in-process channel that records when each reply
arrives. Many concurrent producers (default 200, spread over --chats chats) each ingest their
messages one after another. Reported: messages/s from the first ingest to the last reply
delivered, the ingest-side rate, and time to reply (ingest called → channel.send called) p50
and p99, plus CPU time per message of the gateway process and of the store's writer process
(on a shared machine wall time varies more).

    python scripts/bench_e2e.py [--messages 20000] [--producers 200] [--chats 200]
                                [--workers 64] [--rate MSG_PER_S] [--runs 1] [--profile FILE]
                                [--writer process|thread]

With --rate the producers offer a steady load (time to reply without a backlog); without it
they send as fast as ingest returns (throughput, and time to reply under saturation).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.channel import ChannelInfo, OutboundMessage  # noqa: E402
from core.cli.run_commands import settle_heap, tune_process  # noqa: E402
from core.config import load_config  # noqa: E402
from core.gateway import Gateway  # noqa: E402
from core.loader import discover  # noqa: E402
from core.message import Message  # noqa: E402
from integrations.system_check.status import read_stat  # noqa: E402

TARGET_MESSAGES_PER_S = 10_000
PLATFORM = "bench"


class BenchChannel:
    """An in-process channel: records the arrival time of every reply by its message number."""

    platform = PLATFORM
    info = ChannelInfo(PLATFORM)
    online = True

    def __init__(self, expected: int) -> None:
        self.arrived: dict[int, float] = {}
        self.sends = 0
        self.expected = expected
        self.done = asyncio.Event()

    async def send(self, message: OutboundMessage) -> str:
        """Note when the reply to message N ('re: N') arrived."""
        self.sends += 1
        self.arrived[int(message.text[4:])] = time.perf_counter()
        if len(self.arrived) >= self.expected:
            self.done.set()
        return str(self.sends)


def _config_dir(root: Path, workers: int, synchronous: str, encryption: bool, writer: str = "process") -> Path:
    config_dir = root / "config"
    config_dir.mkdir()
    (config_dir / "integrations").mkdir()
    (config_dir / "configuration.yaml").write_text(textwrap.dedent(f"""\
        roost:
          log_level: warning
        store:
          encryption: {str(encryption).lower()}
          synchronous: {synchronous}
          writer: {writer}
        scheduler:
          workers: {workers}
        automations:
          - id: echo
            mode: queued
            max: 1000000
            triggers:
              - trigger: message
            actions:
              - reply: "re: {{{{ trigger.text }}}}"
        """), encoding="utf-8")
    return config_dir


def _writer_cpu(gateway: Gateway) -> float | None:
    """CPU seconds (user + system) the store's writer process has used; None when it is a thread."""
    pid = gateway.store.db.writer_pid
    stat = None if pid is None else read_stat(pid)
    return None if stat is None else stat[1] / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))] if values else 0.0


async def _once(ns: argparse.Namespace, profile: cProfile.Profile | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="roost-bench-e2e-") as tmp:
        config_dir = _config_dir(Path(tmp), ns.workers, ns.synchronous, not ns.no_encryption, ns.writer)
        no_builtins = Path(tmp) / "no_builtins"  # only the bench channel: no integration is loaded
        no_builtins.mkdir()
        gateway = Gateway(load_config(config_dir), discovery=discover(config_dir, builtins=no_builtins))
        total = ns.messages - ns.messages % ns.producers
        channel = BenchChannel(total)
        gateway.register_channel(channel)
        tune_process()  # the same process settings as `roost run`
        await gateway.start()
        settle_heap()
        try:
            # Warm up (templates compiled, id blocks reserved, caches filled) outside the timing.
            await gateway.ingest(Message(PLATFORM, "warm", "u", "-1", id="warm"))
            await gateway.wait_idle()
            channel.arrived.clear()
            channel.sends = 0
            started_at: list[float] = [0.0] * total
            per_producer = total // ns.producers
            clock = time.perf_counter

            interval = ns.producers / ns.rate if ns.rate else 0.0

            async def producer(p: int) -> None:
                chat = f"chat-{p % ns.chats}"
                due = clock() + interval * p / ns.producers
                for i in range(per_producer):
                    if interval:  # offer a steady load instead of as much as possible
                        due += interval
                        if due > clock():
                            await asyncio.sleep(due - clock())
                    n = p * per_producer + i
                    started_at[n] = clock()
                    await gateway.ingest(Message(PLATFORM, chat, "12345678", str(n), id=str(n)))

            cpu_before = time.process_time()
            writer_before = _writer_cpu(gateway)
            if profile is not None:
                profile.enable()
            started = clock()
            await asyncio.gather(*(producer(p) for p in range(ns.producers)))
            ingested = clock() - started
            await asyncio.wait_for(channel.done.wait(), timeout=ns.timeout)
            elapsed = clock() - started
            if profile is not None:
                profile.disable()
            cpu = time.process_time() - cpu_before
            writer_after = _writer_cpu(gateway)
            writer_cpu = None if writer_before is None or writer_after is None else writer_after - writer_before
            stats = gateway.store.db.stats()
        finally:
            await gateway.stop()
    latencies = sorted(channel.arrived[n] - started_at[n] for n in range(total))
    return {
        "messages": total,
        "seconds": round(elapsed, 3),
        "messages_per_s": round(total / elapsed),
        "ingest_messages_per_s": round(total / ingested),
        "cpu_us_per_message": round(cpu / total * 1e6, 1),
        "writer_cpu_us_per_message": None if writer_cpu is None else round(writer_cpu / total * 1e6, 1),
        "p50_ms_to_reply": round(_percentile(latencies, 0.50) * 1000, 1),
        "p99_ms_to_reply": round(_percentile(latencies, 0.99) * 1000, 1),
        "sends": channel.sends,
        "commits": stats["commits"],
        "writes_per_message": round(stats["operations"] / total, 2),
        "rows_per_commit": round(stats["operations"] / max(stats["commits"], 1), 1),
    }


def _parse(args: argparse.Namespace | Sequence[str] | None) -> argparse.Namespace:
    if isinstance(args, argparse.Namespace):
        return args
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--producers", type=int, default=200)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--workers", type=int, default=64, help="scheduler workers")
    parser.add_argument("--synchronous", default="FULL", choices=["FULL", "NORMAL"])
    parser.add_argument("--rate", type=float, default=0.0,
                        help="offered messages/s in total (default 0: as fast as possible)")
    parser.add_argument("--no-encryption", action="store_true")
    parser.add_argument("--writer", default="process", choices=["process", "thread"],
                        help="where the store's writes run (store: writer)")
    parser.add_argument("--runs", type=int, default=1, help="runs; the median (by messages/s) is reported")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--profile", default=None, help="write cProfile stats of the timed part here")
    return parser.parse_args(list(args) if args is not None else [])


def run(args: argparse.Namespace | Sequence[str] | None = None) -> dict[str, Any]:
    """Run the end-to-end benchmark and return its figures."""
    ns = _parse(args)
    if not any(Path(p).is_file() for p in ("/etc/machine-id", "/var/lib/dbus/machine-id")):
        os.environ.setdefault("ROOST_DEVICE_ID", "bench-e2e-device")  # a container: no machine id
    profile = cProfile.Profile() if ns.profile else None
    results = [asyncio.run(_once(ns, profile)) for _ in range(max(1, ns.runs))]
    if profile is not None:
        profile.dump_stats(ns.profile)
    ordered = sorted(results, key=lambda r: r["messages_per_s"])
    result: dict[str, Any] = dict(ordered[len(ordered) // 2])
    result.update({
        "all_runs_messages_per_s": [r["messages_per_s"] for r in results],
        "producers": ns.producers,
        "chats": ns.chats,
        "workers": ns.workers,
        "offered_rate": ns.rate or "unlimited",
        "encryption": not ns.no_encryption,
        "synchronous": ns.synchronous,
        "writer": ns.writer,
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "target_messages_per_s": TARGET_MESSAGES_PER_S,
    })
    result["meets_target"] = result["messages_per_s"] >= TARGET_MESSAGES_PER_S
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1:]), indent=2))
