"""A real `roost run` on WhatsApp killed with SIGKILL while signed webhooks arrive: every message answered."""

from __future__ import annotations

import random
import socket
from collections import Counter
from pathlib import Path

import pytest

from tests.fakes.whatsapp_server import FakeWhatsApp
from tests.helpers.configdir import write_config
from tests.helpers.kill_rounds import FakeInThread, final_run, kill_rounds
from tests.integrations.whatsapp.conftest import ECHO, whatsapp_section

ROUNDS = 10
CUSTOMERS = ("4915100000001", "4915100000002", "4915100000003")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_sigkill_while_webhooks_arrive_loses_none_and_doubles_at_most_one_per_chat_per_kill(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    meta = FakeInThread(FakeWhatsApp())
    fake = meta.fake
    port = _free_port()
    fake.webhook_url = f"http://127.0.0.1:{port}/api/whatsapp/webhook"  # Meta keeps calling while roost is down
    config = tmp_path / "config"
    write_config(config, "roost: {log_level: info}\n" + whatsapp_section(fake) + f"http:\n  port: {port}\n" + ECHO)
    config.chmod(0o700)
    log = tmp_path / "roost.log"
    try:
        asked = kill_rounds(config, log, lambda text, wa_id: meta.do(lambda: fake.push(fake.inbound(text, wa_id=wa_id))),
                            CUSTOMERS, random.Random(seed), rounds=ROUNDS)
        final_run(config, log, lambda: {m["text"]["body"] for m in fake.sent},
                  {f"echo: {t}" for texts in asked.values() for t in texts}, f"every message answered (seed {seed})")
    finally:
        meta.stop()
    sent = Counter((m["to"], m["text"]["body"]) for m in fake.sent)
    duplicates = sum(n - 1 for n in sent.values())
    assert duplicates <= ROUNDS * len(CUSTOMERS), f"{duplicates} replies sent twice in {ROUNDS} kills (seed {seed})"
    for customer, texts in asked.items():
        first_seen = list(dict.fromkeys(m["text"]["body"] for m in fake.sent if m["to"] == customer))
        assert first_seen == [f"echo: {t}" for t in texts], f"{customer} out of order (seed {seed})"
    print(f"seed {seed}: {ROUNDS} kills, {duplicates} replies sent twice")
