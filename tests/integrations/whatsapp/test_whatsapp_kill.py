"""A real `roost run` on WhatsApp killed with SIGKILL while signed webhooks arrive: every message answered."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.core.pipeline.conftest import RunningRoost, roost_env, wait_for
from tests.fakes.whatsapp_server import FakeWhatsApp
from tests.helpers.configdir import write_config
from tests.integrations.whatsapp.conftest import ECHO, whatsapp_section

ROUNDS = 10
PER_ROUND = 12
CUSTOMERS = ("4915100000001", "4915100000002", "4915100000003")


class MetaInThread:
    """The fake Graph API and Meta's webhook caller on an event loop of their own."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.fake = FakeWhatsApp()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.call(self.fake.start())

    def call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def says(self, text: str, wa_id: str) -> None:
        async def push() -> None:
            self.fake.push(self.fake.inbound(text, wa_id=wa_id))
        self.call(push())

    def stop(self) -> None:
        self.call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_sigkill_while_webhooks_arrive_loses_none_and_doubles_at_most_one_per_chat_per_kill(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    meta = MetaInThread()
    fake = meta.fake
    port = _free_port()
    fake.webhook_url = f"http://127.0.0.1:{port}/api/whatsapp/webhook"
    config = tmp_path / "config"
    write_config(config, "roost: {log_level: info}\n" + whatsapp_section(fake) + f"http:\n  port: {port}\n" + ECHO)
    config.chmod(0o700)
    log = tmp_path / "roost.log"
    asked: dict[str, list[str]] = {c: [] for c in CUSTOMERS}
    counter = 0
    try:
        for round_no in range(ROUNDS):
            run = RunningRoost(config, log, roost_env())
            for _ in range(PER_ROUND):
                customer = rng.choice(CUSTOMERS)
                text = f"m-{counter:04d}"
                counter += 1
                asked[customer].append(text)
                meta.says(text, customer)
                time.sleep(rng.uniform(0, 0.08))
            wait_for(lambda run=run, n=round_no: run.output().count("Roost started") > n or run.proc.poll() is not None,
                     30, f"roost to start (seed {seed})")
            time.sleep(rng.uniform(0.0, 0.4))
            run.kill()
        final = RunningRoost(config, log, roost_env())
        wanted = {f"echo: {t}" for texts in asked.values() for t in texts}
        wait_for(lambda: wanted <= {m["text"]["body"] for m in fake.sent} or final.proc.poll() is not None, 90,
                 f"every message answered (seed {seed})")
        time.sleep(1.0)
        assert final.terminate() == 0, log.read_text()[-3000:]
    finally:
        meta.stop()
    output = log.read_text()
    assert "Traceback" not in output, output[-4000:]
    sent = Counter((m["to"], m["text"]["body"]) for m in fake.sent)
    duplicates = sum(n - 1 for n in sent.values())
    assert duplicates <= ROUNDS * len(CUSTOMERS), f"{duplicates} replies sent twice in {ROUNDS} kills (seed {seed})"
    for customer, texts in asked.items():
        first_seen = list(dict.fromkeys(m["text"]["body"] for m in fake.sent if m["to"] == customer))
        assert first_seen == [f"echo: {t}" for t in texts], f"{customer} out of order (seed {seed})"
    print(f"seed {seed}: {counter} messages, {ROUNDS} kills, {duplicates} replies sent twice")
