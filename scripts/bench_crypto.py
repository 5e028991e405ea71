"""Benchmark of encryption at rest: per-value encrypt/decrypt cost and key file opening."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.crypto import Cipher, NullCipher, load_or_create  # noqa: E402


def _per_call_us(fn, count: int) -> float:
    """Mean microseconds per call over `count` calls (best of 3 runs)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for i in range(count):
            fn(i)
        best = min(best, time.perf_counter() - start)
    return best / count * 1e6


def run(args: argparse.Namespace | None = None) -> dict:
    """Measure and return the figures (µs per 200-byte value, key file open time)."""
    count = getattr(args, "count", None) or 100_000
    size = getattr(args, "size", None) or 200
    value = os.urandom(size)
    with tempfile.TemporaryDirectory() as tmp:
        old = os.environ.get("ROOST_DEVICE_ID")
        os.environ["ROOST_DEVICE_ID"] = "bench-device"
        try:
            start = time.perf_counter()
            ring = load_or_create(tmp, passphrase="")
            create_ms = (time.perf_counter() - start) * 1e3
            start = time.perf_counter()
            ring = load_or_create(tmp, passphrase="")
            open_ms = (time.perf_counter() - start) * 1e3
        finally:
            if old is None:
                os.environ.pop("ROOST_DEVICE_ID", None)
            else:
                os.environ["ROOST_DEVICE_ID"] = old
    cipher, null = Cipher(ring), NullCipher()
    blobs = [cipher.encrypt(value, table="inbox", row=i, column="text") for i in range(count)]
    enc = _per_call_us(lambda i: cipher.encrypt(value, table="inbox", row=i, column="text"), count)
    dec = _per_call_us(lambda i: cipher.decrypt(blobs[i], table="inbox", row=i, column="text"), count)
    nul = _per_call_us(lambda i: null.encrypt(value, table="inbox", row=i, column="text"), count)
    return {
        "value_bytes": size,
        "encrypt_us": round(enc, 3),
        "decrypt_us": round(dec, 3),
        "null_encrypt_us": round(nul, 3),
        "encrypts_per_s_one_core": round(1e6 / enc),
        "key_file_create_ms": round(create_ms, 1),
        "key_file_open_ms": round(open_ms, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=200)
    print(orjson.dumps(run(parser.parse_args()), option=orjson.OPT_INDENT_2).decode())
