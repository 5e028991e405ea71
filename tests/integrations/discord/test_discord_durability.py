"""Discord when things go wrong: SIGKILL of a real `roost run` while events arrive, a REST outage, streaming."""

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
from tests.fakes.discord_server import FakeDiscord
from tests.helpers.configdir import write_config
from tests.integrations.discord.conftest import ECHO, discord_section
from tests.integrations.telegram.conftest import until
from tests.integrations.telegram.test_telegram_streaming import ASK, SlowModel

ROUNDS = 10
PER_ROUND = 12
CHANNELS = ("1250000000000000001", "1250000000000000002", "1250000000000000003")


class DiscordInThread:
    """The fake Discord on an event loop of its own, for a test that drives subprocesses."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.fake = FakeDiscord()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.call(self.fake.start())

    def call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def says(self, text: str, channel: str) -> None:
        async def say() -> None:
            self.fake.user_says(text, channel_id=channel)
        self.call(say())

    def stop(self) -> None:
        self.call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.mark.slow
def test_sigkill_while_events_arrive_answers_every_message_exactly_once(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    server = DiscordInThread()
    fake = server.fake
    config = tmp_path / "config"
    write_config(config, "roost: {log_level: info}\n" + discord_section(fake) + ECHO)
    config.chmod(0o700)
    log = tmp_path / "roost.log"
    asked: dict[str, list[str]] = {c: [] for c in CHANNELS}
    counter = 0
    try:
        first = RunningRoost(config, log, roost_env())
        wait_for(lambda: fake.sessions, 30, f"roost to identify (seed {seed})")
        first.kill()
        for round_no in range(ROUNDS):
            run = RunningRoost(config, log, roost_env())
            for _ in range(PER_ROUND):
                channel = rng.choice(CHANNELS)
                text = f"m-{counter:04d}"
                counter += 1
                asked[channel].append(text)
                server.says(text, channel)
                time.sleep(rng.uniform(0, 0.08))
            wait_for(lambda run=run, n=round_no: run.output().count("Roost started") > n + 1
                     or run.proc.poll() is not None, 30, f"roost to start (seed {seed})")
            time.sleep(rng.uniform(0.0, 0.4))
            run.kill()
        final = RunningRoost(config, log, roost_env())
        wanted = {f"echo: {t}" for texts in asked.values() for t in texts}
        wait_for(lambda: wanted <= {m["content"] for m in fake.posted} or final.proc.poll() is not None, 90,
                 f"every message answered (seed {seed})")
        time.sleep(1.0)
        assert final.terminate() == 0, log.read_text()[-3000:]
    finally:
        server.stop()
    output = log.read_text()
    assert "Traceback" not in output, output[-4000:]
    posted = Counter((m["channel_id"], m["content"]) for m in fake.posted)
    assert max(posted.values()) == 1, "the enforced nonce keeps every reply single"
    for channel, texts in asked.items():
        assert [m["content"] for m in fake.posted if m["channel_id"] == channel] == [f"echo: {t}" for t in texts]
    assert fake.identifies == 1, "every restart resumed the session"
    print(f"seed {seed}: {counter} messages, {ROUNDS} kills, {fake.resumes} resumes")


@pytest.mark.slow
async def test_replies_made_during_a_rest_outage_all_arrive_in_order(serve_discord, discord) -> None:
    gateway = await serve_discord("dm_policy: open\nrate_limit: 1000")
    discord.rest_down = True
    for n in range(1000):
        await gateway.send("discord", CHANNELS[n % 3], f"reply {n}")
    await until(lambda: not gateway.data["discord"].online, timeout=30)
    await asyncio.sleep(1.0)
    discord.rest_down = False
    await until(lambda: len(discord.posted) >= 1000, timeout=120)
    await asyncio.sleep(0.5)
    assert len(discord.posted) == 1000
    for index, channel in enumerate(CHANNELS):
        assert discord.texts(channel) == [f"reply {n}" for n in range(index, 1000, 3)]


async def test_an_answer_is_streamed_by_edits_with_typing_shown(serve_discord, discord) -> None:
    pieces = [f"word{i} " for i in range(20)]
    await serve_discord(extra=ASK.replace("telegram", "discord"), models=(SlowModel(pieces, 0.05),))
    discord.user_says("tell me")
    await until(lambda: discord.texts() == ["".join(pieces)], timeout=10)
    [message] = discord.posted
    assert 1 <= message.get("edits", 0) <= 8 and discord.typing == ["1250000000000000001"]
