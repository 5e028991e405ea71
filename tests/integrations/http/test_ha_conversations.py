"""Replies of Home Assistant conversations that no client holds: kept in the outbox until one takes it up."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3

from core import events
from integrations.websocket_api import conversations
from integrations.websocket_api.conversations import UNTOLD_KEY
from tests.helpers.ha_socket import ha_socket
from tests.helpers.models import InstantModel


async def _take_up(served, token: str, conversation_id: str) -> dict:
    """Take a conversation up on a new connection subscribed to roost_reply: the first reply event's data."""
    session, ws = await ha_socket(served, token)
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "subscribe_events", "event_type": "roost_reply"}))
        await ws.send_str(json.dumps({"id": 2, "type": "call_service", "domain": "roost", "service":
                                      "subscribe_conversation", "service_data": {"conversation_id": conversation_id}}))
        async with asyncio.timeout(15):
            while True:
                frame = json.loads(await ws.receive_str())
                if frame.get("type") == "event":
                    return frame["event"]["data"]


async def _call(ws, msg_id: int, text: str, conversation_id: str, **extra) -> None:
    await ws.send_str(json.dumps({"id": msg_id, "type": "call_service", "domain": "roost", "service": "send_message",
                                  "service_data": {"text": text, "conversation_id": conversation_id}, **extra}))


ECHO = """
automations:
  - id: echo
    triggers: [{trigger: message, platform: websocket}]
    actions: [{reply: "re: {{ trigger.text }}"}]
"""
SLOW = """
automations:
  - id: slow
    triggers: [{trigger: message, platform: websocket}]
    actions:
      - delay: 0.3
      - reply: "late: {{ trigger.text }}"
"""


async def _leave_a_reply(served, token: str, conversation_id: str) -> None:
    """Send "anyone?" on a connection that cannot receive its reply (not subscribed) and goes."""
    session, ws = await ha_socket(served, token)
    async with session:
        await _call(ws, 1, "anyone?", conversation_id)
        assert json.loads(await ws.receive_str(timeout=5))["success"] is True


async def test_a_reply_waits_for_a_client_that_takes_the_conversation_up_again(serve) -> None:
    served = await serve(extra=SLOW)
    token = await served.token()
    await _leave_a_reply(served, token, "porch")
    await asyncio.sleep(0.5)  # the reply is due now, and no client holds the conversation
    pending = await served.gateway.queue_stats()
    assert pending["outbox"]["websocket"].get("pending", 0) == 1, "kept in the outbox"
    event = await _take_up(served, token, "porch")
    assert event == {"conversation_id": "porch", "text": "late: anyone?", "done": True}


async def test_a_streamed_answer_for_a_conversation_no_one_holds_waits_whole_in_the_outbox(serve) -> None:
    served = await serve(extra="""
automations:
  - id: ask
    triggers: [{trigger: message, platform: websocket}]
    actions: [{generate: {prompt: "{{ trigger.text }}", reply: true}}]
""", models=(InstantModel(delay=0.05),))
    token = await served.token()
    await _leave_a_reply(served, token, "attic")
    async with asyncio.timeout(10):  # the answer is kept in the outbox, whole, and the run ends
        while not ((stats := await served.gateway.queue_stats())["tasks"]["done"] >= 1
                   and stats["outbox"].get("websocket", {}).get("pending", 0) == 1):
            await asyncio.sleep(0.05)  # (a clean clone's run once read a run done before its answer was counted)
    assert stats["tasks"]["queued"] == stats["tasks"]["leased"] == 0, "the run did not fail, to run again later"
    assert stats["dead_letters"]["total"] == 0
    event = await _take_up(served, token, "attic")
    assert event == {"conversation_id": "attic", "text": "Hello there, friend.", "done": True}


async def test_a_caller_waiting_in_a_conversation_gets_what_waited_for_it_first(serve) -> None:
    served = await serve(extra="  response_timeout: 5\n" + SLOW)  # under websocket_api:
    token = await served.token()
    session, ws = await ha_socket(served, token)
    async with session:  # it holds the conversation, so the conversation is known to have nothing held
        await ws.send_str(json.dumps({"id": 1, "type": "subscribe_events", "event_type": "roost_reply"}))
        await _call(ws, 2, "first", "porch", return_response=True)
        async with asyncio.timeout(5):
            while (frame := json.loads(await ws.receive_str())).get("id") != 2 or frame["type"] != "result":
                pass
        assert frame["result"]["response"]["replies"] == ["late: first"]
        await _call(ws, 3, "anyone?", "porch")
        assert json.loads(await ws.receive_str(timeout=5))["success"] is True
    await asyncio.sleep(0.5)  # its reply is due now, and no client holds the conversation: it is held
    assert (await served.gateway.queue_stats())["outbox"]["websocket"].get("pending", 0) == 1
    session, ws = await ha_socket(served, token)
    async with session:  # a new caller that is not subscribed, waiting for its response
        await _call(ws, 1, "second", "porch", return_response=True)
        answer = json.loads(await ws.receive_str(timeout=5))
    assert answer["success"] is True, answer
    assert answer["result"]["response"] == {"conversation_id": "porch", "replies": ["late: anyone?", "late: second"]}
    assert (await served.gateway.queue_stats())["outbox"].get("websocket", {}).get("pending", 0) == 0


async def test_a_subscribed_client_sending_into_a_conversation_takes_it_up(serve) -> None:
    served = await serve(extra=SLOW)
    token = await served.token()
    await _leave_a_reply(served, token, "porch")
    await asyncio.sleep(0.5)  # held: the client that sent it could not receive replies
    session, ws = await ha_socket(served, token)
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "subscribe_events", "event_type": "roost_reply"}))
        await _call(ws, 2, "again", "porch")
        texts = []
        async with asyncio.timeout(5):
            while len(texts) < 2:
                frame = json.loads(await ws.receive_str())
                if frame.get("type") == "event":
                    texts.append(frame["event"]["data"]["text"])
    assert texts == ["late: anyone?", "late: again"]


async def test_replies_in_a_conversation_told_to_no_one_are_dropped_and_a_model_not_asked(serve, caplog) -> None:
    model = InstantModel(delay=0.05)
    served = await serve(extra=SLOW + """
  - id: ask
    triggers: [{trigger: message, platform: websocket}]
    actions: [{generate: {prompt: "{{ trigger.text }}", reply: true}}]
""", models=(model,))
    caplog.set_level(logging.INFO)
    session, ws = await ha_socket(served, await served.token())
    async with session:  # no conversation_id, no response wanted, no roost_reply events heard: told to no one
        await ws.send_str(json.dumps({"id": 1, "type": "call_service", "domain": "roost", "service": "send_message",
                                      "service_data": {"text": "the door opened"}}))
        assert json.loads(await ws.receive_str(timeout=5))["success"] is True
        await asyncio.wait_for(served.gateway.wait_idle(), 10)  # a held reply would keep it waiting
        await _call(ws, 2, "mine", "untold-123")
        answer = json.loads(await ws.receive_str(timeout=5))
    assert answer["error"]["code"] == "invalid_format" and "may not begin with 'untold-'" in answer["error"]["message"]
    stats = await served.gateway.queue_stats()
    assert stats["outbox"].get("websocket", {}).get("pending", 0) == 0 and stats["dead_letters"]["total"] == 0
    assert model.requests == [], "the model was not asked for an answer no one can receive"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "no one listening is no failure"
    assert any(r.getMessage().startswith("A reply to websocket chat untold-") and "was dropped" in r.getMessage()
               for r in caplog.records), "the slow automation's reply was dropped, said at INFO"


async def test_a_reply_for_a_call_that_timed_out_before_telling_its_conversation_is_dropped(serve, caplog) -> None:
    served = await serve(extra="  response_timeout: 0.2\n" + SLOW)  # the reply comes after 0.3 s
    caplog.set_level(logging.INFO)
    session, ws = await ha_socket(served, await served.token())
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "conversation/process", "text": "anyone?"}))
        answer = json.loads(await ws.receive_str(timeout=5))
        assert answer["error"]["code"] == "timeout", answer  # the conversation's name was to come with the answer
        await asyncio.wait_for(served.gateway.wait_idle(), 10)  # a held reply would keep it waiting
    stats = await served.gateway.queue_stats()
    assert stats["outbox"].get("websocket", {}).get("pending", 0) == 0 and stats["dead_letters"]["total"] == 0
    assert any("was dropped: no one can receive it: the conversation was told to no one" in r.getMessage()
               for r in caplog.records)


async def _stop_under_a_call(serve) -> None:
    """Roost stops while a conversation/process that named no conversation waits: its name never comes."""
    served = await serve(extra="roost: {stop_timeout: 0.05}\n" + SLOW)  # the run is cut short, and runs again
    session, ws = await ha_socket(served, await served.token())
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "conversation/process", "text": "anyone?"}))
        await asyncio.sleep(0.1)  # its run waits in its delay
        stopping = asyncio.ensure_future(served.gateway.stop())
        answer = json.loads(await ws.receive_str(timeout=5))
        await stopping
    assert "Roost is stopping" in answer["error"]["message"], answer


async def test_a_call_roost_stopped_under_before_telling_its_conversation_is_dropped_after_the_restart(
        serve, caplog) -> None:
    caplog.set_level(logging.INFO)
    await _stop_under_a_call(serve)
    again = await serve(extra=SLOW)  # the run runs again
    await asyncio.wait_for(again.gateway.wait_idle(), 10)  # a held reply would keep it waiting
    stats = await again.gateway.queue_stats()
    assert stats["outbox"].get("websocket", {}).get("pending", 0) == 0 and stats["dead_letters"]["total"] == 0
    assert any("was dropped: no one can receive it: the conversation was told to no one" in r.getMessage()
               for r in caplog.records)


async def test_a_damaged_record_of_untold_conversations_is_forgotten_with_a_warning(serve, tmp_path, caplog) -> None:
    await _stop_under_a_call(serve)
    with sqlite3.connect(tmp_path / "config" / "roost.db") as db:
        [value] = db.execute("SELECT value FROM state WHERE domain = 'websocket_api' AND key = ?", (UNTOLD_KEY,)).fetchone()
        db.execute("UPDATE state SET value = ? WHERE domain = 'websocket_api' AND key = ?",
                   (value[:-5] + bytes([value[-5] ^ 0x10]) + value[-4:], UNTOLD_KEY))
    again = await serve(extra=SLOW)
    assert again.gateway.integrations["websocket_api"].status == "loaded"
    assert any("told to no one before the last stop are forgotten" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)


async def test_a_call_that_timed_out_but_heard_the_reply_events_keeps_its_conversation(serve) -> None:
    # The reply comes 1.5 s after the call, long after the client left (with 0.3 s, a clean clone's run once saw
    # the client still there: the reply went to it, and nothing was held).
    served = await serve(extra="  response_timeout: 0.1\n" + SLOW.replace("delay: 0.3", "delay: 1.5"))
    session, ws = await ha_socket(served, await served.token())
    async with session:  # the events tell it the conversation's name: it may take it up again
        await ws.send_str(json.dumps({"id": 1, "type": "subscribe_events", "event_type": "roost_reply"}))
        assert json.loads(await ws.receive_str(timeout=5))["success"] is True
        await ws.send_str(json.dumps({"id": 2, "type": "conversation/process", "text": "anyone?"}))
        assert json.loads(await ws.receive_str(timeout=5))["error"]["code"] == "timeout"
    async with asyncio.timeout(10):  # the run ends with its reply held
        while (stats := await served.gateway.queue_stats())["tasks"]["done"] < 1:
            await asyncio.sleep(0.05)
    assert stats["outbox"]["websocket"]["pending"] == 1, "held for whoever takes the conversation up"


ASK = """
automations:
  - id: ask
    triggers: [{trigger: message, platform: websocket}]
    actions: [{generate: {prompt: "{{ trigger.text }}", reply: true}}]
"""


async def test_an_answer_whose_client_left_while_it_streamed_waits_whole(serve) -> None:
    served = await serve(extra=ASK, models=(InstantModel(text="word " * 20, delay=0.05),))
    token = await served.token()
    session, ws = await ha_socket(served, token)
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "subscribe_events", "event_type": "roost_reply"}))
        await _call(ws, 2, "hello", "attic")
        pieces = 0
        while pieces < 3:  # leave after three pieces of the answer
            pieces += json.loads(await ws.receive_str(timeout=5)).get("type") == "event"
    async with asyncio.timeout(10):  # the run ends with its answer held
        while (stats := await served.gateway.queue_stats())["tasks"]["done"] < 1:
            await asyncio.sleep(0.05)
    assert stats["outbox"]["websocket"]["pending"] == 1 and stats["delivered"] == 0, "held, not lost"
    event = await _take_up(served, token, "attic")
    assert event == {"conversation_id": "attic", "text": ("word " * 20).strip(), "done": True}


async def test_an_answer_for_a_call_that_timed_out_while_it_streamed_stops(serve) -> None:
    model = InstantModel(text="word " * 40, delay=0.05)  # 2 s
    served = await serve(extra="  response_timeout: 0.3\n" + ASK, models=(model,))
    answered: list[dict] = []
    served.gateway.bus.listen(events.MODEL_ANSWERED, lambda event: answered.append(dict(event.data)))
    session, ws = await ha_socket(served, await served.token())
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "conversation/process", "text": "a long story, please"}))
        assert json.loads(await ws.receive_str(timeout=5))["error"]["code"] == "timeout"
        await asyncio.wait_for(served.gateway.wait_idle(), 10)
    assert answered[0]["finish_reason"] == "cancelled" and answered[0]["chunks"] < 20, "stopped, not written for no one"
    stats = await served.gateway.queue_stats()
    assert stats["outbox"].get("websocket", {}).get("pending", 0) == 0 and stats["dead_letters"]["total"] == 0


async def test_a_connection_holds_its_most_recent_conversations_and_the_replies_of_older_ones_wait(serve,
                                                                                                 monkeypatch) -> None:
    monkeypatch.setattr(conversations, "REMEMBERED", 2)  # a long-lived client, calls in many conversations
    served = await serve(extra=ECHO)
    token = await served.token()
    session, ws = await ha_socket(served, token)
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "subscribe_events", "event_type": "roost_reply"}))
        for msg_id, conversation_id in enumerate(("older", "middle", "newest"), start=2):
            await _call(ws, msg_id, "hi", conversation_id, return_response=True)
            async with asyncio.timeout(5):
                while (frame := json.loads(await ws.receive_str())).get("id") != msg_id or frame["type"] != "result":
                    pass
        await served.gateway.send("websocket", "older", "later, for the older one")
        await served.gateway.send("websocket", "newest", "later, for the newest one")
        async with asyncio.timeout(5):
            while (frame := json.loads(await ws.receive_str())).get("type") != "event" or not frame["event"]["data"][
                    "text"].startswith("later"):
                pass
        assert frame["event"]["data"] == {"conversation_id": "newest", "text": "later, for the newest one",
                                          "done": True}
        async with asyncio.timeout(5):  # the older one's waits in the outbox (this connection let it go)
            while (await served.gateway.queue_stats())["outbox"]["websocket"].get("pending", 0) != 1:
                await asyncio.sleep(0.05)
    event = await _take_up(served, token, "older")
    assert event == {"conversation_id": "older", "text": "later, for the older one", "done": True}


async def test_roost_cancel_stops_the_answer_being_written_and_the_waiting_call_returns(serve) -> None:
    model = InstantModel(text="word " * 200, delay=0.05)  # 10 s
    served = await serve(extra=ASK, models=(model,))
    answered: list[dict] = []
    served.gateway.bus.listen(events.MODEL_ANSWERED, lambda event: answered.append(dict(event.data)))
    session, ws = await ha_socket(served, await served.token())
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "subscribe_events", "event_type": "roost_reply"}))
        await _call(ws, 2, "a long story, please", "attic", return_response=True)
        frames = [json.loads(await ws.receive_str(timeout=5)) for _ in range(4)]  # subscribed, three pieces
        assert [f["type"] for f in frames] == ["result", "event", "event", "event"]
        await ws.send_str(json.dumps({"id": 3, "type": "call_service", "domain": "roost", "service": "cancel",
                                      "service_data": {"conversation_id": "attic"}, "return_response": True}))
        results = {}
        async with asyncio.timeout(5):
            while len(results) < 2:
                frame = json.loads(await ws.receive_str())
                if frame["type"] == "result":
                    results[frame["id"]] = frame
        assert results[3]["result"]["response"] == {"cancelled": 1}
        assert results[2]["success"] is True, "the message's runs are over: its call returns"
        await ws.send_str(json.dumps({"id": 4, "type": "call_service", "domain": "roost", "service": "cancel",
                                      "service_data": {"conversation_id": "attic"}, "return_response": True}))
        assert json.loads(await ws.receive_str(timeout=5))["result"]["response"] == {"cancelled": 0}
        await ws.send_str(json.dumps({"id": 5, "type": "call_service", "domain": "roost", "service": "cancel",
                                      "service_data": {}}))
        assert json.loads(await ws.receive_str(timeout=5))["error"]["code"] == "invalid_format"
    assert answered[0]["finish_reason"] == "cancelled" and answered[0]["chunks"] < 50, (answered, results)
