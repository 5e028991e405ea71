"""The plain chat socket at /api/chat: text in, replies out in order, JSON ids, clear errors, nothing lost."""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest
from aiohttp import WSMsgType

from core import events
from tests.helpers.models import InstantModel
from tests.helpers.store_full import allow_messages, refuse_messages

SLOW = """
automations:
  - id: slow
    triggers: [{trigger: message, platform: websocket_chat}]
    actions:
      - delay: 0.3
      - reply: "late: {{ trigger.text }}"
"""
"""A reply that comes after the client had time to leave."""


async def _connect(session: aiohttp.ClientSession, url: str, token: str, conversation: str = ""):
    query = f"?access_token={token}" + (f"&conversation={conversation}" if conversation else "")
    return await session.ws_connect(url.replace("http", "ws") + "/api/chat" + query)


async def test_replies_come_back_in_the_order_of_the_messages(serve) -> None:
    served = await serve()
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token)
        for i in range(20):
            await ws.send_str(f"message {i}")
        replies = [await ws.receive_str(timeout=5) for _ in range(20)]
        await ws.close()
    assert replies == [f"echo: message {i}" for i in range(20)]


async def test_json_frames_are_answered_with_their_ids_and_the_token_header_works(serve) -> None:
    served = await serve()
    token = await served.token()
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session:
        ws = await session.ws_connect(served.url.replace("http", "ws") + "/api/chat")
        await ws.send_str(json.dumps({"id": "a1", "text": "first"}))
        await ws.send_str(json.dumps({"id": 2, "text": "second"}))
        answers = [json.loads(await ws.receive_str(timeout=5)) for _ in range(2)]
        await ws.close()
    assert answers == [{"id": "a1", "text": "echo: first"}, {"id": 2, "text": "echo: second"}]


async def test_bad_frames_get_an_error_frame_and_the_socket_stays_usable(serve) -> None:
    served = await serve()
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token)
        await ws.send_str('{"id": 1, "text": 5}')
        assert "JSON frame is" in json.loads(await ws.receive_str(timeout=5))["error"]
        await ws.send_str("{not json")
        assert "JSON frame is" in json.loads(await ws.receive_str(timeout=5))["error"]
        await ws.send_bytes(b"\x00\x01")
        assert "send text frames" in json.loads(await ws.receive_str(timeout=5))["error"]
        await ws.send_str(" \n")  # as the HA socket's roost.send_message, nothing to answer
        assert json.loads(await ws.receive_str(timeout=5)) == {"error": "the message is empty: send some text"}
        await ws.send_str(json.dumps({"id": "x" * 300, "text": "hi"}))
        assert "an id is at most 256 characters" in json.loads(await ws.receive_str(timeout=5))["error"]
        await ws.send_str('{"id": 9, "text": ""}')
        assert json.loads(await ws.receive_str(timeout=5)) == {"error": "the message is empty: send some text", "id": 9}
        await ws.send_str("still here")
        assert await ws.receive_str(timeout=5) == "echo: still here"
        await ws.close()


async def test_a_frame_over_4_mib_closes_the_socket_with_1009(serve) -> None:
    served = await serve()
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token)
        try:
            await ws.send_str("x" * (4 * 1024 * 1024 + 1))
            frame = await ws.receive(timeout=5)
        except ConnectionError:  # the server closed while the frame was still being written
            pass
        else:
            assert frame.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
            assert ws.close_code == 1009
        ws = await _connect(session, served.url, token)
        await ws.send_str("x" * (4 * 1024 * 1024 - 100))
        assert (await ws.receive_str(timeout=10)).startswith("echo: xxx"), "just under the limit is fine"
        await ws.close()


async def test_without_a_valid_token_the_handshake_is_refused(serve) -> None:
    served = await serve()
    async with aiohttp.ClientSession() as session:
        for query in ("", "?access_token=roost_wrong"):
            try:
                await session.ws_connect(served.url.replace("http", "ws") + "/api/chat" + query)
            except aiohttp.WSServerHandshakeError as err:
                assert err.status == 401
            else:
                raise AssertionError("connected without a valid token")


async def test_a_reply_for_a_closed_socket_waits_and_reaches_the_conversation_again(serve, caplog) -> None:
    served = await serve(extra=SLOW)
    token = await served.token()
    caplog.set_level(logging.INFO, logger="core.pipeline.channel_queue")
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token, conversation="kitchen")
        await ws.send_str("are you there?")
        await asyncio.sleep(0.05)
        await ws.close()
        await asyncio.sleep(0.5)  # the reply finds no socket: it stays in the outbox, held for an hour
        ws = await _connect(session, served.url, token, conversation="kitchen")
        assert await ws.receive_str(timeout=3) == "late: are you there?"  # sent when the socket is back
        await ws.send_str(json.dumps({"id": {"n": 7}, "text": "and now?"}))
        await ws.close()
        await asyncio.sleep(0.5)
        ws = await _connect(session, served.url, token, conversation="kitchen")
        assert json.loads(await ws.receive_str(timeout=3)) == {"id": {"n": 7}, "text": "late: and now?"}, \
            "a JSON message's reply carries its id to the next socket"
        await ws.close()
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "core.pipeline.channel_queue"]
    assert said == [("INFO", "A reply to websocket_chat chat kitchen waits: no client is connected to conversation"
                             " 'kitchen'; it goes when the chat is back (or in 60 min)")] * 2, "once for each wait"


async def test_a_reply_for_a_closed_socket_that_named_no_conversation_is_dropped(serve, caplog) -> None:
    served = await serve(extra=SLOW)
    token = await served.token()
    caplog.set_level(logging.INFO, logger="core.pipeline.channel_queue")
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token)
        await ws.send_str("are you there?")
        await asyncio.sleep(0.05)
        await ws.close()  # before the reply: no one was told this conversation's name, no one can take it up
        await asyncio.wait_for(served.gateway.wait_idle(), 10)  # a held reply would keep it waiting
        async with session.get(served.url + "/api/chat?conversation=socket-123",
                               headers={"Authorization": f"Bearer {token}"}) as response:
            assert response.status == 400 and "may not begin with 'socket-'" in await response.text()
    stats = await served.gateway.queue_stats()
    assert stats["outbox"].get("websocket_chat", {}).get("pending", 0) == 0, "not held for an hour"
    assert stats["dead_letters"]["total"] == 0, "a client that left is no failure"
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "core.pipeline.channel_queue"]
    assert len(said) == 1 and said[0][0] == "INFO", said
    assert said[0][1].startswith("A reply to websocket_chat chat socket-") and said[0][1].endswith(
        " was dropped: no one can receive it: the socket of this conversation closed, and no other can take it up")


async def test_a_model_stops_answering_a_socket_that_closed_and_named_no_conversation(serve, caplog) -> None:
    model = InstantModel(text="word " * 60, delay=0.02)  # 1.2 s to answer whole
    served = await serve(extra="""
automations:
  - id: ask
    triggers: [{trigger: message, platform: websocket_chat}]
    actions: [{generate: {prompt: "{{ trigger.text }}", reply: true}}]
""", models=(model,))
    answered: list[dict] = []
    served.gateway.bus.listen(events.MODEL_ANSWERED, lambda event: answered.append(dict(event.data)))
    caplog.set_level(logging.INFO)
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, await served.token())
        await ws.send_str("tell me a long story")
        await ws.send_str("and another")  # its run waits for the first's
        async with asyncio.timeout(5):
            while not model.requests:
                await asyncio.sleep(0.01)
        await ws.close()  # while the model answers
    await asyncio.wait_for(served.gateway.wait_idle(), 5)
    assert len(answered) == 1 and answered[0]["finish_reason"] == "cancelled" and answered[0]["chunks"] < 30, \
        "stopped, not run to its end"
    assert len(model.requests) == 1, "the next message's answer was not begun"
    traces = await served.gateway.traces(2, "ask", None)
    assert [t["status"] for t in traces] == ["cancelled"] * 2, traces
    assert all("no one can receive the answer" in t["error"] for t in traces), traces
    stats = await served.gateway.queue_stats()
    assert stats["dead_letters"]["total"] == 0 and stats["outbox"].get("websocket_chat", {}).get("pending", 0) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "a client that left is no failure"


ASK = """
automations:
  - id: ask
    triggers: [{trigger: message, platform: websocket_chat}]
    actions: [{generate: {prompt: "{{ trigger.text }}", reply: true}}]
"""


async def _answer_frames(ws: aiohttp.ClientWebSocketResponse, message_id: int, text: str) -> list[dict]:
    """Send a JSON message on a socket opened with ?stream=1; the frames of its answer, up to the one marked done."""
    await ws.send_str(json.dumps({"id": message_id, "text": text}))
    frames: list[dict] = []
    while not frames or not frames[-1]["done"]:
        frames.append(json.loads(await ws.receive_str(timeout=5)))
    return frames


async def test_a_socket_that_asks_gets_a_models_answer_as_it_is_written(serve) -> None:
    served = await serve(extra=ASK, models=(InstantModel(text="Rye bread rises overnight.", delay=0.05),))
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token, "kitchen&stream=1")
        frames = await _answer_frames(ws, 7, "how does rye rise?")
        await ws.send_str("and plain text?")  # answered whole: a client of plain text shows no pieces
        assert await ws.receive_str(timeout=5) == "Rye bread rises overnight."
        plain = await _connect(session, served.url, token, "hall")  # a socket that did not ask: whole, as before
        await plain.send_str(json.dumps({"id": 8, "text": "and here?"}))
        assert json.loads(await plain.receive_str(timeout=5)) == {"id": 8, "text": "Rye bread rises overnight."}
        await ws.close()
        await plain.close()
    assert [frame["text"] for frame in frames] == ["Rye ", "Rye bread ", "Rye bread rises ", "Rye bread rises overnight.",
                                                   "Rye bread rises overnight."]
    assert [frame["done"] for frame in frames] == [False] * 4 + [True] and {frame["id"] for frame in frames} == {7}
    await asyncio.wait_for(served.gateway.wait_idle(), 5)
    stats = await served.gateway.queue_stats()
    assert stats["outbox"].get("websocket_chat", {}).get("pending", 0) == 0


async def test_an_answer_whose_socket_closed_while_it_was_written_comes_whole_to_the_next(serve) -> None:
    served = await serve(extra=ASK, models=(InstantModel(text="word " * 20, delay=0.05),))  # 1 s to write
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token, "kitchen&stream=1")
        await ws.send_str(json.dumps({"id": "q", "text": "a long answer, please"}))
        first = json.loads(await ws.receive_str(timeout=5))
        assert first == {"id": "q", "text": "word ", "done": False}
        await ws.close()  # gone while the answer is written
        await asyncio.sleep(1.5)
        again = await _connect(session, served.url, token, "kitchen&stream=1")
        assert json.loads(await again.receive_str(timeout=5)) == {"id": "q", "text": ("word " * 20).strip(),
                                                                   "done": True}
        await again.close()


async def test_cancel_stops_the_answer_being_written(serve) -> None:
    served = await serve(extra=ASK, models=(InstantModel(text="word " * 100, delay=0.05),))  # 5 s to write
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token, "kitchen&stream=1")
        await ws.send_str(json.dumps({"cancel": True}))
        assert json.loads(await ws.receive_str(timeout=5)) == {"cancelled": 0}  # nothing to stop yet
        await ws.send_str(json.dumps({"id": 1, "text": "go on"}))
        assert json.loads(await ws.receive_str(timeout=5))["done"] is False
        await ws.send_str(json.dumps({"cancel": True}))
        frames = [json.loads(await ws.receive_str(timeout=5))]
        while "cancelled" not in frames[-1]:
            frames.append(json.loads(await ws.receive_str(timeout=5)))
        assert frames[-1] == {"cancelled": 1}
        await asyncio.wait_for(served.gateway.wait_idle(), 5)
        with pytest.raises(TimeoutError):  # it stopped where it was: no more pieces, no whole answer
            await ws.receive_str(timeout=0.5)
        await ws.close()
    [trace] = await served.gateway.traces(1, "ask", None)
    assert trace["status"] == "cancelled"


async def test_a_socket_that_asks_is_told_when_each_message_is_stored(serve) -> None:
    served = await serve(extra=SLOW)  # the answer comes 0.3 s after the message: the word that it is stored first
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token, "kitchen&stored=1")
        await ws.send_str(json.dumps({"id": "m1", "text": "hello"}))
        assert json.loads(await ws.receive_str(timeout=5)) == {"id": "m1", "stored": True}
        assert json.loads(await ws.receive_str(timeout=5)) == {"id": "m1", "text": "late: hello"}
        await served.gateway.store.db.write(refuse_messages)
        await ws.send_str(json.dumps({"id": "m2", "text": "lost?"}))
        refused = json.loads(await ws.receive_str(timeout=5))
        assert refused["id"] == "m2" and "Roost cannot store messages now" in refused["error"]
        await served.gateway.store.db.write(allow_messages)
        await ws.close()


async def test_a_message_sent_again_on_a_socket_that_asks_is_stored_once(serve) -> None:
    served = await serve(extra=SLOW)
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token, "kitchen&stored=1")
        await ws.send_str(json.dumps({"id": "m1", "text": "hello"}))
        await ws.close()  # before the word that it is stored
        ws = await _connect(session, served.url, token, "kitchen&stored=1")
        await ws.send_str(json.dumps({"id": "m1", "text": "hello"}))
        await ws.send_str(json.dumps({"id": "m2", "text": "hello"}))  # another id: another message
        frames = [json.loads(await ws.receive_str(timeout=5)) for _ in range(4)]
        with pytest.raises(TimeoutError):
            await ws.receive_str(timeout=0.5)
        other = await _connect(session, served.url, token, "hall&stored=1")  # an id names a message in its conversation
        await other.send_str(json.dumps({"id": "m1", "text": "hello"}))
        assert json.loads(await other.receive_str(timeout=5)) == {"id": "m1", "stored": True}
        plain = await _connect(session, served.url, token, "porch")  # without ?stored=1 an id is the client's own
        for _ in range(2):
            await plain.send_str(json.dumps({"id": "m1", "text": "hello"}))
        frames_plain = [json.loads(await plain.receive_str(timeout=5)) for _ in range(2)]
        for socket in (ws, other, plain):
            await socket.close()
    assert frames == [{"id": "m1", "stored": True, "again": True}, {"id": "m2", "stored": True},
                      {"id": "m1", "text": "late: hello"}, {"id": "m2", "text": "late: hello"}]
    assert frames_plain == [{"id": "m1", "text": "late: hello"}] * 2


async def test_a_socket_that_asks_gets_each_whole_answer_of_a_model_as_html_too(serve) -> None:
    answer = "**rye** <img src=x> [shop](https://e.org) [x](javascript:1)"
    served = await serve(extra=ASK, models=(InstantModel(text=answer),))
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token, "kitchen&html=1")
        await ws.send_str(json.dumps({"id": 1, "text": "bread?"}))
        formatted = json.loads(await ws.receive_str(timeout=5))
        await ws.send_str("plain text")  # a client of plain text gets text
        assert await ws.receive_str(timeout=5) == answer
        other = await _connect(session, served.url, token, "hall")  # a socket that did not ask: no html
        await other.send_str(json.dumps({"id": 2, "text": "bread?"}))
        assert json.loads(await other.receive_str(timeout=5)) == {"id": 2, "text": answer}
        await ws.close()
        await other.close()
    assert formatted == {"id": 1, "text": answer,
                         "html": '<b>rye</b> &lt;img src=x&gt; <a href="https://e.org" target="_blank"'
                                 ' rel="noopener noreferrer">shop</a> [x](javascript:1)'}


async def test_an_automations_own_text_comes_as_text_only(serve) -> None:
    served = await serve()  # echo: {{ trigger.text }}
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token, "kitchen&html=1")
        await ws.send_str(json.dumps({"id": 1, "text": "**rye**"}))
        assert json.loads(await ws.receive_str(timeout=5)) == {"id": 1, "text": "echo: **rye**"}
        await ws.close()


async def test_an_answer_written_as_html_comes_in_frames_at_most_every_quarter_second(serve) -> None:
    answer = "**Rye** " + "rises " * 59  # 60 pieces, 0.01 s apart
    served = await serve(extra=ASK, models=(InstantModel(text=answer, delay=0.01),))
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await _connect(session, served.url, token, "kitchen&stream=1&html=1")
        frames = await _answer_frames(ws, 7, "rye?")
        await ws.close()
    *partial, whole = frames
    assert 1 <= len(partial) <= 4, "about 0.6 s of answer: a frame a quarter second, not one a piece"
    assert all(frame["html"].startswith("<b>Rye</b>") for frame in partial)  # the first at the first piece
    assert whole["html"] == "<b>Rye</b> " + " ".join(["rises"] * 59) and whole["text"] == answer.strip()
