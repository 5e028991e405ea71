"""A real `roost run` killed with SIGKILL while webhook requests arrive: every request answered 200 runs its automation."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import RunningRoost, roost_env, wait_for
from tests.fakes.telegram_server import FakeTelegram
from tests.helpers.configdir import write_config
from tests.helpers.kill_rounds import FakeInThread, final_run

ROUNDS = 8
HOOK = """
automations:
  - id: door
    triggers: [{trigger: webhook, webhook_id: door-7f3a}]
    actions:
      - send: {platform: telegram, chat_id: "111", text: "door {{ trigger.json.n }}"}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sender(threading.Thread):
    """A program that posts numbered requests one after another, each again until it is answered 200."""

    def __init__(self, url: str, rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.url, self.rng = url, rng
        self.acknowledged: list[int] = []
        self.refused: list[str] = []  # answers other than 200 while Roost listened
        self.stopping = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stopping.is_set():
            request = urllib.request.Request(self.url, data=json.dumps({"n": number}).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    if answer.status == 200 and json.load(answer) == {"ok": True, "stored": True}:
                        self.acknowledged.append(number)
                        number += 1
            except urllib.error.HTTPError as error:
                self.refused.append(f"{error.code} {error.read()[:200]!r}")
            except OSError:  # Roost is down or was killed while answering: send it again
                time.sleep(0.02)
            time.sleep(self.rng.uniform(0, 0.01))


@pytest.mark.slow
def test_sigkill_while_webhooks_arrive_runs_every_acknowledged_request(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    server = FakeInThread(FakeTelegram())
    fake = server.fake
    server.do(fake.chats.__setitem__, 111, {"id": 111, "type": "private", "first_name": "Ann"})
    port = _free_port()
    config = tmp_path / "config"
    write_config(config, f"roost: {{log_level: info}}\nhttp:\n  port: {port}\ntelegram:\n"
                         f"  bot_token: \"{fake.token}\"\n  base_url: {fake.base_url}\n  poll_timeout: 1\n"
                         "  per_chat_interval: 0\n  per_group_interval: 0\n" + HOOK)
    config.chmod(0o700)
    log = tmp_path / "roost.log"
    sender = Sender(f"http://127.0.0.1:{port}/api/webhook/door-7f3a", rng)
    sender.start()
    try:
        for round_no in range(ROUNDS):
            run = RunningRoost(config, log, roost_env())
            wait_for(lambda run=run, seen=round_no: run.output().count("Roost started") > seen
                     or run.proc.poll() is not None, 30, "roost to start")
            time.sleep(rng.uniform(0.1, 0.8))
            run.kill()
        sender.stopping.set()
        sender.join(10)
        assert len(sender.acknowledged) > ROUNDS * 5, f"too few requests answered to test anything (seed {seed})"
        final_run(config, log, lambda: {s.text for s in fake.sent},
                  {f"door {n}" for n in sender.acknowledged}, f"every acknowledged request run (seed {seed})")
    finally:
        sender.stopping.set()
        server.stop()
    assert sender.refused == [], f"refused while listening (seed {seed}): {sender.refused[:5]}"
    print(f"seed {seed}: {ROUNDS} kills, {len(sender.acknowledged)} requests acknowledged")
