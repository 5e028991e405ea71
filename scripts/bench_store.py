"""Benchmark: durable ingest into the store's inbox, encryption on and off.

Many concurrent producers (default 200) each add messages one after another, awaiting each
add (which returns only once the row is committed with synchronous=FULL); reported are
messages per second and the p50/p99 time from calling ``inbox.receive`` to its return (time to
durable). Encryption uses ``core.crypto.Cipher`` with an in-memory key ring when that package
is present, else an equivalent AES-256-GCM cipher defined here.

    python scripts/bench_store.py [--producers 200] [--messages 40000] [--runs 3]
                                  [--synchronous FULL] [--compare-normal]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.store import Store  # noqa: E402

TARGET_MESSAGES_PER_S = 20_000
TEXT = "Could you check the logs on the NUC and tell me why the backup failed last night?"
RAW = (
    b'{"update_id":912345678,"message":{"message_id":4242,"from":{"id":12345678,"is_bot":false,'
    b'"first_name":"Ada","username":"ada"},"chat":{"id":12345678,"type":"private"},'
    b'"date":1717000000,"text":"Could you check the logs on the NUC and tell me why the backup'
    b' failed last night?"}}'
)


class _AesGcm:
    """AES-256-GCM per value, (table, row, column) as associated data (fallback cipher)."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))

    def encrypt(self, plaintext: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Seal one value."""
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plaintext, f"{table}/{row}/{column}".encode())

    def decrypt(self, blob: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Open one value."""
        return self._aead.decrypt(blob[:12], blob[12:], f"{table}/{row}/{column}".encode())


class _Plain:
    """Encryption off."""

    def encrypt(self, plaintext: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Return plaintext."""
        return plaintext

    def decrypt(self, blob: bytes, *, table: str, row: str | int, column: str) -> bytes:
        """Return blob."""
        return blob


def _encrypting_cipher() -> tuple[Any, str]:
    try:
        from core.crypto import Cipher, KeyRing
        from core.crypto.keyfile import new_data_key
    except ImportError:
        return _AesGcm(), "AES-256-GCM (bench fallback)"
    key = new_data_key()
    return Cipher(KeyRing([key], key.id)), "core.crypto.Cipher (AES-256-GCM)"


def _percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))]


async def _ingest(
    cipher: Any, producers: int, per_producer: int, synchronous: str
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="roost-bench-store-") as tmp:
        store = await Store.open(Path(tmp) / "roost.db", cipher, synchronous=synchronous)
        latencies: list[float] = []
        add = store.inbox.receive
        clock = time.perf_counter

        async def producer(p: int) -> None:
            record = latencies.append
            chat = f"chat-{p % 50}"
            for i in range(per_producer):
                start = clock()
                await add("bench", f"{p}:{i}", chat, "12345678", TEXT, RAW, time.time())
                record(clock() - start)

        await store.inbox.receive("bench", "warm-up", "c", "u", TEXT, RAW, time.time())
        before = store.db.stats()["commits"]
        cpu_before = time.process_time()
        started = clock()
        await asyncio.gather(*(producer(p) for p in range(producers)))
        elapsed = clock() - started
        cpu = time.process_time() - cpu_before
        stats = store.db.stats()
        count = await store.db.fetchone("SELECT COUNT(*) FROM inbox")
        await store.close()
    total = producers * per_producer
    assert count is not None and count[0] == total + 1, f"stored {count}, expected {total + 1}"
    latencies.sort()
    commits = stats["commits"] - before
    return {
        "messages": total,
        "seconds": round(elapsed, 3),
        "messages_per_s": round(total / elapsed),
        # Both threads' CPU time: on a shared machine wall time varies, CPU per message less so.
        "cpu_us_per_message": round(cpu / total * 1e6, 1),
        "p50_ms_to_durable": round(_percentile(latencies, 0.50) * 1000, 2),
        "p99_ms_to_durable": round(_percentile(latencies, 0.99) * 1000, 2),
        "commits": commits,
        "rows_per_commit": round(total / max(commits, 1), 1),
        "synchronous": synchronous,
    }


def _parse(args: argparse.Namespace | Sequence[str] | None) -> argparse.Namespace:
    if isinstance(args, argparse.Namespace):
        return args
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=200)
    parser.add_argument("--messages", type=int, default=40_000, help="total messages per run")
    parser.add_argument("--synchronous", default="FULL", choices=["FULL", "NORMAL"])
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs per mode; the median run (by messages/s) is reported",
    )
    parser.add_argument(
        "--compare-normal",
        action="store_true",
        help="also run encrypted ingest with synchronous=NORMAL",
    )
    return parser.parse_args(list(args) if args is not None else [])


def run(args: argparse.Namespace | Sequence[str] | None = None) -> dict[str, Any]:
    """Run the ingest benchmark and return its figures."""
    ns = _parse(args)
    per_producer = max(1, ns.messages // ns.producers)
    cipher, cipher_name = _encrypting_cipher()
    modes: dict[str, tuple[Any, str]] = {
        "encrypted": (cipher, ns.synchronous),
        "plain": (_Plain(), ns.synchronous),
    }
    if ns.compare_normal:
        modes["encrypted_normal"] = (cipher, "NORMAL")
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in modes}
    for _ in range(max(1, ns.runs)):  # interleaved, so a busy moment hits every mode alike
        for name, (mode_cipher, sync) in modes.items():
            runs[name].append(asyncio.run(_ingest(mode_cipher, ns.producers, per_producer, sync)))
    result: dict[str, Any] = {
        "producers": ns.producers,
        "cipher": cipher_name,
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    for name, results in runs.items():
        ordered = sorted(results, key=lambda r: r["messages_per_s"])
        median = dict(ordered[len(ordered) // 2])
        median["all_runs_messages_per_s"] = [r["messages_per_s"] for r in results]
        result[name] = median
    result["target_messages_per_s"] = TARGET_MESSAGES_PER_S
    result["meets_target"] = result["encrypted"]["messages_per_s"] >= TARGET_MESSAGES_PER_S
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1:]), indent=2))
