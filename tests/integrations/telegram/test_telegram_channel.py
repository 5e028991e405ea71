"""The telegram channel against the fake Bot API: polling, webhook, replies, errors, groups, streaming."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.fakes.telegram_wire import Failure, too_many_requests
from tests.helpers.configdir import replying
from tests.helpers.models import InstantModel
from tests.integrations.telegram.conftest import until
from tests.integrations.telegram.test_telegram_streaming import ASK


async def test_polling_answers_and_confirms_only_what_was_stored(serve_telegram, telegram) -> None:
    gateway = await serve_telegram()
    for n in range(3):
        telegram.user_says(f"hello {n}")
    await until(lambda: len(telegram.texts(111)) == 3)
    assert telegram.texts(111) == ["echo: hello 0", "echo: hello 1", "echo: hello 2"]
    first = telegram.sent[0].params
    assert first["reply_parameters"]["message_id"] == 1 and "parse_mode" not in first
    cursor = await gateway.storage("telegram").get("cursor")
    assert cursor == {"bot_id": 999, "offset": 100_004}
    await until(lambda: not telegram.updates)  # the next poll confirmed them


async def test_an_update_telegram_sends_again_is_answered_once(serve_telegram, telegram) -> None:
    await serve_telegram()
    telegram.slow = 0.2  # every call takes a while: nothing is confirmed or sent twice because of it
    update = telegram.user_says("only once")
    await until(lambda: telegram.texts(111))
    telegram.updates.append(update)  # redelivered (a crash before the offset was saved)
    telegram._arrived.set()
    telegram.user_says("next")
    await until(lambda: len(telegram.texts(111)) == 2)
    await asyncio.sleep(0.3)
    assert telegram.texts(111) == ["echo: only once", "echo: next"]


async def test_edits_captions_replies_and_topics(serve_telegram, telegram) -> None:
    extra = """
automations:
  - id: show
    triggers: [{trigger: message, platform: telegram}]
    actions: [{reply: "{{ trigger.text }} | reply_to={{ trigger.reply_to }} | edit={{ 'edited_message' in trigger.raw }}"}]
"""
    await serve_telegram("dm_policy: open\ngroup_policy: open\ngroup_mode: all", extra=extra)
    original = telegram.user_says("first version")
    await until(lambda: telegram.texts(111))
    telegram.user_says("second version", edit_of=original["message"]["message_id"])
    telegram.user_says("a photo caption", caption=True, reply_to=1)
    telegram.user_says("in a topic", chat_id=-100777, chat_type="supergroup", thread_id=5)
    await until(lambda: len(telegram.texts(111)) == 3 and telegram.texts(-100777))
    assert telegram.texts(111) == ["first version | reply_to=None | edit=False",
                                   "second version | reply_to=None | edit=True",
                                   "a photo caption | reply_to=111:1 | edit=False"]
    topic = [s for s in telegram.sent if s.chat_id == -100777][0]
    assert topic.params["message_thread_id"] == 5


async def test_groups_answer_only_what_is_addressed_to_the_bot(serve_telegram, telegram) -> None:
    await serve_telegram("group_policy: open")
    group = {"chat_id": -100, "chat_type": "supergroup"}
    telegram.user_says("hello everyone", **group)
    telegram.user_says("/ping@other_bot", **group)
    telegram.user_says("@roost_bot are you there?", **group)
    telegram.user_says("/ping@roost_bot", **group)
    telegram.user_says("replying to you", reply_to_bot=True, **group)
    telegram.user_says("Roost, a tap on the name", entities=[
        {"type": "text_mention", "offset": 0, "length": 5, "user": {"id": 999, "is_bot": True, "first_name": "Roost"}}],
        **group)
    await until(lambda: len(telegram.texts(-100)) == 4)
    await asyncio.sleep(0.3)
    assert telegram.texts(-100) == ["echo: @roost_bot are you there?", "echo: /ping@roost_bot",
                                    "echo: replying to you", "echo: Roost, a tap on the name"]


async def test_markup_telegram_cannot_parse_goes_out_as_plain_text(serve_telegram, telegram) -> None:
    extra = """
automations:
  - id: html
    triggers: [{trigger: message, platform: telegram}]
    actions: [{reply: "<b>1 < 2</b> is true"}]
"""
    await serve_telegram("dm_policy: open\nparse_mode: HTML", extra=extra)
    telegram.user_says("format it")
    await until(lambda: telegram.texts(111))
    assert telegram.texts(111) == ["<b>1 < 2</b> is true"]
    tries = [p for m, p in telegram.calls if m == "sendmessage"]
    assert tries[0]["parse_mode"] == "HTML" and "parse_mode" not in tries[1]


async def test_a_link_telegram_refuses_goes_out_as_plain_text(serve_telegram, telegram) -> None:
    await serve_telegram("dm_policy: open\nparse_mode: HTML", extra=replying("telegram", '<a href="http:///x">x</a>'))
    telegram.user_says("link it")
    await until(lambda: telegram.texts(111))
    assert telegram.texts(111) == ['<a href="http:///x">x</a>']
    tries = [p for m, p in telegram.calls if m == "sendmessage"]
    assert tries[0]["parse_mode"] == "HTML" and "parse_mode" not in tries[1]


async def test_flood_control_waits_as_told_and_a_blocked_user_is_a_dead_letter(serve_telegram, telegram) -> None:
    gateway = await serve_telegram()
    telegram.fail_next("sendMessage", too_many_requests(1))
    telegram.user_says("slow down")
    await until(lambda: telegram.texts(111), timeout=15)
    tries = [p for m, p in telegram.calls if m == "sendmessage"]
    assert len(tries) == 2
    telegram.blocked.add(222)
    telegram.user_says("hi", user_id=222)
    letters: list = []
    for _ in range(200):
        letters = await gateway.store.dead.list(10)
        if letters:
            break
        await asyncio.sleep(0.05)
    assert any("bot was blocked by the user" in (letter.reason or "") for letter in letters)


async def test_an_outage_holds_replies_and_sends_them_in_order_once(serve_telegram, telegram) -> None:
    gateway = await serve_telegram()
    telegram.user_says("before")
    await until(lambda: telegram.texts(111))
    channel = gateway.data["telegram"]
    telegram.fail_next("sendMessage", *[Failure(drop=True)] * 3)
    for n in range(20):
        await gateway.send("telegram", "111", f"held {n}")
    await until(lambda: not channel.online, timeout=10)
    await until(lambda: len(telegram.texts(111)) == 21, timeout=30)
    assert telegram.texts(111) == ["echo: before", *[f"held {n}" for n in range(20)]]


@pytest.mark.allow_logged_errors
async def test_the_webhook_takes_updates_with_the_secret_and_answers_after_storing(serve_telegram, telegram,
                                                                                  tmp_path) -> None:
    gateway = await serve_telegram("dm_policy: open\nmode: webhook\nwebhook_url: https://roost.example/api/telegram/webhook",
                                   http=True)
    await until(lambda: telegram.webhook["url"])
    secret = telegram.webhook["secret_token"]
    assert secret and len(secret) >= 32
    port = gateway.data["http"].server.port
    telegram.webhook["url"] = f"http://127.0.0.1:{port}/api/telegram/webhook"  # where the fake can reach it
    telegram.user_says("over the webhook")
    await until(lambda: telegram.texts(111))
    assert telegram.texts(111) == ["echo: over the webhook"]
    async with aiohttp.ClientSession() as session:
        wrong = await session.post(f"http://127.0.0.1:{port}/api/telegram/webhook", json={"update_id": 1},
                                   headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        assert wrong.status == 401
        unreadable = {"update_id": 7, "message": {"chat": {"id": 111, "type": "private"}, "text": "no message id"}}
        skipped = await session.post(f"http://127.0.0.1:{port}/api/telegram/webhook", json=unreadable,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": secret})
        assert skipped.status == 200, "else Telegram sends it again and again, ahead of the updates after it"
    telegram.user_says("after it")
    await until(lambda: len(telegram.texts(111)) == 2)
    assert telegram.texts(111) == ["echo: over the webhook", "echo: after it"]


@pytest.mark.allow_logged_errors
async def test_an_update_roost_cannot_read_is_skipped_and_the_next_ones_come_through(serve_telegram, telegram,
                                                                                   caplog) -> None:
    gateway = await serve_telegram(http=True)
    broken = telegram.user_says("unreadable")
    del broken["message"]["message_id"]  # a shape Roost's reading of updates does not expect
    telegram.user_says("after it")
    await until(lambda: telegram.texts(111))
    assert telegram.texts(111) == ["echo: after it"]
    assert f"A telegram update ({broken['update_id']}) could not be taken in, and is skipped" in caplog.text
    assert await gateway.storage("telegram").get("cursor") == {"bot_id": 999, "offset": broken["update_id"] + 2}
    async with aiohttp.ClientSession() as session:  # what a monitor alerts on
        async with session.get(f"http://127.0.0.1:{gateway.data['http'].server.port}/api/metrics") as response:
            metrics = await response.text()
    [skipped] = [sample.value for family in text_string_to_metric_families(metrics) for sample in family.samples
                 if sample.name == "roost_messages_skipped_total" and sample.labels == {"platform": "telegram"}]
    assert skipped == 1


async def test_updates_waiting_at_start_are_answered_and_a_conflict_is_explained(serve_telegram, telegram,
                                                                                caplog) -> None:
    telegram.user_says("sent while Roost was down")
    conflict = Failure(409, "Conflict: terminated by other getUpdates request; make sure that only one bot"
                            " instance is running")
    telegram.fail_next("getUpdates", conflict)
    await serve_telegram()
    await until(lambda: telegram.texts(111), timeout=15)
    assert telegram.texts(111) == ["echo: sent while Roost was down"]
    assert "Another program polls with this bot token" in caplog.text
    assert ("deletewebhook", {}) in telegram.calls and not any(p.get("drop_pending_updates") for _, p in telegram.calls)


async def test_a_group_that_became_a_supergroup_gets_the_reply_there(serve_telegram, telegram) -> None:
    gateway = await serve_telegram("group_policy: open")
    telegram.user_says("@roost_bot hi", chat_id=-42, chat_type="group")
    telegram.chats[-100_42] = {"id": -100_42, "type": "supergroup", "title": "Upgraded"}
    telegram.fail_next("sendMessage", Failure(400, "Bad Request: group chat was upgraded to a supergroup chat",
                                              {"migrate_to_chat_id": -100_42}))
    await until(lambda: telegram.texts(-100_42))
    assert telegram.texts(-100_42) == ["echo: @roost_bot hi"]
    assert gateway.data["telegram"].online


async def test_a_storm_of_429s_delays_but_keeps_every_chat_in_order(serve_telegram, telegram) -> None:
    gateway = await serve_telegram()
    for chat in (111, 112):
        telegram.user_says("start", user_id=chat)
    await until(lambda: telegram.texts(111) and telegram.texts(112))
    telegram.fail_next("sendMessage", *[too_many_requests(1)] * 4)
    for n in range(5):
        for chat in ("111", "112"):
            await gateway.send("telegram", chat, f"{chat}-{n}")
    await until(lambda: len(telegram.texts(111)) == 6 and len(telegram.texts(112)) == 6, timeout=30)
    for chat in (111, 112):
        assert telegram.texts(chat)[1:] == [f"{chat}-{n}" for n in range(5)]


async def test_replies_keep_the_interval_per_chat_and_many_chats_are_sent_to_at_once(serve_telegram, telegram) -> None:
    await serve_telegram("dm_policy: open\nper_chat_interval: 0.5")
    telegram.slow = 0.2  # each call takes a round trip
    telegram.user_says("one", user_id=111)
    telegram.user_says("two", user_id=111)
    for n in range(10):
        telegram.user_says(f"hi {n}", user_id=1000 + n)
    await until(lambda: len(telegram.sent) == 12, 30)
    [first, second] = [s.at for s in telegram.sent if s.chat_id == 111]
    assert second - first >= 0.5 * 0.95
    others = sorted(s.at for s in telegram.sent if s.chat_id != 111)
    assert others[-1] - others[0] < 9 * 0.2  # sent one at a time, ten round trips are at least this far apart


async def test_a_chat_waiting_for_its_turn_does_not_hold_the_others_up(serve_telegram, telegram) -> None:
    await serve_telegram("dm_policy: open\ngroup_policy: open\nper_group_interval: 2")
    group = {"chat_id": -100, "chat_type": "group"}
    telegram.user_says("@roost_bot one", **group)
    telegram.user_says("@roost_bot two", **group)
    await until(lambda: telegram.texts(-100))
    telegram.user_says("hello", user_id=222)  # while the group's second reply waits for its turn
    await until(lambda: len(telegram.sent) == 3, 30)
    [first, dm, second] = telegram.sent
    assert (first.chat_id, dm.chat_id, second.chat_id) == (-100, 222, -100)
    assert second.at - first.at >= 2 * 0.95 and dm.at - first.at < 1.5


async def test_a_group_that_became_a_supergroup_is_told_once_with_what_to_change(serve_telegram, telegram,
                                                                                 caplog) -> None:
    caplog.set_level(logging.INFO)
    await serve_telegram("group_policy: allowlist\ngroups: ['-42']")
    telegram.user_says("@roost_bot hi", chat_id=-42, chat_type="group")
    await until(lambda: telegram.texts(-42))
    telegram.upgrade_group(-42, -100_42)
    await until(lambda: "became supergroup" in caplog.text)
    telegram.user_says("@roost_bot still there?", chat_id=-100_42, chat_type="supergroup")
    await asyncio.sleep(0.5)
    moved = [r for r in caplog.records if "became supergroup" in r.getMessage()]
    assert len(moved) == 1 and moved[0].levelname == "WARNING"  # the two service messages, said once
    assert "once -10042 is in telegram: groups" in moved[0].getMessage()
    assert telegram.texts(-100_42) == []  # not on the allowlist (yet), as the line says


@pytest.mark.parametrize("group_mode, privacy_on, warned", [("all", True, True), ("all", False, False),
                                                             ("mention", True, False)])
async def test_group_mode_all_with_the_bot_s_privacy_mode_on_is_warned_of(serve_telegram, telegram, caplog,
                                                                           group_mode, privacy_on, warned) -> None:
    telegram.bot["can_read_all_group_messages"] = not privacy_on
    await serve_telegram(f"dm_policy: open\ngroup_policy: open\ngroup_mode: {group_mode}")
    telegram.user_says("connected?")
    await until(lambda: telegram.texts(111))
    assert ("the bot's privacy mode is on" in caplog.text) is warned


async def test_a_message_for_roost_that_starts_no_run_is_said_once(serve_telegram, telegram, caplog) -> None:
    caplog.set_level(logging.INFO, logger="core.pipeline")
    only_ping = """
automations:
  - id: ping
    triggers: [{trigger: message, platform: telegram, command: ping}]
    actions: [{reply: pong}]
"""
    await serve_telegram("dm_policy: open", extra=only_ping)
    telegram.user_says("hello?")
    telegram.user_says("anyone?")
    telegram.user_says("/ping")
    await until(lambda: telegram.texts(111))
    assert telegram.texts(111) == ["pong"]
    assert caplog.text.count("A telegram message for Roost started no run: no automation's trigger matches it") == 1


MARKDOWN = "**Rye** is `4.20 < 5`\n\n- fresh <b>daily</b>\n- [shop](https://example.org)"
FORMATTED = ('<b>Rye</b> is <code>4.20 &lt; 5</code>\n\n• fresh &lt;b&gt;daily&lt;/b&gt;\n'
             '• <a href="https://example.org">shop</a>')
ANSWER = ASK.replace("model: slow", "model: instant")
REPORT = 'ERROR ×7  python3[<*>]: File "/usr/lib/python3/foo/__init__.py", line <*>\n      e.g. line 42'
"""An automation's own text that Markdown would mangle (a log report: `<*>` pairs, `__init__`, an indent)."""


async def test_a_models_answer_sent_whole_is_shown_formatted_and_html_in_it_as_text(serve_telegram, telegram) -> None:
    await serve_telegram("dm_policy: open\nstreaming: off", extra=ANSWER, models=(InstantModel(text=MARKDOWN),))
    telegram.user_says("bread?")  # the answer goes whole, through the outbox: it is still known as Markdown
    await until(lambda: telegram.texts(111))
    [sent] = telegram.sent
    assert (sent.params["parse_mode"], sent.params["text"]) == ("HTML", FORMATTED)
    assert telegram.texts(111) == ["Rye is 4.20 < 5\n\n• fresh <b>daily</b>\n• shop"]


async def test_an_automations_own_text_goes_as_written_unless_parse_mode_says_markdown(serve_telegram,
                                                                                       telegram) -> None:
    await serve_telegram(extra=replying("telegram", REPORT))
    telegram.user_says("/check_logs")
    await until(lambda: telegram.texts(111))
    assert telegram.texts(111) == [REPORT] and "parse_mode" not in telegram.sent[0].params


async def test_with_parse_mode_markdown_an_automations_text_is_formatted_too(serve_telegram, telegram) -> None:
    await serve_telegram("dm_policy: open\nparse_mode: markdown", extra=replying("telegram", MARKDOWN))
    telegram.user_says("bread?")
    await until(lambda: telegram.texts(111))
    assert (telegram.sent[0].params["parse_mode"], telegram.sent[0].params["text"]) == ("HTML", FORMATTED)


async def test_with_format_answers_off_a_models_answer_goes_as_written(serve_telegram, telegram) -> None:
    await serve_telegram("dm_policy: open\nstreaming: off\nformat_answers: false", extra=ANSWER,
                         models=(InstantModel(text=MARKDOWN),))
    telegram.user_says("bread?")
    await until(lambda: telegram.texts(111))
    assert telegram.texts(111) == [MARKDOWN] and "parse_mode" not in telegram.sent[0].params
