"""Benchmark: lines per second analysed on a generated 1,000,000-line mixed-format log.

    python scripts/bench_logs.py [--lines N] [--window 30m] [--keep]

The log mixes RFC 3164 syslog, nginx access and error logs, JSON lines, Python logging and
RFC 5424 records with varying numbers, IPs, paths and ids, and spans the analysed range (the
window and its four baseline windows), so every line is parsed, templated and counted.
Reading, parsing and analysis run in one thread. The file is analysed `--repeat` times (3) and
the fastest run counts: `lines_per_s` is lines per wall-clock second of that run, and
`lines_per_cpu_s` divides by the least CPU time of a run, which other load on the machine
inflates less.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from integrations.system_check.analyze import analyze, parse_window  # noqa: E402
from integrations.system_check.logfiles import LogSources  # noqa: E402

TARGET_LINES_PER_S = 200_000
USERS = ["root", "admin", "alice", "bob", "deploy", "git", "postgres"]
PATHS = ["/api/users/{n}", "/api/orders/{n}/items", "/static/app.{h}.js", "/health", "/login", "/"]
STATUSES = [200] * 30 + [301, 304, 404, 404, 500, 502]
LEVELS = ["INFO"] * 12 + ["DEBUG"] * 3 + ["WARNING", "ERROR"]


def _ip(rng: random.Random) -> str:
    return f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _line(rng: random.Random, ts: float) -> str:
    kind = rng.randrange(10)
    lt = time.localtime(ts)
    if kind < 3:
        stamp = time.strftime("%b %d %H:%M:%S", lt)
        pid = rng.randint(100, 60000)
        choice = rng.randrange(4)
        if choice == 0:
            msg = f"sshd[{pid}]: Failed password for {rng.choice(USERS)} from {_ip(rng)} port {rng.randint(1024, 65535)} ssh2"
        elif choice == 1:
            msg = f"CRON[{pid}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)"
        elif choice == 2:
            msg = f"kernel: [{rng.uniform(1, 99999):.6f}] eth0: link up, {rng.choice([100, 1000])} Mbps"
        else:
            msg = f"systemd[1]: Started session-{rng.randint(1, 9999)}.scope - Session {rng.randint(1, 9999)} of User {rng.choice(USERS)}."
        return f"{stamp} myhost {msg}"
    if kind < 6:
        stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(ts))
        path = rng.choice(PATHS).format(n=rng.randint(1, 99999), h=f"{rng.getrandbits(32):08x}")
        return (
            f'{_ip(rng)} - - [{stamp}] "GET {path}?page={rng.randint(1, 9)} HTTP/1.1" '
            f'{rng.choice(STATUSES)} {rng.randint(100, 90000)} "-" "Mozilla/5.0 (X11; Linux x86_64)"'
        )
    if kind == 6:
        stamp = time.strftime("%Y/%m/%d %H:%M:%S", lt)
        return (
            f"{stamp} [{rng.choice(['error', 'warn', 'notice'])}] {rng.randint(100, 999)}#0: "
            f"*{rng.randint(1, 99999)} upstream timed out (110: Connection timed out) while reading "
            f'response header from upstream, client: {_ip(rng)}, server: example.org, request: "GET /api HTTP/1.1"'
        )
    if kind == 7:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts * 1000) % 1000:03d}Z"
        return json.dumps(
            {
                "time": stamp,
                "level": rng.choice(["info", "info", "warn", "error"]),
                "msg": f"request {rng.getrandbits(64):016x} finished in {rng.randint(1, 900)} ms",
                "logger": "app.http",
            }
        )
    if kind == 8:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", lt) + f",{int(ts * 1000) % 1000:03d}"
        return (
            f"{stamp} {rng.choice(LEVELS)} app.worker: job {rng.randint(1, 10**6)} for "
            f"{rng.choice(USERS)} done in {rng.uniform(0, 9):.3f}s"
        )
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + "Z"
    return (
        f"<{rng.choice([11, 12, 14, 30])}>1 {stamp} myhost dockerd {rng.randint(100, 999)} - - "
        f"container {rng.getrandbits(48):012x} health check took {rng.randint(1, 500)}ms"
    )


def generate(path: str, lines: int, start: float, end: float, seed: int = 7) -> None:
    """Write `lines` mixed-format log lines with times spread evenly from start to end."""
    rng = random.Random(seed)
    step = (end - start) / lines
    with open(path, "w", encoding="utf-8") as out:
        batch = []
        for i in range(lines):
            batch.append(_line(rng, start + i * step))
            if len(batch) >= 10_000:
                out.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            out.write("\n".join(batch) + "\n")


def run(args: argparse.Namespace | list[str] | None = None) -> dict:
    """Generate the log, analyse it `repeat` times, return the figures of the fastest run."""
    if not isinstance(args, argparse.Namespace):
        args = parse_args(args)
    window = parse_window(args.window)
    now = time.time()
    span = window * 5
    tmpdir = tempfile.mkdtemp(prefix="roost-bench-logs-")
    path = os.path.join(tmpdir, "mixed.log")
    try:
        t0 = time.perf_counter()
        generate(path, args.lines, now - span + 1, now - 1)
        gen_s = time.perf_counter() - t0
        size = os.path.getsize(path)
        runs = []
        for _ in range(max(1, args.repeat)):
            sources = LogSources(ref_time=now, since=now - span)
            t0 = time.perf_counter()
            c0 = time.process_time()
            report = analyze(sources.files_and_patterns([path]), now=now, window=window)
            cpu = time.process_time() - c0
            runs.append((time.perf_counter() - t0, cpu))
    finally:
        if not args.keep:
            try:
                os.remove(path)
                os.rmdir(tmpdir)
            except OSError:
                pass
    elapsed, cpu = min(runs)
    best_cpu = min(c for _, c in runs)
    rate = report.lines_total / elapsed
    return {
        "lines": report.lines_total,
        "bytes": size,
        "runs": len(runs),
        "seconds_per_run": [round(w, 3) for w, _ in runs],
        "cpu_seconds_per_run": [round(c, 3) for _, c in runs],
        "lines_per_s": round(rate),
        "lines_per_cpu_s": round(report.lines_total / best_cpu) if best_cpu > 0 else None,
        "mb_per_s": round(size / elapsed / 1e6, 1),
        "target_lines_per_s": TARGET_LINES_PER_S,
        "meets_target": rate >= TARGET_LINES_PER_S,
        "lines_in_window": report.lines_in_window,
        "undated_lines": report.undated["lines"],
        "generate_seconds": round(gen_s, 1),
        "kept_file": path if args.keep else None,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options of the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--window", default="30m")
    parser.add_argument("--repeat", type=int, default=3, help="analyse the file this many times; best run counts")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    return parser.parse_args(argv)


if __name__ == "__main__":
    print(json.dumps(run(parse_args()), indent=1))
