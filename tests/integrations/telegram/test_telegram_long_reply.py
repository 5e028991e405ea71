"""A reply longer than Telegram's limit: split into valid parts, each sent once though a try fails or Roost stops."""

from __future__ import annotations

import logging

from tests.fakes.telegram_wire import too_many_requests
from tests.integrations.telegram.conftest import notes_left, until

PARAGRAPH = "word " * 300
LONG = f"""
automations:
  - id: long
    triggers: [{{trigger: message, platform: telegram}}]
    actions: [{{reply: "{(PARAGRAPH.strip() + chr(10) * 2) * 7}😀 end"}}]
"""
WHOLE = (PARAGRAPH.replace(" ", "") * 7) + "😀end"


def whole(parts: list[str]) -> str:
    """The parts joined, without the spaces and line breaks the split may move."""
    return "".join(parts).replace("\n", "").replace(" ", "")


async def test_a_long_reply_is_split_and_every_part_is_valid(serve_telegram, telegram) -> None:
    await serve_telegram(extra=LONG)
    telegram.user_says("tell me everything")
    await until(lambda: any("end" in t for t in telegram.texts(111)))
    parts = telegram.texts(111)
    assert len(parts) == 4 and all(len(p) <= 4096 for p in parts)  # two paragraphs of 1,500 a part
    assert whole(parts) == WHOLE


async def test_a_part_that_fails_is_tried_again_without_the_parts_before_it(serve_telegram, telegram, caplog) -> None:
    caplog.set_level(logging.INFO)
    gateway = await serve_telegram(extra=LONG)
    telegram.fail_next("sendMessage", too_many_requests(1), after=1)  # the second part meets Telegram's flood limit
    telegram.user_says("tell me everything")
    await until(lambda: any("end" in t for t in telegram.texts(111)))
    parts = telegram.texts(111)
    assert len(parts) == 4 and whole(parts) == WHOLE  # the first part once, not again with the retry
    assert [method for method, _ in telegram.calls].count("sendmessage") == 5  # the four parts and the refused try
    assert await notes_left(gateway, "telegram") == []  # the note goes with the reply
    assert "failed" not in caplog.text  # a part refused for the chat's pace: the rest at its turn, no attempt failed


async def test_a_long_reply_cut_by_a_stop_goes_on_after_the_start_from_its_next_part(serve_telegram, telegram) -> None:
    section = "dm_policy: open\nper_chat_interval: 1"  # a second between the parts: Roost stops in between
    gateway = await serve_telegram(section, extra=LONG)
    telegram.user_says("tell me everything")
    await until(lambda: telegram.texts(111))
    await gateway.stop()
    assert len(telegram.texts(111)) < 4  # the stop came between parts (a second apart)
    gateway = await serve_telegram(section, extra=LONG)
    await until(lambda: any("end" in t for t in telegram.texts(111)))
    parts = telegram.texts(111)
    assert len(parts) == 4 and whole(parts) == WHOLE
    assert await notes_left(gateway, "telegram") == []


async def test_other_chats_replies_go_between_the_parts_of_a_long_one(serve_telegram, telegram, caplog) -> None:
    either = LONG.replace('reply: "', "reply: \"{% if trigger.text == 'tell me everything' %}").replace(
        'end"}]', "end{% else %}echo: {{ trigger.text }}{% endif %}\"}]")
    await serve_telegram("dm_policy: open\nper_chat_interval: 1", extra=either)
    telegram.user_says("tell me everything")
    await until(lambda: telegram.texts(111))
    telegram.user_says("quick", user_id=112)
    await until(lambda: telegram.texts(112) == ["echo: quick"])
    assert len(telegram.texts(111)) < 4  # it did not wait for the last part of the other chat's reply
    await until(lambda: any("end" in t for t in telegram.texts(111)))
    assert whole(telegram.texts(111)) == WHOLE
    times = [sent.at for sent in telegram.sent if sent.chat_id == 111]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.95  # the chat's interval still kept
    assert "failed" not in caplog.text  # waiting for its turn is no failed attempt
