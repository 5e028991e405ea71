"""The whatsapp channel against the fake Graph API: verification, signatures, duplicates, statuses, the window."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.fakes.whatsapp_server import GraphError
from tests.helpers.configdir import replying
from tests.helpers.models import InstantModel
from tests.integrations.telegram.conftest import until
from tests.integrations.telegram.test_telegram_streaming import ASK, SlowModel
from tests.integrations.whatsapp.conftest import VERIFY_TOKEN


async def _dead(gateway, text: str, timeout: float = 10.0) -> str:
    for _ in range(int(timeout / 0.05)):
        for letter in await gateway.store.dead.list(50):
            if text in letter.reason:
                return letter.reason
        await asyncio.sleep(0.05)
    raise AssertionError(f"no dead letter with {text!r}")


async def test_the_verification_handshake_answers_only_the_right_token(serve_whatsapp, whatsapp, caplog) -> None:
    caplog.set_level(logging.INFO, logger="integrations.whatsapp")
    await serve_whatsapp()
    assert await whatsapp.verify("subscribe", VERIFY_TOKEN, "1158201444") == (200, "1158201444")
    assert "Meta verified the WhatsApp webhook (/api/whatsapp/webhook)" in caplog.text
    assert (await whatsapp.verify("subscribe", "guess", "1158201444"))[0] == 403
    assert (await whatsapp.verify("unsubscribe", VERIFY_TOKEN, "1158201444"))[0] == 403


async def test_only_signed_notifications_are_taken(serve_whatsapp, whatsapp, caplog) -> None:
    gateway = await serve_whatsapp()
    caplog.set_level(logging.WARNING, logger="integrations.whatsapp.channel")
    payload = whatsapp.inbound("signed")
    import orjson

    raw = orjson.dumps(payload)
    altered = raw.replace(b"signed", b"signeD")
    assert await whatsapp.deliver(payload, signature="") == [401]
    assert await whatsapp.deliver(payload, signature="sha256=" + "0" * 64) == [401]
    assert await whatsapp.deliver(payload, body=altered, signature=whatsapp.sign(raw)) == [401]
    refused = [r for r in caplog.records if "without a valid signature" in r.getMessage()]
    assert len(refused) == 1, "three refusals from one address: one line"
    assert await whatsapp.deliver(payload) == [200]
    await until(lambda: whatsapp.texts("16505551234"))
    await asyncio.sleep(0.2)
    assert whatsapp.texts("16505551234") == ["echo: signed"]
    rows = await gateway.store.db.fetchall("SELECT COUNT(*) FROM inbox WHERE platform = 'whatsapp'")
    assert rows == [(1,)]


@pytest.mark.allow_logged_errors
async def test_a_message_roost_cannot_read_is_skipped_and_the_rest_of_the_notification_taken(serve_whatsapp, whatsapp,
                                                                                           caplog) -> None:
    await serve_whatsapp()
    payload = whatsapp.inbound("unreadable", wamid="wamid.odd")
    [broken] = payload["entry"][0]["changes"][0]["value"]["messages"]
    broken["timestamp"] = "yesterday"  # a shape Roost's reading of notifications does not expect
    fine = whatsapp.inbound("after it")["entry"][0]["changes"][0]["value"]["messages"][0]
    payload["entry"][0]["changes"][0]["value"]["messages"].append(fine)
    assert await whatsapp.deliver(payload) == [200], "else Meta sends it again and again"
    await until(lambda: whatsapp.texts("16505551234"))
    assert whatsapp.texts("16505551234") == ["echo: after it"]
    assert "A whatsapp message (wamid.odd) could not be taken in, and is skipped" in caplog.text


async def test_redeliveries_are_answered_once_with_the_reply_quoted_and_read_marked(serve_whatsapp,
                                                                                  whatsapp) -> None:
    await serve_whatsapp()
    payload = whatsapp.inbound("once please", wamid="wamid.abc")
    assert await whatsapp.deliver(payload, times=3) == [200, 200, 200]
    await until(lambda: whatsapp.texts("16505551234"))
    await asyncio.sleep(0.3)
    [sent] = whatsapp.sent
    assert sent["text"]["body"] == "echo: once please" and sent["context"] == {"message_id": "wamid.abc"}
    assert whatsapp.reads == [{"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.abc"}]
    # no "typing…": no model writes this answer


async def test_other_message_types_get_one_clear_answer(serve_whatsapp, whatsapp) -> None:
    await serve_whatsapp()
    await whatsapp.deliver(whatsapp.inbound(None, kind="image", wamid="wamid.img"), times=2)
    await until(lambda: whatsapp.texts("16505551234"))
    await asyncio.sleep(0.3)
    assert whatsapp.texts("16505551234") == ["Sorry, I can only read text messages."]


async def test_a_failed_status_moves_the_reply_to_the_dead_letters(serve_whatsapp, whatsapp) -> None:
    gateway = await serve_whatsapp()
    await whatsapp.deliver(whatsapp.inbound("hi"))
    await until(lambda: whatsapp.sent)
    wamid = whatsapp.sent[0]["wamid"]
    await asyncio.sleep(0.2)  # the delivery is recorded
    await whatsapp.deliver(whatsapp.status(wamid, "delivered"))
    await whatsapp.deliver(whatsapp.status(wamid, "failed", code=131026, title="Message undeliverable"))
    reason = await _dead(gateway, "131026")
    assert "Message undeliverable" in reason


async def test_replies_outside_the_24_hour_window_are_not_attempted(serve_whatsapp, whatsapp) -> None:
    gateway = await serve_whatsapp()
    await gateway.send("whatsapp", "4915112345678", "a reminder nobody asked for")
    assert "24-hour window" in await _dead(gateway, "window")
    await whatsapp.deliver(whatsapp.inbound("hi", wa_id="447700900123"))
    await until(lambda: whatsapp.texts("447700900123"))
    whatsapp.fail_next(GraphError(131047, "Re-engagement message", 400))
    await gateway.send("whatsapp", "447700900123", "later")
    assert "131047" in await _dead(gateway, "Re-engagement")
    assert whatsapp.texts("447700900123") == ["echo: hi"]


async def test_error_codes_decide_retry_or_dead_letter(serve_whatsapp, whatsapp) -> None:
    gateway = await serve_whatsapp()
    await whatsapp.deliver(whatsapp.inbound("first"))
    await until(lambda: whatsapp.sent)
    whatsapp.fail_next(GraphError(130429, "Rate limit hit", 400), GraphError(131000, "Something went wrong", 500))
    await gateway.send("whatsapp", "16505551234", "after two tries")
    await until(lambda: "after two tries" in whatsapp.texts("16505551234"), timeout=20)
    whatsapp.fail_next(GraphError(100, "Invalid parameter", 400))
    await gateway.send("whatsapp", "16505551234", "refused")
    assert "(#100) Invalid parameter" in await _dead(gateway, "#100")


async def test_an_expired_token_holds_replies_until_it_works_again(serve_whatsapp, whatsapp) -> None:
    gateway = await serve_whatsapp()
    await whatsapp.deliver(whatsapp.inbound("before"))
    await until(lambda: whatsapp.sent)
    channel = gateway.data["whatsapp"]
    whatsapp.token_expired = True
    for n in range(3):
        await gateway.send("whatsapp", "16505551234", f"held {n}")
    await until(lambda: not channel.online)
    await asyncio.sleep(0.5)
    assert whatsapp.texts("16505551234") == ["echo: before"]
    whatsapp.token_expired = False
    await until(lambda: len(whatsapp.texts("16505551234")) == 4, timeout=30)
    assert whatsapp.texts("16505551234")[1:] == ["held 0", "held 1", "held 2"]


LONG_TEXT = ("lorem ipsum " * 350 + "\n\n") * 3
THRICE = """
automations:
  - id: long
    triggers: [{trigger: message, platform: whatsapp}]
    actions: [{reply: "{{ trigger.raw.message.text.body * 3 }}"}]
"""


async def test_a_long_reply_is_split(serve_whatsapp, whatsapp) -> None:
    await serve_whatsapp(extra=THRICE)
    await whatsapp.deliver(whatsapp.inbound(LONG_TEXT[:4200]))
    await until(lambda: len(whatsapp.texts("16505551234")) >= 4)
    parts = whatsapp.texts("16505551234")
    assert all(len(p) <= 4096 for p in parts) and "".join(parts).split() == (LONG_TEXT[:4200] * 3).split()


async def test_unknown_senders_pair_on_whatsapp_too(serve_whatsapp, whatsapp) -> None:
    await serve_whatsapp("")
    await whatsapp.deliver(whatsapp.inbound("who are you?"))
    [notice] = await until(lambda: whatsapp.texts("16505551234"))
    assert "pairing code" in notice


async def test_typing_is_shown_again_while_an_answer_is_written(serve_whatsapp, whatsapp) -> None:
    gateway = await serve_whatsapp(extra=ASK.replace("telegram", "whatsapp"),
                                   models=(SlowModel(["slow ", "answer"], 0.4),))
    gateway.data["whatsapp"].typing_every = 0.2
    await whatsapp.deliver(whatsapp.inbound("think"))
    await until(lambda: whatsapp.texts("16505551234") == ["slow answer"], timeout=10)
    typing = [read for read in whatsapp.reads if read.get("typing_indicator")]
    assert 3 <= len(typing) <= 6  # every 0.2 s of the 0.8 s answer, all for the message answered
    assert {read["message_id"] for read in typing} == {"wamid.in000001"}


async def test_a_reaction_gets_no_answer_and_a_stranger_s_photo_none_either(serve_whatsapp, whatsapp) -> None:
    await serve_whatsapp("dm_policy: allowlist\nallow_from: ['16505551234']")
    await whatsapp.deliver(whatsapp.inbound(None, kind="reaction"))
    await whatsapp.deliver(whatsapp.inbound(None, kind="request_welcome"))
    await whatsapp.deliver(whatsapp.inbound(None, kind="image", wa_id="19995550100"))
    await whatsapp.deliver(whatsapp.inbound("and a text"))
    await until(lambda: whatsapp.texts("16505551234"))
    await asyncio.sleep(0.3)
    assert whatsapp.texts("16505551234") == ["echo: and a text"] and whatsapp.texts("19995550100") == []


async def test_a_tapped_button_is_read_as_the_text_it_shows(serve_whatsapp, whatsapp) -> None:
    await serve_whatsapp()
    tapped = {"button": {"button": {"text": "Yes please", "payload": "yes-payload"}},
              "interactive": {"interactive": {"type": "list_reply",
                                              "list_reply": {"id": "row-2", "title": "Opening hours",
                                                             "description": "When the shop is open"}}}}
    for kind, body in tapped.items():
        payload = whatsapp.inbound(None, kind=kind)
        [message] = payload["entry"][0]["changes"][0]["value"]["messages"]
        message.update(body)
        await whatsapp.deliver(payload)
    await until(lambda: len(whatsapp.texts("16505551234")) == 2)
    assert whatsapp.texts("16505551234") == ["echo: Yes please", "echo: Opening hours"]


MARKDOWN = "**Rye** is `4.20`, ~~3.90~~\n\n- fresh _daily_\n- [shop](https://example.org)"
ANSWER = ASK.replace("telegram", "whatsapp").replace("model: slow", "model: instant")


@pytest.mark.parametrize(("section", "shown"), [
    ("dm_policy: open", "*Rye* is `4.20`, ~3.90~\n\n• fresh _daily_\n• shop (https://example.org)"),
    ("dm_policy: open\nformat_answers: false", MARKDOWN),
])
async def test_a_models_answer_is_sent_in_whatsapps_markup(serve_whatsapp, whatsapp, section: str, shown: str) -> None:
    await serve_whatsapp(section, extra=ANSWER, models=(InstantModel(text=MARKDOWN),))
    await whatsapp.deliver(whatsapp.inbound("bread?"))
    await until(lambda: whatsapp.texts("16505551234"))
    assert whatsapp.texts("16505551234") == [shown]


async def test_an_automations_own_text_goes_as_written(serve_whatsapp, whatsapp) -> None:
    await serve_whatsapp(extra=replying("whatsapp", MARKDOWN))
    await whatsapp.deliver(whatsapp.inbound("bread?"))
    await until(lambda: whatsapp.texts("16505551234"))
    assert whatsapp.texts("16505551234") == [MARKDOWN]
