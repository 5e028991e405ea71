"""A real `roost run` on Telegram killed with SIGKILL again and again: every update answered, few twice."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.core.pipeline.conftest import RunningRoost, roost_env, wait_for
from tests.fakes.telegram_server import FakeTelegram
from tests.helpers.configdir import write_config

ROUNDS = 10
PER_ROUND = 12
CHATS = (111, 112, 113)


class FakeInThread:
    """The fake Bot API on an event loop of its own, for a test that drives subprocesses."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.fake = FakeTelegram()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.call(self.fake.start())

    def call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def user_says(self, text: str, user_id: int) -> None:
        async def say() -> None:
            self.fake.user_says(text, user_id=user_id)
        self.call(say())

    def stop(self) -> None:
        self.call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.mark.slow
def test_sigkill_while_updates_arrive_loses_none_and_doubles_at_most_one_per_chat_per_kill(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    server = FakeInThread()
    fake = server.fake
    config = tmp_path / "config"
    write_config(config, f"""
        roost: {{log_level: info}}
        telegram:
          bot_token: "{fake.token}"
          base_url: {fake.base_url}
          poll_timeout: 1
          per_chat_interval: 0
          per_group_interval: 0
          dm_policy: open
        automations:
          - id: echo
            mode: queued
            triggers: [{{trigger: message, platform: telegram}}]
            actions: [{{reply: "echo: {{{{ trigger.text }}}}"}}]
        """)
    config.chmod(0o700)
    log = tmp_path / "roost.log"
    asked: dict[int, list[str]] = {chat: [] for chat in CHATS}
    counter = 0
    try:
        for round_no in range(ROUNDS):
            run = RunningRoost(config, log, roost_env())
            for _ in range(PER_ROUND):
                chat = rng.choice(CHATS)
                text = f"m-{counter:04d}"
                counter += 1
                asked[chat].append(text)
                server.user_says(text, chat)
                time.sleep(rng.uniform(0, 0.08))
            wait_for(lambda run=run, n=round_no: run.output().count("Roost started") > n or run.proc.poll() is not None,
                     30, f"roost to start (seed {seed})")
            time.sleep(rng.uniform(0.0, 0.4))
            run.kill()
        final = RunningRoost(config, log, roost_env())
        wanted = {f"echo: {t}" for texts in asked.values() for t in texts}
        wait_for(lambda: wanted <= {s.text for s in fake.sent} or final.proc.poll() is not None, 60,
                 f"every update answered (seed {seed})")
        time.sleep(1.5)  # nothing more may arrive
        assert final.terminate() == 0, log.read_text()[-3000:]
    finally:
        server.stop()
    output = log.read_text()
    assert "Traceback" not in output, output[-4000:]
    sent = Counter((s.chat_id, s.text) for s in fake.sent)
    duplicates = sum(n - 1 for n in sent.values())
    assert duplicates <= ROUNDS * len(CHATS), f"{duplicates} replies sent twice in {ROUNDS} kills (seed {seed})"
    for chat, texts in asked.items():
        first_seen = list(dict.fromkeys(s.text for s in fake.sent if s.chat_id == chat))
        assert first_seen == [f"echo: {t}" for t in texts], f"chat {chat} out of order (seed {seed})"
    print(f"seed {seed}: {counter} updates, {ROUNDS} kills, {duplicates} replies sent twice")
