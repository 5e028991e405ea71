"""Pairing and allow-lists: unknown senders get a code and nothing else; approvals are stored; no bypass."""

from __future__ import annotations

import asyncio
import logging
import re

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from core import events
from core.cli import main
from tests.integrations.telegram.conftest import until

CODE = re.compile(r"pairing code is ([A-Z2-9]{8})")


def _code(text: str) -> str:
    match = CODE.search(text)
    assert match, text
    return match.group(1)


async def test_an_unknown_sender_pairs_and_then_talks(serve_telegram, telegram, tmp_path, capsys, caplog) -> None:
    caplog.set_level(logging.INFO, logger="core.pipeline.access")
    gateway = await serve_telegram("")  # the default: dm_policy pairing
    received = []
    gateway.bus.listen(events.MESSAGE_RECEIVED, lambda event: received.append(event.data["message"].text))
    telegram.user_says("hello?")
    [notice] = await until(lambda: telegram.texts(111))
    code = _code(notice)
    assert set(code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789") and received == []
    telegram.user_says("hello again?")  # the same code, nothing else
    await until(lambda: len(telegram.texts(111)) == 2)
    assert _code(telegram.texts(111)[1]) == code and received == []
    assert caplog.text.count("telegram user 111 was sent a pairing code: `roost pair list` shows it") == 1
    config = str(tmp_path / "config")
    assert await asyncio.to_thread(main, ["pair", "list", "--config", config]) == 0
    assert f"waiting   {code}  telegram user 111" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["pair", "approve", code.lower(), "--config", config]) == 0
    telegram.user_says("now?")
    await until(lambda: len(telegram.texts(111)) == 3)
    assert telegram.texts(111)[2] == "echo: now?" and received == ["now?"]
    assert await asyncio.to_thread(main, ["pair", "revoke", "telegram", "111", "--config", config]) == 0
    telegram.user_says("still there?")
    await until(lambda: len(telegram.texts(111)) == 4)
    assert "pairing code" in telegram.texts(111)[3] and received == ["now?"]


async def test_at_most_three_codes_wait_and_a_denied_code_is_gone(serve_telegram, telegram, tmp_path) -> None:
    await serve_telegram("")
    for user in (201, 202, 203, 204):
        telegram.user_says("hi", user_id=user)
    await until(lambda: all(telegram.texts(u) for u in (201, 202, 203)))
    await asyncio.sleep(0.3)
    assert telegram.texts(204) == [], "a fourth waiting sender gets nothing"
    code = _code(telegram.texts(201)[0])
    config = str(tmp_path / "config")
    assert await asyncio.to_thread(main, ["pair", "deny", code, "--config", config]) == 0
    assert await asyncio.to_thread(main, ["pair", "approve", code, "--config", config]) == 1


async def test_allow_lists_cannot_be_bypassed(serve_telegram, telegram) -> None:
    gateway = await serve_telegram("allow_from: [111]\ngroups: ['-500']")
    received = []
    gateway.bus.listen(events.MESSAGE_RECEIVED, lambda event: received.append(event.data["message"].text))
    telegram.user_says("listed user", user_id=111)
    await until(lambda: received == ["listed user"])
    stranger = telegram.user_says("I am 111", user_id=333, username="ana", first_name="Ana")
    telegram.user_says("edited to sneak in", user_id=333, edit_of=stranger["message"]["message_id"])
    telegram.user_says("@roost_bot in an unlisted group", user_id=111, chat_id=-600, chat_type="supergroup")
    telegram.user_says("@roost_bot in the listed group", user_id=333, chat_id=-500, chat_type="supergroup")
    await until(lambda: len(received) == 2)
    await asyncio.sleep(0.3)
    assert received == ["listed user", "@roost_bot in the listed group"]
    assert all("pairing code" in t for t in telegram.texts(333))
    assert telegram.texts(-600) == []


async def test_who_is_kept_out_is_logged_once_with_the_id_that_would_let_them_in(serve_telegram, telegram,
                                                                                 caplog) -> None:
    caplog.set_level(logging.INFO, logger="core.pipeline.access")
    await serve_telegram("dm_policy: allowlist\nallow_from: [111]\ngroups: ['-500']")
    for _ in range(2):
        telegram.user_says("let me in", user_id=333)
        telegram.user_says("@roost_bot here too", user_id=111, chat_id=-600, chat_type="supergroup")
    telegram.user_says("I am listed", user_id=111)
    await until(lambda: telegram.texts(111))
    await asyncio.sleep(0.3)
    assert [r.getMessage() for r in caplog.records if r.name == "core.pipeline.access"] == [
        "A telegram message from user 333 was not let in: telegram: allow_from does not list them (add '333' to let"
        " them in)",
        "A telegram message in group -600 was not let in: telegram: groups does not list it (add '-600' to let Roost"
        " listen there)"]


async def test_disabled_direct_messages_get_no_answer(serve_telegram, telegram) -> None:
    await serve_telegram("dm_policy: disabled")
    telegram.user_says("anyone?")
    await asyncio.sleep(0.5)
    assert telegram.sent == []


async def test_a_voice_note_is_answered_with_what_roost_reads_once_its_sender_may_talk(serve_telegram, telegram,
                                                                                         caplog) -> None:
    caplog.set_level(logging.INFO, logger="core.pipeline")
    await serve_telegram("allow_from: ['111']\ngroup_policy: open")
    voice = telegram.user_says("", media="voice")
    telegram.user_says("", media="sticker", user_id=222)  # not let in: a pairing code, as for a text
    telegram.user_says("", media="sticker", chat_id=-100, chat_type="supergroup")  # not for Roost
    telegram.user_says("", media="voice", chat_id=-100, chat_type="supergroup", reply_to_bot=True)
    photo = telegram.user_says("a photo, with a caption", media="photo")
    telegram.user_says("", media="photo", edit_of=photo["message"]["message_id"])  # its caption taken away: nothing
    await until(lambda: len(telegram.texts(111)) == 2 and telegram.texts(222) and telegram.texts(-100))
    await asyncio.sleep(0.3)
    assert telegram.texts(111) == ["Sorry, I can only read text messages.", "echo: a photo, with a caption"]
    assert telegram.sent[0].params["reply_parameters"]["message_id"] == voice["message"]["message_id"]
    [code] = telegram.texts(222)
    assert "pairing code" in code
    assert telegram.texts(-100) == ["Sorry, I can only read text messages."]
    assert caplog.text.count("A telegram voice was not read: Roost reads text (its sender was told)") == 2


async def test_a_voice_note_gets_no_answer_when_unsupported_reply_is_off(serve_telegram, telegram) -> None:
    gateway = await serve_telegram("dm_policy: open\nunsupported_reply: null")
    telegram.user_says("", media="voice")
    telegram.user_says("and text")
    await until(lambda: telegram.texts(111))
    await asyncio.sleep(0.3)
    assert telegram.texts(111) == ["echo: and text"]
    rows = await gateway.store.db.fetchall("SELECT COUNT(*) FROM inbox WHERE platform = 'telegram'")
    assert rows == [(1,)], "a message Roost cannot read is not stored"


async def test_a_sender_over_sender_limit_is_told_once_and_the_rest_is_not_read(serve_telegram, telegram,
                                                                                 caplog) -> None:
    caplog.set_level(logging.INFO, logger="core.pipeline.access")
    gateway = await serve_telegram("dm_policy: open\nsender_limit: 3/minute", http=True)
    received = []
    gateway.bus.listen(events.MESSAGE_RECEIVED, lambda event: received.append(event.data["message"].text))
    for n in range(6):
        telegram.user_says(f"flood {n}")
    telegram.user_says("just me", user_id=222)
    await until(lambda: len(telegram.texts(111)) == 4 and telegram.texts(222))
    await asyncio.sleep(0.3)
    assert sorted(telegram.texts(111)) == ["You are sending messages faster than Roost reads them (at most 3 per minute): the"
                                   " ones over that are not read. Wait a little, then send again what was not"
                                   " answered.", "echo: flood 0", "echo: flood 1", "echo: flood 2"]
    assert telegram.texts(222) == ["echo: just me"], "each sender has an allowance of their own"
    assert sorted(received) == ["flood 0", "flood 1", "flood 2", "just me"], "what is over the limit is not stored"
    assert caplog.text.count("telegram user 111 sends faster than sender_limit (3 per minute)") == 1
    async with aiohttp.ClientSession() as session:  # what a monitor of an open bot alerts on
        async with session.get(f"http://127.0.0.1:{gateway.data['http'].server.port}/api/metrics") as response:
            metrics = await response.text()
    assert [(sample.labels["reason"], sample.value) for family in text_string_to_metric_families(metrics)
            for sample in family.samples if sample.name == "roost_messages_refused_total"] == [("sender_limit", 3)]
