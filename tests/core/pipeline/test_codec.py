"""Task payloads of automation runs: the message left to the inbox, the run rebuilt exactly."""

from __future__ import annotations

import pytest

from core.message import Message
from core.pipeline.codec import decode_run, encode_run

CONFIG = """
automations:
  - id: greet
    triggers:
      - trigger: message
        pattern: "^/hello (?P<who>\\\\w+)"
    conditions:
      - condition: template
        value_template: "{{ trigger.match.who != 'nobody' }}"
    actions:
      - reply: "hi {{ trigger.match.who }}"
  - id: on_event
    triggers:
      - trigger: event
        event_type: ping
    actions:
      - reply: "pong"
"""


def _message() -> Message:
    return Message.create(
        "test", "chat-7", "alice", "/hello bob", id="m-42", reply_to="m-41",
        bot_names=("roost",), mentions_bot=True, raw={"update_id": 9, "nested": [1, "two"]},
    )


async def _engine(make_config, make_gateway):
    gateway = await make_gateway(make_config(CONFIG))
    return gateway.engine


async def test_trigger_variables_that_differ_from_the_message_are_kept(make_config, make_gateway) -> None:
    engine = await _engine(make_config, make_gateway)
    [(request, _trace)] = engine.prepare_message(_message())
    request.trigger["text"] = "changed by the trigger"
    rebuilt = decode_run(encode_run(request), engine, request.message)
    assert rebuilt is not None
    assert rebuilt.trigger["text"] == "changed by the trigger"
    assert rebuilt.message is not None and rebuilt.message.text == "/hello bob"
    engine.release(request)


async def test_a_run_without_a_message_keeps_its_trigger(make_config, make_gateway) -> None:
    engine = await _engine(make_config, make_gateway)
    automation = engine.automations["on_event"]
    request = engine.prepare(automation, {"trigger": "event", "event_type": "ping", "data": {"n": 1}})
    assert request is not None
    rebuilt = decode_run(encode_run(request), engine)
    assert rebuilt is not None and rebuilt.message is None
    assert rebuilt.trigger == {"trigger": "event", "event_type": "ping", "data": {"n": 1}}


async def test_a_run_of_a_removed_automation_decodes_to_none(make_config, make_gateway) -> None:
    engine = await _engine(make_config, make_gateway)
    [(request, _trace)] = engine.prepare_message(_message())
    payload = encode_run(request).replace(b'"greet"', b'"gone"')
    assert decode_run(payload, engine, request.message) is None
    engine.release(request)


async def test_a_message_run_leaves_its_message_out_and_is_rebuilt_exactly(make_config, make_gateway) -> None:
    engine = await _engine(make_config, make_gateway)
    message = _message()
    [(request, _trace)] = engine.prepare_message(message)
    payload = encode_run(request)
    assert b"/hello bob" not in payload and b"chat-7" not in payload and b"update_id" not in payload
    assert payload.startswith(b'["m","greet",')  # the compact form
    rebuilt = decode_run(payload, engine, message)
    assert rebuilt is not None
    assert rebuilt.automation is request.automation and rebuilt.run_id == request.run_id
    assert rebuilt.message is message
    assert list(rebuilt.trigger.items()) == list(request.trigger.items())  # same keys, same order
    assert rebuilt.trigger["match"] == {"who": "bob"} and rebuilt.trigger["groups"] == ["bob"]
    assert rebuilt.trace.conditions == request.trace.conditions and rebuilt.trace.conditions
    assert rebuilt.trace.trigger == request.trace.trigger
    with pytest.raises(ValueError, match="pass the stored message"):
        decode_run(payload, engine)
    engine.release(request)


async def test_changed_trigger_variables_are_kept_beside_the_stored_message(make_config, make_gateway) -> None:
    engine = await _engine(make_config, make_gateway)
    message = _message()
    [(request, _trace)] = engine.prepare_message(message)
    request.trigger["text"] = "changed by the trigger"
    payload = encode_run(request)
    assert b"/hello bob" not in payload
    rebuilt = decode_run(payload, engine, message)
    assert rebuilt is not None
    assert list(rebuilt.trigger.items()) == list(request.trigger.items())
    assert rebuilt.message is message
    with pytest.raises(ValueError, match="pass the stored message"):
        decode_run(payload, engine)
    engine.release(request)
