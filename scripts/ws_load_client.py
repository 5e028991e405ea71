"""The WebSocket load client of `bench.py ws` and `bench.py ceiling`, run in a process of its own.

    python scripts/ws_load_client.py URL --protocol chat|ha --connections 10 --messages 20000
                                   [--window 1] [--rate MSG_PER_S] [--token TOKEN]

Each connection sends its share of the messages and waits for each answer: with --window 1 one
at a time (closed loop), with a larger window that many outstanding (pipelined); with --rate
the connections together offer that many messages a second (open loop). Prints JSON: messages,
seconds, messages/s, p50 and p99 time to answer in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence

import aiohttp


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def _chat(session: aiohttp.ClientSession, url: str, token: str, count: int, window: int,
                interval: float | None, latencies: list[float], tag: str) -> None:
    ws = await session.ws_connect(f"{url}/api/chat?access_token={token}&conversation={tag}")
    sent: dict[str, float] = {}
    slots = asyncio.Semaphore(window)

    async def read() -> None:
        for _ in range(count):
            answer = json.loads(await ws.receive_str())
            latencies.append(time.perf_counter() - sent.pop(str(answer["id"])))
            slots.release()

    reader = asyncio.get_running_loop().create_task(read())
    start = time.perf_counter()
    for n in range(count):
        await slots.acquire()
        if interval is not None:
            delay = start + n * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        sent[str(n)] = time.perf_counter()
        await ws.send_str(json.dumps({"id": str(n), "text": f"message {n} from {tag}"}))
    await reader
    await ws.close()


async def _ha(session: aiohttp.ClientSession, url: str, token: str, count: int, window: int,
              interval: float | None, latencies: list[float], tag: str) -> None:
    ws = await session.ws_connect(f"{url}/api/websocket", max_msg_size=0)
    await ws.receive_str()
    await ws.send_str(json.dumps({"type": "auth", "access_token": token}))
    assert json.loads(await ws.receive_str())["type"] == "auth_ok"
    sent: dict[int, float] = {}
    slots = asyncio.Semaphore(window)

    async def read() -> None:
        done = 0
        while done < count:
            frame = json.loads(await ws.receive_str())
            for item in frame if isinstance(frame, list) else [frame]:
                if item.get("type") == "result":
                    assert item["success"], item
                    latencies.append(time.perf_counter() - sent.pop(item["id"]))
                    slots.release()
                    done += 1

    reader = asyncio.get_running_loop().create_task(read())
    start = time.perf_counter()
    for n in range(count):
        await slots.acquire()
        if interval is not None:
            delay = start + n * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        sent[n + 1] = time.perf_counter()
        await ws.send_str(json.dumps({"id": n + 1, "type": "call_service", "domain": "roost",
                                      "service": "send_message", "return_response": True,
                                      "service_data": {"text": f"message {n}",
                                                       "conversation_id": f"{tag}-{n % window}"}}))
    await reader
    await ws.close()


async def load(url: str, protocol: str, connections: int, messages: int, window: int, rate: float | None,
               token: str) -> dict[str, float]:
    """Run the load; return its figures."""
    per = messages // connections
    interval = connections / rate if rate else None
    latencies: list[float] = []
    client = _chat if protocol == "chat" else _ha
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session, url, token, per, window, interval, latencies, f"c{i}")
                               for i in range(connections)))
        seconds = time.perf_counter() - started
    done = per * connections
    return {"messages": done, "seconds": round(seconds, 3), "messages_per_s": round(done / seconds, 1),
            "p50_ms": round(_percentile(latencies, 0.5) * 1000, 2), "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2)}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run the load, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--protocol", choices=["chat", "ha"], default="chat")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--window", type=int, default=1)
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--token", default="")
    ns = parser.parse_args(argv)
    result = asyncio.run(load(ns.url, ns.protocol, ns.connections, ns.messages, ns.window, ns.rate, ns.token))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
