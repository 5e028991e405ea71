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
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class _Flow:
    """One connection's traffic: at most `window` messages outstanding, paced at `interval` if set."""

    def __init__(self, count: int, window: int, interval: float | None, latencies: list[float],
                 phase: float = 0.0) -> None:
        self.count, self.interval, self.latencies, self.phase = count, interval, latencies, phase
        self.sent: dict[Any, float] = {}
        self.slots = asyncio.Semaphore(window)

    def answered(self, key: Any) -> None:
        """An answer to the message sent under key arrived."""
        self.latencies.append(time.perf_counter() - self.sent.pop(key))
        self.slots.release()

    async def run(self, send: Callable[[int, Any], Awaitable[None]], read: Callable[[], Awaitable[None]],
                  key: Callable[[int], Any]) -> None:
        """Send count messages (send(n, key)) while read() collects the answers."""
        reader = asyncio.get_running_loop().create_task(read())
        start = time.perf_counter() + self.phase
        for n in range(self.count):
            await self.slots.acquire()
            if self.interval is not None:
                delay = start + n * self.interval - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            self.sent[key(n)] = time.perf_counter()
            await send(n, key(n))
        await reader


async def _chat(session: aiohttp.ClientSession, url: str, token: str, flow: _Flow, window: int, tag: str) -> None:
    ws = await session.ws_connect(f"{url}/api/chat?access_token={token}&conversation={tag}")

    async def send(n: int, key: str) -> None:
        await ws.send_str(json.dumps({"id": key, "text": f"message {n} from {tag}"}))

    async def read() -> None:
        for _ in range(flow.count):
            flow.answered(json.loads(await ws.receive_str())["id"])

    await flow.run(send, read, str)
    await ws.close()


async def _ha(session: aiohttp.ClientSession, url: str, token: str, flow: _Flow, window: int, tag: str) -> None:
    ws = await session.ws_connect(f"{url}/api/websocket", max_msg_size=0)
    await ws.receive_str()
    await ws.send_str(json.dumps({"type": "auth", "access_token": token}))
    assert json.loads(await ws.receive_str())["type"] == "auth_ok"

    async def send(n: int, key: int) -> None:
        await ws.send_str(json.dumps({"id": key, "type": "call_service", "domain": "roost", "service": "send_message",
                                      "return_response": True, "service_data": {
                                          "text": f"message {n}", "conversation_id": f"{tag}-{n % window}"}}))

    async def read() -> None:
        done = 0
        while done < flow.count:
            frame = json.loads(await ws.receive_str())
            for item in frame if isinstance(frame, list) else [frame]:
                if item.get("type") == "result":
                    assert item["success"], item
                    flow.answered(item["id"])
                    done += 1

    await flow.run(send, read, lambda n: n + 1)
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
        # Paced connections start a fraction of the interval apart: together a steady rate, not bursts.
        phases = [i * interval / connections if interval else 0.0 for i in range(connections)]
        await asyncio.gather(*(client(session, url, token, _Flow(per, window, interval, latencies, phases[i]),
                                      window, f"c{i}") for i in range(connections)))
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
