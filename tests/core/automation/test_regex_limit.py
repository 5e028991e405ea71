"""Regular expressions see at most `roost: regex_max_text` characters; long texts are matched off the loop."""

from __future__ import annotations

import re
import threading
import time

import pytest

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



def _one_trigger(pattern: str) -> str:
    return f"automations:\n  - id: slow\n    triggers: [{{trigger: message, pattern: '{pattern}'}}]\n" \
           "    actions: [{reply: x}]\n"


def test_the_shape_refused_below_is_really_exponential() -> None:
    started = time.perf_counter()
    assert re.search(r"^(\s+)+$", " " * 22 + "x") is None
    assert time.perf_counter() - started > 0.05  # 22 spaces; each one more doubles it


@pytest.mark.parametrize("pattern", [r"^(\s+)+$", r"^(\w+\s?)*$", r"(a|b+)*c", r"((\d+))+x", r"(\w+\.?\w*)+@"])
async def test_a_pattern_that_can_take_exponential_time_is_refused_where_it_is_written(
    start_gateway, pattern: str,
) -> None:
    roost = await start_gateway(_one_trigger(pattern), expect_errors=True)
    [error] = [str(e) for e in roost.gateway.config_errors if str(roost.gateway.config_dir) in str(e)]
    assert ":3: automations.0.triggers.0.pattern: this pattern can take exponential time" in error
    assert "slow" not in roost.engine.automations


@pytest.mark.parametrize("pattern", [r"^(\s++)+$", r"^(?>\s+)+$", r"^(\w+\s)+end$", r"^(ab){2,5}$"])
async def test_possessive_atomic_and_delimited_repetitions_are_allowed(start_gateway, pattern: str) -> None:
    roost = await start_gateway(_one_trigger(pattern))
    started = time.perf_counter()
    await roost.ask(" " * 4000 + "x")
    assert time.perf_counter() - started < 1.0
