"""A real `roost run` on Telegram killed with SIGKILL again and again: every update answered, few twice."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from tests.fakes.telegram_server import FakeTelegram
from tests.helpers.configdir import write_config
from tests.helpers.kill_rounds import FakeInThread, final_run, kill_rounds
from tests.integrations.telegram.conftest import ECHO

ROUNDS = 10
CHATS = ("111", "112", "113")


@pytest.mark.slow
def test_sigkill_while_updates_arrive_loses_none_and_doubles_at_most_one_per_chat_per_kill(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    server = FakeInThread(FakeTelegram())
    fake = server.fake
    config = tmp_path / "config"
    section = (f"roost: {{log_level: info}}\ntelegram:\n  bot_token: \"{fake.token}\"\n  base_url: {fake.base_url}\n"
               "  poll_timeout: 1\n  per_chat_interval: 0\n  per_group_interval: 0\n  dm_policy: open\n")
    write_config(config, section + ECHO)
    config.chmod(0o700)
    log = tmp_path / "roost.log"
    try:
        asked = kill_rounds(config, log, lambda text, chat: server.do(fake.user_says, text, user_id=int(chat)),
                            CHATS, random.Random(seed), rounds=ROUNDS)
        final_run(config, log, lambda: {s.text for s in fake.sent},
                  {f"echo: {t}" for texts in asked.values() for t in texts}, f"every update answered (seed {seed})")
    finally:
        server.stop()
    sent = Counter((s.chat_id, s.text) for s in fake.sent)
    duplicates = sum(n - 1 for n in sent.values())
    assert duplicates <= ROUNDS * len(CHATS), f"{duplicates} replies sent twice in {ROUNDS} kills (seed {seed})"
    for chat, texts in asked.items():
        first_seen = list(dict.fromkeys(s.text for s in fake.sent if s.chat_id == int(chat)))
        assert first_seen == [f"echo: {t}" for t in texts], f"chat {chat} out of order (seed {seed})"
    print(f"seed {seed}: {ROUNDS} kills, {duplicates} replies sent twice")
