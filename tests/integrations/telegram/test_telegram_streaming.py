"""Answers shown as they are written: one message edited at most every edit_interval, ending whole."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from core.edited_stream import SHOWN_KEY
from tests.fakes.telegram_wire import Failure, too_many_requests
from tests.integrations.telegram.conftest import notes_left, until

ASK = """
automations:
  - id: ask
    triggers: [{trigger: message, platform: telegram}]
    actions: [{generate: {model: slow}}]
"""


class SlowModel:
    """Streams pieces with a pause between them."""

    name = "slow"
    accepts_tools = False

    def __init__(self, pieces: list[str], pause: float) -> None:
        self.pieces = pieces
        self.pause = pause
        self.asked = 0

    async def stream(self, request: Any) -> AsyncIterator[str]:
        self.asked += 1
        for piece in self.pieces:
            await asyncio.sleep(self.pause)
            yield piece

    async def close(self) -> None:
        return None


async def test_an_answer_appears_by_edits_at_most_every_interval(serve_telegram, telegram) -> None:
    pieces = [f"word{i} " for i in range(20)]
    await serve_telegram("dm_policy: open\nedit_interval: 0.3", extra=ASK, models=(SlowModel(pieces, 0.05),))
    telegram.user_says("tell me")
    await until(lambda: telegram.sent and telegram.sent[0].edits and telegram.sent[0].edits[-1] == "".join(pieces),
                timeout=10)
    [message] = telegram.sent
    assert 1 <= len(message.edits) <= 5, "about one edit per 0.3 s over 1 s of answer, not one per piece"
    assert message.params["reply_parameters"]["message_id"] == 1
    assert (111, "typing") in [(chat, action) for chat, action, _at in telegram.actions]


async def test_an_answer_longer_than_a_message_continues_in_a_new_one(serve_telegram, telegram) -> None:
    pieces = ["x" * 99 + " " for _ in range(60)]  # 6,000 characters
    await serve_telegram("dm_policy: open\nedit_interval: 0", extra=ASK, models=(SlowModel(pieces, 0),))
    telegram.user_says("a lot")
    await until(lambda: sum(len(t) for t in telegram.texts(111)) >= 5_990, timeout=10)
    texts = telegram.texts(111)
    assert len(texts) == 2 and all(len(t) <= 4096 for t in texts)
    assert "".join(texts).split() == "".join(pieces).split()


async def test_a_draft_shows_the_answer_in_a_direct_chat_then_it_is_sent_whole(serve_telegram, telegram) -> None:
    pieces = [f"part{i} " for i in range(12)]
    await serve_telegram("dm_policy: open\nstreaming: draft\nedit_interval: 0.1", extra=ASK,
                         models=(SlowModel(pieces, 0.04),))
    telegram.user_says("draft it")
    await until(lambda: telegram.texts(111), timeout=10)
    assert telegram.texts(111) == ["".join(pieces)] and telegram.sent[0].edits == []
    drafts = [text for chat, _draft, text in telegram.drafts if chat == 111]
    assert 2 <= len(drafts) <= 8 and all("".join(pieces).startswith(d) for d in drafts)
    assert len({draft for _chat, draft, _text in telegram.drafts}) == 1, "one draft id per answer"


async def test_an_edit_that_fails_on_the_way_is_skipped_and_the_answer_ends_whole(serve_telegram, telegram,
                                                                                  caplog) -> None:
    pieces = [f"word{i} " for i in range(20)]
    model = SlowModel(pieces, 0.05)
    await serve_telegram("dm_policy: open\nedit_interval: 0.2", extra=ASK, models=(model,))
    telegram.fail_next("editMessageText", Failure(drop=True), too_many_requests(1), after=1)
    telegram.user_says("tell me")
    await until(lambda: telegram.sent and telegram.sent[0].edits and telegram.sent[0].edits[-1] == "".join(pieces))
    await asyncio.sleep(0.5)
    assert len(telegram.sent) == 1 and model.asked == 1  # no second message, the answer not asked for again
    assert "failed" not in caplog.text


async def test_a_last_edit_that_meets_a_429_is_made_after_the_wait(serve_telegram, telegram) -> None:
    pieces = [f"word{i} " for i in range(20)]
    model = SlowModel(pieces, 0.02)
    await serve_telegram("dm_policy: open\nedit_interval: 30", extra=ASK, models=(model,))  # one edit: the last
    telegram.fail_next("editMessageText", too_many_requests(1))
    telegram.user_says("tell me")
    await until(lambda: telegram.sent and telegram.sent[0].edits == ["".join(pieces)])
    await asyncio.sleep(0.3)
    assert len(telegram.sent) == 1 and model.asked == 1  # one message, whole


async def test_a_last_edit_that_fails_sends_the_answer_whole_into_its_message_through_the_outbox(
        serve_telegram, telegram, caplog) -> None:
    caplog.set_level(logging.INFO)
    pieces = [f"word{i} " for i in range(20)]
    model = SlowModel(pieces, 0.05)
    gateway = await serve_telegram("dm_policy: open\nedit_interval: 0.2", extra=ASK, models=(model,))
    telegram.fail_next("editMessageText", *[too_many_requests(1)] * 100)
    telegram.user_says("tell me")
    await until(lambda: "could not go on" in caplog.text, timeout=15)  # the stream gave up: the outbox has it
    assert telegram.texts(111) == ["word0 "]
    telegram.failures["editmessagetext"].clear()  # Telegram lets edits through again
    answer = "".join(pieces).strip()
    await until(lambda: telegram.texts(111) == [answer], timeout=15)  # into the message shown, not beside it
    assert model.asked == 1 and await notes_left(gateway, "telegram", SHOWN_KEY) == []


async def test_a_first_message_that_fails_sends_the_answer_whole_when_it_is_written(serve_telegram, telegram,
                                                                                    caplog) -> None:
    pieces = [f"word{i} " for i in range(20)]
    model = SlowModel(pieces, 0.05)
    await serve_telegram("dm_policy: open\nedit_interval: 0.2", extra=ASK, models=(model,))
    telegram.fail_next("sendMessage", Failure(drop=True))
    telegram.user_says("tell me")
    answer = "".join(pieces).strip()
    await until(lambda: telegram.texts(111))
    assert telegram.texts(111) == [answer] and model.asked == 1  # written once, to its end, then sent whole
    assert "Automation ask failed" not in caplog.text


async def test_an_answer_whose_message_is_deleted_while_written_comes_whole_as_a_new_one(serve_telegram, telegram,
                                                                                        caplog) -> None:
    caplog.set_level(logging.INFO)
    pieces = [f"word{i} " for i in range(20)]
    model = SlowModel(pieces, 0.1)
    gateway = await serve_telegram("dm_policy: open\nedit_interval: 0.2", extra=ASK, models=(model,))
    telegram.user_says("tell me")
    await until(lambda: telegram.texts(111))
    telegram.sent.clear()  # the user deleted the message being written: its next edit is refused (400)
    answer = "".join(pieces).strip()
    await until(lambda: telegram.texts(111) == [answer])
    assert model.asked == 1 and not await gateway.store.dead.list(10)
    assert "could not go on (Telegram refused it (400): Bad Request: message to edit not found)" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "no failure, no \"Sorry\" reply"


async def test_a_streamed_answer_to_a_user_who_blocked_the_bot_is_one_dead_letter(serve_telegram, telegram,
                                                                                   caplog) -> None:
    pieces = [f"word{i} " for i in range(10)]
    model = SlowModel(pieces, 0.02)
    gateway = await serve_telegram("dm_policy: open\nedit_interval: 0.2", extra=ASK, models=(model,))
    telegram.blocked.add(111)
    telegram.user_says("tell me")
    async with asyncio.timeout(10):
        while not await gateway.store.dead.list(10):
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    [listed] = await gateway.store.dead.list(10)  # the answer, as a reply that cannot go; the run did not fail
    letter = await gateway.store.dead.get(listed.id)
    assert letter is not None and letter.outbox is not None and "bot was blocked by the user" in letter.reason
    assert letter.outbox.body == "".join(pieces).strip()
    assert model.asked == 1 and "Automation ask failed" not in caplog.text


async def test_an_answer_cut_by_a_stop_is_written_again_into_its_message_after_the_start(serve_telegram,
                                                                                         telegram) -> None:
    pieces = [f"word{i} " for i in range(30)]
    section, extra = "dm_policy: open\nedit_interval: 0.2", "roost: {stop_timeout: 0.5}\n" + ASK
    gateway = await serve_telegram(section, extra=extra, models=(SlowModel(pieces, 0.1),))
    telegram.user_says("tell me")
    await until(lambda: telegram.texts(111) and len(telegram.texts(111)[0]) > 20)
    await gateway.stop()  # past stop_timeout: the run is cut, to run again at the next start
    [cut] = telegram.texts(111)
    assert cut.strip() != "".join(pieces).strip()
    gateway = await serve_telegram(section, extra=extra, models=(SlowModel(pieces, 0.02),))
    answer = "".join(pieces)
    await until(lambda: telegram.texts(111) == [answer])  # the message the cut answer left, edited: not a second
    assert await notes_left(gateway, "telegram", SHOWN_KEY) == []


async def test_a_message_a_cut_answer_left_that_its_next_try_does_not_need_is_deleted(serve_telegram,
                                                                                       telegram) -> None:
    pieces = ["x" * 99 + " " for _ in range(80)]  # 8,000 characters: two messages, the second after 2 s of 4
    section, extra = "dm_policy: open\nedit_interval: 0.2", "roost: {stop_timeout: 0.5}\n" + ASK
    gateway = await serve_telegram(section, extra=extra, models=(SlowModel(pieces, 0.05),))
    telegram.user_says("tell me")
    await until(lambda: len(telegram.texts(111)) == 2)
    await gateway.stop()  # past stop_timeout: the run is cut, to run again at the next start
    gateway = await serve_telegram(section, extra=extra, models=(SlowModel(["a short answer"], 0.02),))
    await until(lambda: telegram.texts(111) == ["a short answer"])  # the first message edited, the second deleted
    assert await notes_left(gateway, "telegram", SHOWN_KEY) == []


async def test_a_long_draft_goes_whole_in_parts_at_the_chats_interval(serve_telegram, telegram, caplog) -> None:
    pieces = ["x" * 99 + " " for _ in range(60)]  # 6,000 characters: two messages
    model = SlowModel(pieces, 0)
    await serve_telegram("dm_policy: open\nstreaming: draft\nedit_interval: 0.1\nper_chat_interval: 0.5", extra=ASK,
                         models=(model,))
    telegram.user_says("a lot")
    await until(lambda: len(telegram.texts(111)) == 2)
    assert "".join(telegram.texts(111)).split() == "".join(pieces).split() and model.asked == 1
    first, second = (sent.at for sent in telegram.sent)
    assert second - first >= 0.45 and "failed" not in caplog.text


async def test_typing_is_shown_again_until_the_answer_begins_and_not_after(serve_telegram, telegram) -> None:
    pieces = ["", "slow ", "to ", "begin"]  # a blank piece does not end the wait
    gateway = await serve_telegram("dm_policy: open\nedit_interval: 0", extra=ASK, models=(SlowModel(pieces, 0.4),))
    gateway.data["telegram"].typing_every = 0.3
    telegram.slow = 0.3  # each call answered after 0.3 s, as on a slow network
    telegram.user_says("think first")
    await until(lambda: telegram.texts(111) == ["slow to begin"], timeout=10)
    typing = [at for chat, action, at in telegram.actions if chat == 111 and action == "typing"]
    first_shown = telegram.sent[0].at
    assert len(typing) >= 2 and all(at < first_shown for at in typing)  # none under the first words


async def test_an_answer_not_streamed_shows_typing_while_it_is_written_then_comes_whole(serve_telegram,
                                                                                       telegram) -> None:
    pieces = ["written ", "whole ", "at ", "the end"]
    ask_whole = ASK.replace("{model: slow}", "{model: slow, stream: false}")
    gateway = await serve_telegram("dm_policy: open\nedit_interval: 0", extra=ask_whole,
                                   models=(SlowModel(pieces, 0.3),))
    gateway.data["telegram"].typing_every = 0.3
    telegram.user_says("take your time")
    await until(lambda: telegram.texts(111) == ["written whole at the end"], timeout=10)
    typing = [at for chat, action, at in telegram.actions if chat == 111 and action == "typing"]
    assert len(typing) >= 3 and all(at < telegram.sent[0].at for at in typing)
    assert [method for method, _body in telegram.calls if method == "editMessageText"] == []


async def test_a_markdown_answer_is_shown_formatted_as_it_is_written(serve_telegram, telegram) -> None:
    pieces = ["Here is **bo", "ld** and ", "`x < y`", "\n\n- one\n- two"]
    await serve_telegram("dm_policy: open\nedit_interval: 0", extra=ASK, models=(SlowModel(pieces, 0.05),))
    telegram.user_says("format")
    await until(lambda: telegram.sent and telegram.sent[0].edits
                and telegram.sent[0].edits[-1] == "Here is bold and x < y\n\n• one\n• two", timeout=10)
    [message] = telegram.sent
    assert message.text == "Here is **bo"  # not closed yet: as written
    edits = [p for m, p in telegram.calls if m == "editmessagetext"]
    assert edits[-1]["parse_mode"] == "HTML"
    assert edits[-1]["text"] == "Here is <b>bold</b> and <code>x &lt; y</code>\n\n• one\n• two"
