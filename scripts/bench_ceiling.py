"""Benchmark: the ceiling of this machine for a WebSocket chat gateway's work, with nothing of Roost in it.

A bare aiohttp socket (a process of its own) that decodes each JSON frame, encrypts its text with
AES-256-GCM, group-commits one row per message to SQLite (WAL, synchronous=FULL; the rows that
arrived while the last commit ran go in the next) and answers each frame once its row is
durable; loaded by scripts/ws_load_client.py (another process) exactly as `bench.py ws` loads
Roost. Every WebSocket throughput figure is divided by this one, measured in the same run.

With --replies the same server writes and sends the least that Roost's promises allow: each
reply, encrypted, is stored in the commit of its message (it is durable before it is sent), its
delivery is recorded in the next commit (an outbox a restart can drain), and a chat (here a
connection) has at most one reply sent whose delivery is not yet recorded, so that a kill
repeats at most one send per chat; its next reply goes once that record is committed. It tells
what those promises cost on this machine, apart from what Roost's code costs. --sends-per-chat N
lets N go (0: all that are stored), to tell what the last promise costs. With --pieces it also
does Roost's own content work for each message (``Message.create``, the pii sanitizer's sanitize
and scrub, the reply from Roost's template): what a message path built like this server would cost.
With --rate the connections together offer that many messages a second (open loop), for the
time to answer at a steady pace rather than the most messages a second.

    python scripts/bench_ceiling.py [--messages 20000] [--connections 10] [--window 32]
        [--replies [--sends-per-chat 1]] [--pieces] [--rate MSG_PER_S]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class _RoostPieces:
    """Roost's own per-message content work (--pieces): the message, the pii sanitizer, the reply's template."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT))
        from core.automation.templates import Template
        from core.message import Message
        from integrations.pii.engine import PiiSanitizer
        from integrations.pii.vault import InMemoryVault

        self.create = Message.create
        self.pii = PiiSanitizer({}, vault=InMemoryVault(), hash_key=os.urandom(32))
        self.template = Template("re: {{ trigger.text }}")

    async def read(self, text: str) -> None:
        """What Roost does with an incoming text before it is stored (here only its cost counts)."""
        message = self.create("websocket_chat", "chat", "user", text)
        await self.pii.sanitize(message.text, "websocket_chat:chat")
        self.pii.scrub(message.text)

    def reply(self, text: str) -> str:
        """The reply, from Roost's template."""
        return self.template.render({"trigger": {"text": text}})


def _serve(port: int, database: str, replies: bool, pieces: _RoostPieces | None, sends_per_chat: int) -> None:
    """The bare server (run with --serve)."""
    import orjson
    from aiohttp import web
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    cipher = AESGCM(os.urandom(32))
    conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    if replies:
        conn.execute("CREATE TABLE IF NOT EXISTS replies (id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL,"
                     " body BLOB NOT NULL, delivered_at REAL)")
        conn.execute("CREATE INDEX IF NOT EXISTS replies_pending ON replies (id) WHERE delivered_at IS NULL")
    pending: list[tuple[Any, Any, str, bytes]] = []
    delivered: list[tuple[float, int]] = []  # (when, reply id): sent, delivery not yet recorded
    outgoing: dict[Any, collections.deque[tuple[int, Any, str]]] = {}  # per chat: replies stored, not sent
    wake = asyncio.Event()
    ids = itertools.count(1)

    def reply(text: str) -> str:
        return "re: " + text if pieces is None else pieces.reply(text)

    def seal(text: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + cipher.encrypt(nonce, text.encode(), None)

    def commit(rows: list[tuple[int, bytes]], answers: list[tuple[int, int, bytes]],
               records: list[tuple[float, int]]) -> None:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO messages (id, body) VALUES (?, ?)", rows)
        if replies:
            conn.executemany("INSERT INTO replies (id, message_id, body) VALUES (?, ?, ?)", answers)
            conn.executemany("UPDATE replies SET delivered_at = ? WHERE id = ?", records)
        conn.execute("COMMIT")

    async def committer() -> None:
        while True:
            await wake.wait()
            wake.clear()
            batch, records = pending[:], delivered[:]
            pending.clear()
            delivered.clear()
            rows = [(next(ids), item[3]) for item in batch]
            texts = [reply(item[2]) for item in batch]
            answers = [(row_id, row_id, seal(text))
                       for (row_id, _), text in zip(rows, texts, strict=True)] if replies else []
            await asyncio.to_thread(commit, rows, answers, records)
            if not replies:
                for (ws, msg_id, _, _), text in zip(batch, texts, strict=True):
                    await ws.send_str(orjson.dumps({"id": msg_id, "text": text}).decode())
                continue
            for (ws, msg_id, _, _), (row_id, _), text in zip(batch, rows, texts, strict=True):
                outgoing.setdefault(ws, collections.deque()).append((row_id, msg_id, text))
            now = time.time()
            for ws, queue in list(outgoing.items()):  # each send before this commit is recorded now
                for _ in range(min(len(queue), sends_per_chat or len(queue))):
                    row_id, msg_id, text = queue.popleft()
                    await ws.send_str(orjson.dumps({"id": msg_id, "text": text}).decode())
                    delivered.append((now, row_id))
                if not queue:
                    del outgoing[ws]
            if delivered:
                wake.set()

    async def chat(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for frame in ws:
            data = orjson.loads(frame.data)
            if pieces is not None:
                await pieces.read(data["text"])
            pending.append((ws, data["id"], data["text"], seal(data["text"])))
            wake.set()
        return ws

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/api/chat", chat)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        task = asyncio.get_running_loop().create_task(committer())
        print("READY", flush=True)
        await asyncio.Event().wait()
        task.cancel()

    asyncio.run(main())


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(url: str, *, protocol: str, connections: int, messages: int, window: int, rate: float | None = None,
         token: str = "") -> dict[str, Any]:
    """Run scripts/ws_load_client.py against url; its figures."""
    argv = [sys.executable, str(ROOT / "scripts" / "ws_load_client.py"), url, "--protocol", protocol,
            "--connections", str(connections), "--messages", str(messages), "--window", str(window),
            "--token", token]
    if rate:
        argv += ["--rate", str(rate)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=True)
    return dict(json.loads(done.stdout))


def run(args: argparse.Namespace | Sequence[str] | None = None) -> dict[str, Any]:
    """Start the bare server, load it, report messages/s, latency and its CPU per message."""
    ns = args if isinstance(args, argparse.Namespace) else _parse(args)
    with tempfile.TemporaryDirectory(prefix="roost-ceiling-") as folder:
        port = free_port()
        flags = [flag for flag, on in (("--replies", ns.replies), ("--pieces", ns.pieces)) if on]
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port), str(Path(folder) / "c.db"),
                                   str(ns.sends_per_chat), *flags], stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "READY"
            before = cpu_seconds(server.pid)
            result = load(f"http://127.0.0.1:{port}", protocol="chat", connections=ns.connections,
                          messages=ns.messages, window=ns.window, rate=ns.rate)
            result["server_cpu_us_per_message"] = round((cpu_seconds(server.pid) - before) * 1e6 / result["messages"], 1)
        finally:
            server.terminate()
            server.wait(10)
    return {"benchmark": "ceiling", "replies": ns.replies, "sends_per_chat": ns.sends_per_chat if ns.replies else None,
            "pieces": ns.pieces, "connections": ns.connections, "window": ns.window, "rate": ns.rate, **result}


def _parse(args: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--replies", action="store_true",
                        help="also store each reply with its message, send it, record its delivery (Roost's promises)")
    parser.add_argument("--sends-per-chat", type=int, default=1,
                        help="with --replies: replies a chat may have sent but not recorded (0: no limit)")
    parser.add_argument("--pieces", action="store_true",
                        help="also do Roost's content work for each message (message, pii sanitizer, template)")
    parser.add_argument("--rate", type=float, default=None,
                        help="messages a second the connections offer together (default: as fast as answered)")
    return parser.parse_args(args)


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "--serve":
        _serve(int(sys.argv[2]), sys.argv[3], replies="--replies" in sys.argv[5:],
               pieces=_RoostPieces() if "--pieces" in sys.argv[5:] else None, sends_per_chat=int(sys.argv[4]))
    else:
        print(json.dumps(run(sys.argv[1:]), indent=2))

