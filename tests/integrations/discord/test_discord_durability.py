"""Discord when things go wrong: SIGKILL of a real `roost run` while events arrive, a REST outage, streaming."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import RunningRoost, roost_env, wait_for
from tests.fakes.discord_server import FakeDiscord, RestFailure
from tests.helpers.configdir import replying, write_config
from tests.helpers.kill_rounds import FakeInThread, final_run, kill_rounds
from tests.integrations.discord.conftest import ECHO, discord_section
from tests.integrations.telegram.conftest import until
from tests.integrations.telegram.test_telegram_streaming import ASK, SlowModel

ROUNDS = 10
CHANNELS = ("1250000000000000001", "1250000000000000002", "1250000000000000003")


@pytest.mark.slow
def test_sigkill_while_events_arrive_answers_every_message_exactly_once(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    server = FakeInThread(FakeDiscord())
    fake = server.fake
    config = tmp_path / "config"
    write_config(config, "roost: {log_level: info}\n" + discord_section(fake) + ECHO)
    config.chmod(0o700)
    log = tmp_path / "roost.log"
    try:
        # A session to resume is saved before the rounds: roost saves it after READY, and a kill before that
        # would start a new session, which Discord does not replay the old one's events into. Once a first
        # message is answered, READY was handled (and saved) long before.
        first = RunningRoost(config, log, roost_env())
        wait_for(lambda: fake.sessions, 30, f"roost to identify (seed {seed})")
        server.do(fake.user_says, "m-first", channel_id=CHANNELS[0])
        wait_for(lambda: fake.posted, 30, f"the first answer (seed {seed})")
        first.kill()
        asked = kill_rounds(config, log, lambda text, channel: server.do(fake.user_says, text, channel_id=channel),
                            CHANNELS, random.Random(seed), rounds=ROUNDS, starts_before=1)
        asked[CHANNELS[0]].insert(0, "m-first")
        final_run(config, log, lambda: {m["content"] for m in fake.posted},
                  {f"echo: {t}" for texts in asked.values() for t in texts}, f"every message answered (seed {seed})")
    finally:
        server.stop()
    posted = Counter((m["channel_id"], m["content"]) for m in fake.posted)
    assert max(posted.values()) == 1, "the enforced nonce keeps every reply single"
    for channel, texts in asked.items():
        assert [m["content"] for m in fake.posted if m["channel_id"] == channel] == [f"echo: {t}" for t in texts]
    assert fake.identifies == 1, "every restart resumed the session"
    print(f"seed {seed}: {ROUNDS} kills, {fake.resumes} resumes")


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


TABLE = "Prices:\n\n| Item | Price |\n|---|---|\n| Rye **bread** | 4.20 |\n\n**Fresh** daily."
COLUMNS = "Prices:\n\n```\nItem      | Price\n----------+------\nRye bread | 4.20\n```\n\n**Fresh** daily."


@pytest.mark.parametrize(("section", "shown"), [
    ("dm_policy: open", COLUMNS),  # Discord shows Markdown, but no tables: those go in columns
    ("dm_policy: open\nformat_answers: false", TABLE),
])
async def test_a_models_table_is_posted_in_columns(serve_discord, discord, section: str, shown: str) -> None:
    await serve_discord(section, extra=ASK.replace("telegram", "discord"),
                        models=(SlowModel([TABLE[:30], TABLE[30:]], 0.05),))
    discord.user_says("prices?")
    await until(lambda: discord.texts() == [shown], timeout=10)


async def test_an_automations_table_is_posted_as_written(serve_discord, discord) -> None:
    await serve_discord(extra=replying("discord", TABLE))
    discord.user_says("prices?")
    await until(lambda: discord.texts() == [TABLE], timeout=10)


async def test_a_message_a_cut_answer_left_that_its_next_try_does_not_need_is_deleted(serve_discord,
                                                                                       discord) -> None:
    pieces = ["x" * 99 + " " for _ in range(40)]  # 4,000 characters: three messages, the second after 2 s of 4
    extra = "roost: {stop_timeout: 0.5}\n" + ASK.replace("telegram", "discord")
    gateway = await serve_discord(extra=extra, models=(SlowModel(pieces, 0.1),))
    discord.user_says("tell me")
    await until(lambda: len(discord.texts()) == 2, timeout=10)  # two seconds of the answer still to come
    await gateway.stop()
    await serve_discord(extra=extra, models=(SlowModel(["a short answer"], 0.02),))
    await until(lambda: discord.texts() == ["a short answer"], timeout=10)


async def test_typing_is_shown_again_while_the_answer_has_not_begun(serve_discord, discord) -> None:
    gateway = await serve_discord(extra=ASK.replace("telegram", "discord"), models=(SlowModel(["late"], 0.7),))
    gateway.data["discord"].typing_every = 0.2
    discord.user_says("think first")
    await until(lambda: discord.texts() == ["late"], timeout=10)
    assert 3 <= len(discord.typing) <= 5  # at once, then every 0.2 s until the answer began


async def test_an_edit_that_fails_on_the_way_is_skipped_and_the_answer_ends_whole(serve_discord, discord) -> None:
    pieces = [f"word{i} " for i in range(20)]
    model = SlowModel(pieces, 0.05)
    await serve_discord(extra=ASK.replace("telegram", "discord"), models=(model,))
    discord.edit_failures.append(RestFailure(500))
    discord.user_says("tell me")
    await until(lambda: discord.texts() == ["".join(pieces)], timeout=10)
    await asyncio.sleep(0.5)
    assert len(discord.posted) == 1 and not discord.edit_failures and model.asked == 1


async def test_a_last_edit_that_fails_sends_the_answer_whole_into_its_message(serve_discord, discord, caplog) -> None:
    caplog.set_level(logging.INFO)
    pieces = [f"word{i} " for i in range(20)]
    model = SlowModel(pieces, 0.05)
    await serve_discord(extra=ASK.replace("telegram", "discord"), models=(model,))
    discord.edit_failures.extend([RestFailure(500)] * 100)  # every edit fails: the first message stays as it was
    discord.user_says("tell me")
    await until(lambda: "could not go on" in caplog.text, timeout=15)  # the stream gave up: the outbox has it
    discord.edit_failures.clear()
    answer = "".join(pieces).strip()
    await until(lambda: discord.texts() == [answer], timeout=30)  # the edits' 500s held the channel offline a while
    assert model.asked == 1 and len(discord.posted) == 1  # into the stream's message, not a second one


async def test_an_answer_whose_message_is_deleted_while_written_comes_whole_as_a_new_one(serve_discord,
                                                                                        discord) -> None:
    pieces = [f"word{i} " for i in range(20)]
    model = SlowModel(pieces, 0.1)
    gateway = await serve_discord(extra=ASK.replace("telegram", "discord"), models=(model,))
    discord.user_says("tell me")
    await until(lambda: discord.posted)
    discord.delete(discord.posted[0]["id"])  # by the user, while it was written
    answer = "".join(pieces).strip()
    await until(lambda: discord.texts() == [answer])
    assert model.asked == 1 and not await gateway.store.dead.list(10)
