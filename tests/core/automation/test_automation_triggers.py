"""Trigger types: message (every criterion), event, schedule (every, cron, at) and startup."""

from __future__ import annotations

import asyncio

import pytest

ECHO_TRIGGER = """
automations:
  - id: t
    mode: parallel
    triggers:
      - TRIGGER
    actions:
      - reply: "{{ trigger.idx }}|{{ trigger.match }}|{{ trigger.command }}|{{ trigger.args_text }}"
"""


async def _answers(start_gateway, trigger: str, said: list[tuple[str, dict]], **kw) -> list[str | None]:
    """For each (text, message kwargs), the reply the automation gave (None when it did not run)."""
    h = await start_gateway(ECHO_TRIGGER.replace("TRIGGER", trigger), **kw)
    answers = []
    for text, where in said:
        platform = where.get("platform", "test")
        before = len(h.channels[platform].sent)
        await h.ask(text, **where)
        after = h.channels[platform].texts[before:]
        assert len(after) <= 1
        answers.append(after[0] if after else None)
    return answers


async def test_message_platform_list(start_gateway) -> None:
    answers = await _answers(
        start_gateway, "{trigger: message, platform: [test, other]}",
        [("hi", {}), ("hi", {"platform": "other"}), ("hi", {"platform": "third"})],
        platforms=("test", "other", "third"),
    )
    assert [a is not None for a in answers] == [True, True, False]


async def test_message_single_platform_string(start_gateway) -> None:
    answers = await _answers(
        start_gateway, "{trigger: message, platform: other}",
        [("hi", {}), ("hi", {"platform": "other"})], platforms=("test", "other"),
    )
    assert [a is not None for a in answers] == [False, True]


async def test_message_command_with_args(start_gateway) -> None:
    answers = await _answers(
        start_gateway, "{trigger: message, command: [check_logs, '!alert']}",
        [("/check_logs 30m", {}), ("!ALERT disk full", {}), ("/check", {}), ("check_logs", {})],
    )
    assert answers[0] == "0|{}|check_logs|30m"
    assert answers[1] == "0|{}|alert|disk full"
    assert answers[2:] == [None, None]


async def test_message_pattern_named_groups(start_gateway) -> None:
    answers = await _answers(
        start_gateway, r"""{trigger: message, pattern: '^remind me to (?P<what>.+) at (?P<when>\d+)$'}""",
        [("remind me to water plants at 5", {}), ("remind me to sleep", {})],
    )
    assert answers[0] == "0|{'what': 'water plants', 'when': '5'}|None|"
    assert answers[1] is None


async def test_message_pattern_groups_in_templates(start_gateway) -> None:
    h = await start_gateway(r"""
        automations:
          - id: t
            triggers:
              - trigger: message
                pattern: '(?P<a>\d+)\+(?P<b>\d+)'
            actions:
              - reply: "{{ trigger.match.a | int + trigger.match.b | int }} {{ trigger.groups }}"
        """)
    await h.ask("what is 2+40?")
    assert h.channels["test"].texts == ["42 ['2', '40']"]


async def test_message_contains_is_case_insensitive_and_all_required(start_gateway) -> None:
    answers = await _answers(
        start_gateway, "{trigger: message, contains: [disk, Full]}",
        [("the DISK is full", {}), ("disk ok", {}), ("FULL moon", {})],
    )
    assert [a is not None for a in answers] == [True, False, False]


async def test_message_mention(start_gateway) -> None:
    h = await start_gateway("""
        roost:
          bot_names: [hoot]
        automations:
          - id: t
            triggers:
              - {trigger: message, mention: true}
            actions:
              - reply: "{{ trigger.mentions_bot }}"
        """)
    await h.ask("hello @Hoot how are you")
    await h.ask("hello everyone")
    await h.ask("/start@hoot")
    assert h.channels["test"].texts == ["True", "True"]


async def test_message_chat_and_sender(start_gateway) -> None:
    answers = await _answers(
        start_gateway, "{trigger: message, chat: [c1, c2], sender: [alice]}",
        [("x", {"chat": "c1"}), ("x", {"chat": "c2", "sender": "bob"}), ("x", {"chat": "c3"}),
         ("x", {"chat": "c2"})],
    )
    assert [a is not None for a in answers] == [True, False, False, True]


async def test_several_triggers_report_their_index(start_gateway) -> None:
    h = await start_gateway("""
        automations:
          - id: t
            triggers:
              - {trigger: message, command: a}
              - {trigger: message, command: b, id: second}
            actions:
              - reply: "{{ trigger.idx }}"
        """)
    await h.ask("/b")
    await h.ask("/a")
    assert h.channels["test"].texts == ["1", "0"]


async def test_event_trigger_matches_data_subset(start_gateway) -> None:
    h = await start_gateway("""
        automations:
          - id: door
            triggers:
              - trigger: event
                event_type: door
                event_data: {state: open}
            actions:
              - send: {platform: test, chat_id: hall, text: "door {{ trigger.event.which }}"}
        """)
    bus = h.gateway.bus
    bus.fire("door", {"state": "open", "which": "front"})
    bus.fire("door", {"state": "closed", "which": "back"})
    bus.fire("window", {"state": "open", "which": "side"})
    bus.fire("door", {"which": "garage"})
    await h.gateway.wait_idle(settle=0.01)
    assert h.channels["test"].texts == ["door front"]
    assert h.channels["test"].sent[0].chat_id == "hall"


async def test_event_trigger_without_data_matches_every_event(start_gateway) -> None:
    h = await start_gateway("""
        automations:
          - id: any
            mode: parallel
            triggers:
              - {trigger: event, event_type: ping}
            actions:
              - send: {platform: test, chat_id: x, text: "{{ trigger.event_type }} {{ trigger.event.n }}"}
        """)
    for n in range(3):
        h.gateway.bus.fire("ping", {"n": n})
    await h.gateway.wait_idle(settle=0.01)
    assert sorted(h.channels["test"].texts) == ["ping 0", "ping 1", "ping 2"]


async def test_schedule_every_fires_repeatedly(start_gateway) -> None:
    h = await start_gateway("""
        automations:
          - id: tick
            triggers:
              - {trigger: schedule, every: 0.05}
            actions:
              - event: ticked
                event_data: {fired: "{{ trigger.time }}"}
        """)
    ticks: list[float] = []
    h.gateway.bus.listen("ticked", lambda e: ticks.append(float(e.data["fired"])))
    await asyncio.sleep(0.4)
    assert len(ticks) >= 4
    # the times the trigger fired: when its runs reach the bus also depends on the queue's pace
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert min(gaps) >= 0.045


async def test_schedule_stops_when_gateway_stops(start_gateway) -> None:
    h = await start_gateway("""
        automations:
          - id: tick
            triggers:
              - {trigger: schedule, every: 0.02}
            actions:
              - event: ticked
        """)
    ticks: list[int] = []
    h.gateway.bus.listen("ticked", lambda e: ticks.append(1))
    await asyncio.sleep(0.1)
    await h.gateway.stop()
    count = len(ticks)
    await asyncio.sleep(0.1)
    assert count >= 2 and len(ticks) == count


@pytest.mark.parametrize("cron", ["*/5 * * * *", "0 8 * * mon-fri", "30 6 1 * *"])
async def test_schedule_valid_cron_loads(start_gateway, cron: str) -> None:
    h = await start_gateway(f"""
        automations:
          - id: c
            triggers:
              - {{trigger: schedule, cron: "{cron}"}}
            actions:
              - event: x
        """)
    assert "c" in h.engine.automations


@pytest.mark.parametrize("cron", ["every minute", "61 * * * *", "* * * * * * * *", "0 25 * * *"])
async def test_schedule_invalid_cron_is_a_located_error(start_gateway, cron: str) -> None:
    h = await start_gateway(
        f"""
        automations:
          - id: c
            triggers:
              - trigger: schedule
                cron: "{cron}"
            actions:
              - event: x
        """,
        expect_errors=True,
    )
    assert "c" not in h.engine.automations
    (error,) = [e for e in h.gateway.config_errors if "cron" in str(e)]
    assert error.line == 6 and error.file.endswith("configuration.yaml")


async def test_schedule_needs_one_of_cron_every_at(start_gateway) -> None:
    h = await start_gateway(
        """
        automations:
          - id: c
            triggers:
              - trigger: schedule
            actions:
              - event: x
        """,
        expect_errors=True,
    )
    assert "c" not in h.engine.automations
    assert any("cron, every or at" in str(e) for e in h.gateway.config_errors)


async def test_startup_trigger_runs_once_after_start(start_gateway) -> None:
    h = await start_gateway("""
        automations:
          - id: hello
            triggers:
              - trigger: startup
            actions:
              - send: {platform: test, chat_id: owner, text: "{{ trigger.trigger }} ok"}
        """)
    await h.gateway.wait_idle(settle=0.01)
    h.gateway.bus.fire("gateway_started", {})
    await h.gateway.wait_idle(settle=0.01)
    assert h.channels["test"].texts == ["startup ok"]


async def test_unknown_trigger_key_is_an_error(start_gateway) -> None:
    h = await start_gateway(
        """
        automations:
          - id: t
            triggers:
              - trigger: message
                comand: ping
            actions:
              - reply: x
        """,
        expect_errors=True,
    )
    (error,) = [e for e in h.gateway.config_errors if "comand" in str(e)]
    assert error.line == 6


FALLBACK = """
automations:
  - id: ping
    triggers: [{trigger: message, command: ping}]
    actions: [{reply: pong}]
  - id: guarded
    triggers: [{trigger: message, command: secret}]
    conditions: "{{ trigger.sender == 'boss' }}"
    actions: [{reply: "the secret"}]
  - id: anything_else
    triggers: [{trigger: message, fallback: true}]
    actions: [{reply: "fallback for {{ trigger.text }}"}]
"""


async def test_a_fallback_trigger_fires_only_when_no_other_automation_would_run(start_gateway) -> None:
    h = await start_gateway(FALLBACK)
    await h.ask("/ping")
    await h.ask("/secret", sender="boss")
    await h.ask("/secret", sender="alice")  # guarded matched, but its condition failed: nothing runs but this
    await h.ask("hello")
    assert h.channels["test"].texts == ["pong", "the secret", "fallback for /secret", "fallback for hello"]
    assert [t.status for t in h.traces("guarded")] == ["finished", "condition failed"]
    assert len(h.traces("anything_else")) == 2, "not even evaluated while another automation ran"


async def test_the_dry_run_shows_a_fallback_as_it_would_go(start_gateway) -> None:
    h = await start_gateway(FALLBACK)
    assert [m["automation"] for m in h.engine.dry_run(h.message("/ping"))] == ["ping"]
    report = h.engine.dry_run(h.message("/secret"))
    assert [(m["automation"], m["would_run"]) for m in report] == [("guarded", False), ("anything_else", True)]
    assert report[1]["trigger"] == 0 and report[1]["actions"]


async def test_trigger_id_says_which_trigger_started_the_run_as_in_home_assistant(start_gateway) -> None:
    h = await start_gateway("""
automations:
  - id: a
    triggers:
      - {trigger: message, command: hi, id: greet}
      - {trigger: message, command: bye}
    actions:
      - choose:
          - conditions: {condition: trigger, id: greet}
            sequence: [{reply: "hello ({{ trigger.id }})"}]
        default: [{reply: "trigger {{ trigger.id }}, message {{ trigger.message_id | length > 0 }}"}]
""")
    await h.ask("/hi")
    await h.ask("/bye")
    assert h.channels["test"].texts == ["hello (greet)", "trigger 1, message True"]  # no id: its index
