"""Action types and how runs are traced: each step with its result or error and its time."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from core.automation.actions import duration

ACTION = """
automations:
  - id: a
    triggers:
      - {trigger: message, command: go}
    actions:
ACTIONS
"""


def _config(actions: str, extra: str = "") -> str:
    body = "\n".join("      " + line for line in actions.strip("\n").splitlines())
    return ACTION.replace("ACTIONS", body) + extra


async def _run(start_gateway, actions: str, text: str = "/go", **kw: Any):
    h = await start_gateway(_config(actions), **kw)
    await h.ask(text)
    (trace,) = h.ran("a")
    return h, trace


async def test_reply_goes_to_the_chat_of_the_message(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- reply: "hi {{ trigger.sender }}, you said {{ trigger.args | join('+') }}"
""", "/go 1 2")
    (sent,) = h.channels["test"].sent
    assert (sent.chat_id, sent.text) == ("c1", "hi alice, you said 1+2")
    assert sent.idempotency_key.startswith(trace.run_id)
    assert trace.status == "finished"
    assert trace.steps[0].action == "reply" and trace.steps[0].result == "hi alice, you said 1+2"


async def test_reply_with_text_mapping(start_gateway) -> None:
    h, _ = await _run(start_gateway, """
- reply: {text: "plain"}
""")
    assert h.channels["test"].texts == ["plain"]


async def test_send_to_another_platform_and_chat(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- send: {platform: other, chat_id: 99, text: "from {{ trigger.platform }}"}
""", platforms=("test", "other"))
    assert h.channels["test"].sent == []
    (sent,) = h.channels["other"].sent
    assert (sent.chat_id, sent.text) == ("99", "from test")
    assert trace.status == "finished"


async def test_send_to_unknown_platform_fails_the_run(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- send: {platform: nowhere, chat_id: 1, text: x}
""")
    assert trace.status == "failed"
    assert "nowhere" in trace.steps[0].error


async def test_event_fires_with_rendered_data(start_gateway) -> None:
    h = await start_gateway(_config("""
- event: "seen_{{ trigger.command }}"
  event_data: {who: "{{ trigger.sender }}", n: "{{ trigger.args | length }}"}
"""))
    events: list[Any] = []
    h.gateway.bus.listen("seen_go", events.append)
    await h.ask("/go a b")
    (event,) = events
    assert event.data == {"who": "alice", "n": 2}


async def test_delay_waits_and_trace_records_duration(start_gateway) -> None:
    h = await start_gateway(_config("""
- delay: 0.15
- reply: done
"""))
    started = time.monotonic()
    await h.ask("/go")
    assert time.monotonic() - started >= 0.15
    (trace,) = h.ran("a")
    delay, reply = trace.steps
    assert delay.action == "delay" and delay.result == 0.15
    assert 0.14 <= delay.duration < 1.0
    assert reply.duration < delay.duration
    assert trace.as_dict()["steps"][0]["duration"] >= 0.14


async def test_delay_from_a_template(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- delay: "{{ trigger.args[0] }}"
""", "/go 50ms")
    assert trace.steps[0].result == pytest.approx(0.05)


@pytest.mark.parametrize(("value", "seconds"), [
    (5, 5.0), ("5", 5.0), ("5s", 5.0), ("2m", 120.0), ("250ms", 0.25), ("1h", 3600.0),
    ("01:30", 90.0), ("01:00:05", 3605.0), ({"minutes": 1, "seconds": 5}, 65.0),
])
def test_duration_forms(value: Any, seconds: float) -> None:
    assert duration(value) == seconds


async def test_variables_are_visible_to_later_steps(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- variables:
    who: "{{ trigger.sender | upper }}"
    greeting: "hello {{ who }}"
    count: "{{ trigger.args | length }}"
- reply: "{{ greeting }} ({{ count + 1 }})"
""", "/go x y")
    assert h.channels["test"].texts == ["hello ALICE (3)"]


async def test_automation_variables_and_inputs(start_gateway) -> None:
    h = await start_gateway("""
        automations:
          - id: a
            variables:
              shout: "{{ trigger.text | upper }}"
            triggers:
              - {trigger: message, command: go}
            actions:
              - reply: "{{ shout }} / {{ this.id }}"
        """)
    await h.ask("/go now")
    assert h.channels["test"].texts == ["/GO NOW / a"]


async def test_if_then_else(start_gateway) -> None:
    h = await start_gateway(_config("""
- if: "{{ trigger.args_text == 'yes' }}"
  then:
    - reply: "then"
  else:
    - reply: "else"
- if:
    - {condition: sender, sender: alice}
    - {condition: platform, platform: test}
  then: {reply: "both"}
"""))
    await h.ask("/go yes")
    await h.ask("/go no")
    await h.ask("/go yes", sender="bob")
    assert h.channels["test"].texts == ["then", "both", "else", "both", "then"]


async def test_choose_first_match_and_default(start_gateway) -> None:
    h = await start_gateway(_config("""
- choose:
    - conditions: "{{ trigger.args_text | int > 10 }}"
      sequence:
        - reply: big
    - conditions:
        - "{{ trigger.args_text | int > 5 }}"
      sequence:
        - reply: medium
    - conditions: "{{ trigger.args_text | int > 0 }}"
      sequence:
        - reply: small
  default:
    - reply: none
"""))
    for n in ("50", "7", "3", "0"):
        await h.ask(f"/go {n}")
    assert h.channels["test"].texts == ["big", "medium", "small", "none"]
    trace = h.ran("a")[0]
    assert trace.conditions[-1][1] is True and "choose.0" in trace.conditions[-1][0]


async def test_stop_ends_the_run(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- reply: before
- stop: "enough for {{ trigger.sender }}"
- reply: after
""")
    assert h.channels["test"].texts == ["before"]
    assert trace.status == "stopped"
    assert trace.error == "enough for alice"
    assert [s.action for s in trace.steps] == ["reply", "stop"]


async def test_stop_with_error_marks_the_run_failed(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- stop: "cannot do that"
  error: true
- reply: after
""")
    assert trace.status == "failed" and trace.error == "cannot do that"
    assert h.channels["test"].texts == []


async def test_stop_inside_a_branch_stops_everything(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- if: "{{ true }}"
  then:
    - stop: inner
- reply: after
""")
    assert trace.status == "stopped" and h.channels["test"].texts == []


def _register(gateway, calls: list[Any]) -> None:
    async def double(ctx: Any, data: dict[str, Any]) -> Any:
        calls.append((ctx.automation_id, data))
        return {"twice": data["n"] * 2}

    gateway.register_action("math.double", double)


async def test_call_registered_action_with_response_variable(start_gateway) -> None:
    calls: list[Any] = []
    h = await start_gateway(_config("""
- call: math.double
  data: {n: "{{ trigger.args[0] | int }}", label: fixed}
  response_variable: answer
- reply: "{{ answer.twice }}"
"""), before_start=lambda gw: _register(gw, calls))
    await h.ask("/go 21")
    assert calls == [("a", {"n": 21, "label": "fixed"})]
    assert h.channels["test"].texts == ["42"]
    (trace,) = h.ran("a")
    assert trace.steps[0].action == "call math.double"
    assert trace.steps[0].result == {"twice": 42}
    assert trace.as_dict()["steps"][0]["result"] == "{'twice': 42}"


async def test_a_misspelt_call_names_the_registered_action_most_like_it(start_gateway) -> None:
    _h, trace = await _run(start_gateway, "- call: math.dubble\n", before_start=lambda gw: _register(gw, []))
    assert trace.status == "failed"
    assert "no action 'math.dubble' is registered (did you mean 'math.double'?)" in trace.steps[0].error


async def test_call_unknown_action_is_an_error_in_the_trace(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- call: nobody.home
- reply: unreachable
""")
    assert trace.status == "failed"
    (step,) = trace.steps
    assert step.action == "call nobody.home"
    assert "no action 'nobody.home' is registered;" in step.error, "nothing like it to suggest"
    # Nothing but the one failure notice reaches the chat (roost.failure_reply).
    assert all(t.startswith("Sorry, that did not work.") for t in h.channels["test"].texts)
    assert len(h.ran("a")) == 1  # a configuration mistake is not retried


async def test_call_needs_domain_dot_action(start_gateway) -> None:
    h = await start_gateway(_config("""
- call: no_dot
"""), expect_errors=True)
    assert "a" not in h.engine.automations
    assert any("expected domain.action" in str(e) for e in h.gateway.config_errors)


async def test_continue_on_error(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- call: nobody.home
  continue_on_error: true
  response_variable: got
- reply: "carried on ({{ got | default('no result') }})"
""")
    assert h.channels["test"].texts == ["carried on (no result)"]
    assert trace.status == "finished"
    assert trace.steps[0].error and trace.steps[1].error is None


async def test_sequence_and_parallel(start_gateway) -> None:
    h = await start_gateway(_config("""
- parallel:
    - sequence:
        - delay: 0.2
        - reply: slow
    - sequence:
        - delay: 0.05
        - reply: fast
- reply: after
"""))
    started = time.monotonic()
    await h.ask("/go")
    took = time.monotonic() - started
    assert h.channels["test"].texts == ["fast", "slow", "after"]
    assert took < 0.4  # the branches overlapped
    (trace,) = h.ran("a")
    assert [s.action for s in trace.steps].count("delay") == 2
    assert trace.steps[0].action == "parallel"
    assert trace.steps[0].duration >= 0.19


async def test_parallel_error_cancels_siblings(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- parallel:
    - sequence:
        - delay: 0.3
        - reply: never
    - stop: broken
      error: true
""")
    assert trace.status == "failed"
    assert h.channels["test"].texts == []


async def test_disabled_step_is_skipped(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- reply: one
  enabled: false
- reply: two
  alias: the second
""")
    assert h.channels["test"].texts == ["two"]
    assert [s.action for s in trace.steps] == ["the second"]


async def test_template_error_in_a_step_is_recorded(start_gateway) -> None:
    h = await start_gateway(_config("""
- reply: "{{ 1 / (trigger.args | length) }}"
"""))
    await h.ask("/go")
    trace = h.ran("a")[0]
    assert trace.status == "failed"
    assert trace.steps[0].error and "template" in trace.steps[0].error


async def test_trace_as_dict_has_every_part(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- variables: {x: 1}
- reply: "x={{ x }}"
""")
    data = trace.as_dict()
    assert data["automation_id"] == "a" and data["status"] == "finished"
    assert data["trigger"]["command"] == "go" and data["trigger"]["platform"] == "test"
    assert [s["path"] for s in data["steps"]] == ["actions.0", "actions.1"]
    assert all(s["error"] is None and s["duration"] >= 0 for s in data["steps"])
    assert data["finished"] >= data["started"]


async def test_unknown_action_type_is_located(start_gateway) -> None:
    h = await start_gateway(_config("""
- reply: ok
- teleport: mars
"""), expect_errors=True)
    (error,) = [e for e in h.gateway.config_errors if "teleport" in str(e)]
    assert error.line == 8
    assert "known:" in error.message and "reply" in error.message


async def test_response_variable_of_each_step_kind(start_gateway) -> None:
    h, trace = await _run(start_gateway, """
- reply: first
  response_variable: r
- event: happened
  response_variable: e
- reply: "{{ r }}|{{ e }}"
""")
    assert h.channels["test"].texts == ["first", "first|happened"]


async def test_dry_run_has_no_side_effects(start_gateway) -> None:
    calls: list[Any] = []
    h = await start_gateway(_config("""
- call: math.double
  data: {n: 1}
- reply: hi
- event: boom
"""), before_start=lambda gw: _register(gw, calls))
    events: list[Any] = []
    h.gateway.bus.listen("boom", events.append)
    report = h.engine.dry_run(h.message("/go"))
    assert report[0]["would_run"] and report[0]["actions"] == [
        "actions.0: call math.double", "actions.1: reply", "actions.2: event"]
    await asyncio.sleep(0.05)
    assert calls == [] and events == [] and h.channels["test"].sent == []
