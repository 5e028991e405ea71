"""Real log files in several formats, with steady traffic and optional planted anomalies.

The analysed range is a 30-minute window and the four windows before it (2.5 hours). Steady
traffic repeats every template at least once per window, so a quiet window has nothing new.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

WINDOW = 1800.0
BASELINE_WINDOWS = 4
SPIKE_TEMPLATE = "sshd: error: kex_exchange_identification: Connection closed by remote host"
NEW_TEMPLATE = "app.db: connection to <IP> refused (pool <ID>)"


def syslog_time(ts: float) -> str:
    """RFC 3164 time in local time: 'Nov 24 03:07:30'."""
    return time.strftime("%b %d %H:%M:%S", time.localtime(ts))


def pylog_time(ts: float) -> str:
    """Python logging's asctime: '2026-11-24 03:07:30,123' (local time)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) + f",{int(ts * 1000) % 1000:03d}"


def clf_time(ts: float) -> str:
    """Access-log time in UTC: '24/Nov/2026:03:07:30 +0000'."""
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(ts))


def nginx_error_time(ts: float) -> str:
    """nginx error-log time (local): '2026/11/24 03:07:30'."""
    return time.strftime("%Y/%m/%d %H:%M:%S", time.localtime(ts))


def iso_utc(ts: float) -> str:
    """'2026-11-24T03:07:30.123Z'."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts * 1000) % 1000:03d}Z"


@dataclass
class LogSet:
    """The files written and the moment the analysis should end."""

    dir: Path
    now: float
    files: dict[str, Path]
    spike_lines: int
    new_lines: int


def _every(now: float, period: float, offset: float, start: float) -> list[float]:
    times = []
    ts = now - offset
    while ts > start:
        times.append(ts)
        ts -= period
    return sorted(times)


def write_logs(
    directory: Path, now: float, *, spike: bool = False, new_template: bool = False
) -> LogSet:
    """Write auth.log (syslog), access.log, app.log (Python logging), app.json and nginx error.log."""
    start = now - WINDOW * (BASELINE_WINDOWS + 1) - 600  # a little history before the range
    directory.mkdir(parents=True, exist_ok=True)
    auth, access, app, jsonl, nginx = [], [], [], [], []
    for i, ts in enumerate(_every(now, 60, 7, start)):
        auth.append(
            (ts, f"{syslog_time(ts)} web1 sshd[{2000 + i}]: Accepted publickey for deploy from "
                 f"10.0.{i % 7}.{i % 250 + 1} port {40000 + i} ssh2")
        )  # fmt: skip
    for i, ts in enumerate(_every(now, 300, 31, start)):
        auth.append(
            (ts, f"{syslog_time(ts)} web1 sshd[{3000 + i}]: error: kex_exchange_identification: "
                 "Connection closed by remote host")
        )  # fmt: skip
    for i, ts in enumerate(_every(now, 10, 3, start)):
        access.append(
            (ts, f'192.168.1.{i % 200 + 1} - - [{clf_time(ts)}] "GET /api/items/{i}?page=2 HTTP/1.1" '
                 f'200 {500 + i % 900} "-" "curl/8.0"')
        )  # fmt: skip
    for i, ts in enumerate(_every(now, 600, 101, start)):
        access.append(
            (ts, f'192.168.1.9 - - [{clf_time(ts)}] "GET /missing/{i}.png HTTP/1.1" 404 153 "-" "curl/8.0"')
        )
    for i, ts in enumerate(_every(now, 30, 11, start)):
        app.append((ts, f"{pylog_time(ts)} INFO app.worker: job {i} done in {i % 9}.{i % 7}s"))
    for i, ts in enumerate(_every(now, 400, 53, start)):
        app.append((ts, f"{pylog_time(ts)} WARNING app.cache: miss ratio {40 + i % 9}% over 5 minutes"))
    for i, ts in enumerate(_every(now, 45, 17, start)):
        jsonl.append(
            (ts, json.dumps({"time": iso_utc(ts), "level": "info", "msg": f"served {i} requests",
                             "logger": "api"}))
        )  # fmt: skip
    for i, ts in enumerate(_every(now, 900, 77, start)):
        jsonl.append(
            (ts, json.dumps({"ts": ts, "level": "error", "msg": f"slow query took {900 + i} ms",
                             "logger": "api.db"}))
        )  # fmt: skip
    for i, ts in enumerate(_every(now, 900, 201, start)):
        nginx.append(
            (ts, f"{nginx_error_time(ts)} [warn] 812#0: *{i} an upstream response is buffered to a "
                 f"temporary file /var/cache/nginx/proxy_temp/{i % 10}/00000{i}, client: 192.168.1.9")
        )  # fmt: skip
    spike_lines = new_lines = 0
    if spike:  # 120 kex errors in the last 10 minutes (usually 6 per window)
        for i in range(120):
            ts = now - 600 + i * 5 + 1
            auth.append(
                (ts, f"{syslog_time(ts)} web1 sshd[{5000 + i}]: error: kex_exchange_identification: "
                     "Connection closed by remote host")
            )  # fmt: skip
        spike_lines = 120
    if new_template:  # an error never seen before, 4 times in the window
        for i in range(4):
            ts = now - 900 + i * 60
            app.append(
                (ts, f"{pylog_time(ts)} ERROR app.db: connection to 10.0.0.{5 + i}:5432 refused "
                     f"(pool p{i}x7f3a9c21)")
            )  # fmt: skip
            if i == 0:  # with a traceback, which must not count as more records
                app.append((ts, "Traceback (most recent call last):"))
                app.append((ts, '  File "/srv/app/db.py", line 12, in connect'))
                app.append((ts, "    raise ConnectionRefusedError(111)"))
                app.append((ts, "ConnectionRefusedError: [Errno 111] Connection refused"))
        new_lines = 4
    files = {}
    for name, entries in (
        ("auth.log", auth), ("access.log", access), ("app.log", app),
        ("app.json", jsonl), ("error.log", nginx),
    ):  # fmt: skip
        entries.sort(key=lambda item: item[0])
        path = directory / name
        path.write_text("\n".join(line for _, line in entries) + "\n", encoding="utf-8")
        files[name] = path
    return LogSet(directory, now, files, spike_lines, new_lines)
