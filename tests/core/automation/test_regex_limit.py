"""Regular expressions see at most `roost: regex_max_text` characters; long texts are matched off the loop."""

from __future__ import annotations

import threading

from core.pipeline.inbound import OFF_LOOP_TEXT

LIMITED = """\
roost:
  regex_max_text: 100
automations:
  - id: starts
    triggers: [{trigger: message, pattern: '^x+'}]
    actions: [{reply: starts}]
  - id: ends
    triggers: [{trigger: message, pattern: 'tail$'}]
    actions: [{reply: ends}]
  - id: checked
    triggers: [{trigger: message, command: check}]
    conditions: [{condition: regex, pattern: 'needle'}]
    actions: [{reply: found}]
"""


async def test_a_pattern_sees_only_the_first_characters_and_the_trace_says_so(start_gateway) -> None:
    roost = await start_gateway(LIMITED)
    await roost.ask("x" * 200 + "tail")
    assert roost.channels["test"].texts == ["starts"]
    [trace] = roost.traces("starts")
    assert trace.notes == ["the text has 204 characters: patterns saw its first 100"]
    await roost.ask("x" * 10 + "tail")
    assert "ends" in roost.channels["test"].texts
    assert roost.traces("ends")[0].notes == []


async def test_a_regex_condition_sees_only_the_first_characters(start_gateway) -> None:
    roost = await start_gateway(LIMITED)
    await roost.ask("/check " + "." * 200 + "needle")
    await roost.ask("/check needle " + "." * 200)
    assert roost.channels["test"].texts == ["found"]
    failed, passed = roost.traces("checked")
    assert failed.status == "condition failed" and failed.notes
    assert passed.status == "finished"


async def test_long_texts_are_matched_in_a_worker_thread(start_gateway) -> None:
    roost = await start_gateway(LIMITED)
    engine = roost.engine
    threads: list[str] = []
    match = engine.match_message

    def recording(message):
        threads.append(threading.current_thread().name)
        return match(message)

    engine.match_message = recording
    await roost.ask("x" * 10)
    await roost.ask("x" * (OFF_LOOP_TEXT + 1))
    assert threads[0] == threading.main_thread().name
    assert threads[1] != threading.main_thread().name
    assert roost.channels["test"].texts == ["starts", "starts"]
