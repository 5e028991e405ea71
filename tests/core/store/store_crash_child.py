"""Child process for the crash test: writes rows forever and prints each one once its write returned.

Usage: python store_crash_child.py DB_PATH KEY_HEX ROUND
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[2]), str(HERE)]

from store_ciphers import AesGcmTestCipher  # noqa: E402

from core.store import Store  # noqa: E402


async def main(path: str, key_hex: str, round_id: str) -> None:
    """Run 20 producers that add inbox rows and tasks until killed."""
    store = await Store.open(path, AesGcmTestCipher(bytes.fromhex(key_hex)))
    out = sys.stdout

    async def producer(p: int) -> None:
        i = 0
        while True:
            mid = f"{round_id}-{p}-{i}"
            entry = await store.inbox.receive(
                "crash", mid, f"chat{p}", "u", f"text {mid}", b"raw", time.time()
            )
            out.write(f"inbox {mid} {entry}\n")
            out.flush()
            if i % 5 == 0:
                task = await store.tasks.enqueue(
                    "reply",
                    mid.encode(),
                    priority=p % 3,
                    chat_key=f"chat{p}",
                    lane="crash",
                    idempotency_key=f"task-{mid}",
                )
                out.write(f"task {mid} {task}\n")
                out.flush()
            i += 1

    await asyncio.gather(*(producer(p) for p in range(20)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
