"""An outage of Telegram while 1,000 replies are produced: all delivered afterwards, per-chat order, none twice."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

import pytest

from tests.integrations.telegram.conftest import until

REPLIES = 1000
CHATS = ("111", "112", "113", "114", "115")


@pytest.mark.slow
async def test_replies_made_during_an_outage_all_arrive_in_order_once(serve_telegram, telegram) -> None:
    gateway = await serve_telegram("dm_policy: open\nrate_limit: 1000")
    for chat in CHATS:
        telegram.user_says("hello", user_id=int(chat))
    await until(lambda: all(telegram.texts(int(chat)) for chat in CHATS))
    await telegram.stop()  # Telegram is gone
    channel = gateway.data["telegram"]
    sends = [gateway.send("telegram", CHATS[n % len(CHATS)], f"reply {n}") for n in range(REPLIES)]
    await asyncio.gather(*sends)
    await until(lambda: not channel.online, timeout=30)
    await asyncio.sleep(1.0)
    await telegram.start()  # back, on the same address
    await until(lambda: sum(len(telegram.texts(int(c))) for c in CHATS) >= REPLIES + len(CHATS), timeout=120)
    await asyncio.sleep(0.5)
    counts = Counter(s.text for s in telegram.sent if s.text.startswith("reply "))
    assert len(counts) == REPLIES and max(counts.values()) == 1, "every reply once"
    for index, chat in enumerate(CHATS):
        assert telegram.texts(int(chat))[1:] == [f"reply {n}" for n in range(index, REPLIES, len(CHATS))]


async def test_an_outage_is_one_warning_then_quiet_tries_then_one_line_when_telegram_answers(
        serve_telegram, telegram, caplog) -> None:
    gateway = await serve_telegram()
    channel = gateway.data["telegram"]
    channel.reconnect_base, channel.reconnect_cap = 0.01, 0.05
    caplog.set_level(logging.DEBUG, logger="integrations.telegram.channel")
    await telegram.stop()

    def tries() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.getMessage().startswith("Telegram getUpdates failed")]

    await until(lambda: len(tries()) >= 5, timeout=30)
    assert [r.levelno for r in tries()[:5]] == [logging.WARNING] + [logging.DEBUG] * 4
    await telegram.start()
    await until(lambda: channel.online and not channel.outage.failing, timeout=30)
    [back] = [r for r in caplog.records if r.getMessage().startswith("Telegram answers again")]
    assert back.levelno == logging.INFO and f"after {len(tries())} failed tries" in back.getMessage()


async def test_replies_in_flight_when_telegram_goes_away_make_one_error_line_not_one_each(
        serve_telegram, telegram, caplog) -> None:
    gateway = await serve_telegram("dm_policy: open")
    caplog.set_level(logging.DEBUG, logger="core.pipeline.channel_queue")
    for chat in CHATS:
        telegram.user_says("hello", user_id=int(chat))
    await until(lambda: all(telegram.texts(int(chat)) for chat in CHATS))
    telegram.slow = 0.5  # the replies below are in flight together when Telegram goes
    for chat in CHATS:
        await gateway.send("telegram", chat, "are you there?")
    await asyncio.sleep(0.2)
    await telegram.stop()
    await until(lambda: not gateway.data["telegram"].online, timeout=30)
    await asyncio.sleep(0.5)
    failed = [r for r in caplog.records if r.getMessage().startswith("Sending to telegram chat")]
    assert len(failed) >= 2 and all(r.levelno == logging.DEBUG for r in failed)  # several were in flight
    [offline] = [r for r in caplog.records if "The telegram channel is offline" in r.getMessage()]
    assert offline.levelno == logging.ERROR
