"""Condition types: platform, sender, chat, regex, time, template, and/or/not, online."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest

import core.automation.conditions as conditions_module
from core.errors import ConfigError, ConfigErrors


def _vars(**trigger: Any) -> dict[str, Any]:
    base = {"platform": "telegram", "chat_id": "42", "sender": "alice", "text": "hello world"}
    return {"trigger": {**base, **trigger}, "inputs": {"limit": 3}}


GW = SimpleNamespace(network_online=True)


def check(compiler, config: Any, gateway: Any = GW, **trigger: Any) -> bool:
    return bool(compiler.condition(config, ())(_vars(**trigger), gateway))


def test_platform(compiler) -> None:
    cond = {"condition": "platform", "platform": ["telegram", "discord"]}
    assert check(compiler, cond)
    assert check(compiler, cond, platform="discord")
    assert not check(compiler, cond, platform="whatsapp")
    assert check(compiler, {"condition": "platform", "platform": "whatsapp"}, platform="whatsapp")


def test_sender_in_list(compiler) -> None:
    cond = {"condition": "sender", "sender": ["alice", 1001]}
    assert check(compiler, cond)
    assert check(compiler, cond, sender="1001")
    assert not check(compiler, cond, sender="mallory")


def test_chat(compiler) -> None:
    cond = {"condition": "chat", "chat_id": [42, "-100"]}
    assert check(compiler, cond)
    assert check(compiler, cond, chat_id="-100")
    assert not check(compiler, cond, chat_id="7")


def test_regex_on_text_and_other_field(compiler) -> None:
    assert check(compiler, {"condition": "regex", "pattern": r"^hel+o\b"})
    assert not check(compiler, {"condition": "regex", "pattern": "^world"})
    assert check(compiler, {"condition": "regex", "pattern": "^ali", "field": "sender"})
    assert not check(compiler, {"condition": "regex", "pattern": "x"}, text=None)


def test_regex_invalid_is_config_error(compiler) -> None:
    with pytest.raises(ConfigErrors) as excinfo:
        compiler.condition({"condition": "regex", "pattern": "(unclosed"}, ("conditions", 0))
    assert "invalid regular expression" in str(excinfo.value)


class _Clock:
    """Patch datetime.now() as seen by the conditions module."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime(2024, 1, 1, 12, 0)  # a Monday
        clock = self

        class FakeDatetime(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
                return clock.now

        monkeypatch.setattr(conditions_module, "datetime", FakeDatetime)

    def at(self, hour: int, minute: int = 0, *, day: int = 1) -> None:
        self.now = datetime(2024, 1, day, hour, minute)


def test_time_after_before(compiler, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock(monkeypatch)
    window = compiler.condition({"condition": "time", "after": "09:00", "before": "17:30"}, ())
    results = {}
    for hour, minute in [(8, 59), (9, 0), (12, 0), (17, 29), (17, 30), (23, 0)]:
        clock.at(hour, minute)
        results[(hour, minute)] = window(_vars(), GW)
    assert results == {(8, 59): False, (9, 0): True, (12, 0): True, (17, 29): True,
                       (17, 30): False, (23, 0): False}


def test_time_window_wraps_midnight(compiler, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock(monkeypatch)
    night = compiler.condition({"condition": "time", "after": "22:00", "before": "06:00"}, ())
    results = {}
    for hour, minute in [(21, 59), (22, 0), (23, 30), (0, 0), (5, 59), (6, 0), (12, 0)]:
        clock.at(hour, minute)
        results[(hour, minute)] = night(_vars(), GW)
    assert results == {(21, 59): False, (22, 0): True, (23, 30): True, (0, 0): True,
                       (5, 59): True, (6, 0): False, (12, 0): False}


def test_time_only_after_or_only_before(compiler, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock(monkeypatch)
    after = compiler.condition({"condition": "time", "after": "18:00:30"}, ())
    before = compiler.condition({"condition": "time", "before": "07:00"}, ())
    clock.at(18, 0)
    assert not after(_vars(), GW) and not before(_vars(), GW)
    clock.at(18, 1)
    assert after(_vars(), GW)
    clock.at(6, 59)
    assert before(_vars(), GW) and not after(_vars(), GW)


def test_time_weekday(compiler, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock(monkeypatch)
    weekend = compiler.condition({"condition": "time", "weekday": ["sat", "sun"]}, ())
    monday_morning = compiler.condition({"condition": "time", "weekday": "mon", "before": "10:00"}, ())
    clock.at(12, day=6)  # Saturday 6 January 2024
    assert weekend(_vars(), GW) and not monday_morning(_vars(), GW)
    clock.at(9, day=8)  # Monday
    assert not weekend(_vars(), GW) and monday_morning(_vars(), GW)
    clock.at(11, day=8)
    assert not monday_morning(_vars(), GW)


def test_time_invalid_values(compiler) -> None:
    for bad in ({"condition": "time", "after": "25:00"}, {"condition": "time", "weekday": ["funday"]}):
        with pytest.raises(ConfigErrors):
            compiler.condition(bad, ())


def test_template_and_string_shorthand(compiler) -> None:
    assert check(compiler, {"condition": "template", "value_template": "{{ trigger.sender == 'alice' }}"})
    assert not check(compiler, {"condition": "template", "value_template": "{{ trigger.sender == 'bob' }}"})
    assert check(compiler, "{{ trigger.text | length > inputs.limit }}")
    assert not check(compiler, "{{ trigger.text | length > 100 }}")
    assert check(compiler, "{% if trigger.chat_id == '42' %}yes{% endif %}")
    assert not check(compiler, "{% if trigger.chat_id == '7' %}yes{% endif %}")
    # a template that fails to render is false, never an exception during matching
    assert not check(compiler, "{{ trigger.text.no_such_method() }}")


def test_template_syntax_error_is_config_error(compiler) -> None:
    with pytest.raises(ConfigError) as excinfo:
        compiler.condition("{{ trigger.text | }}", ())
    assert "template syntax error" in str(excinfo.value)


def test_and_or_not(compiler) -> None:
    alice = {"condition": "sender", "sender": "alice"}
    telegram = {"condition": "platform", "platform": "telegram"}
    both = {"condition": "and", "conditions": [alice, telegram]}
    either = {"condition": "or", "conditions": [alice, telegram]}
    neither = {"condition": "not", "conditions": [alice, telegram]}
    table = {
        ("alice", "telegram"): (True, True, False),
        ("alice", "discord"): (False, True, False),
        ("bob", "telegram"): (False, True, False),
        ("bob", "discord"): (False, False, True),
    }
    for (sender, platform), expected in table.items():
        got = tuple(check(compiler, c, sender=sender, platform=platform) for c in (both, either, neither))
        assert got == expected, (sender, platform)


def test_nested_logic_with_shorthand(compiler) -> None:
    cond = {"condition": "or", "conditions": [
        {"condition": "not", "conditions": ["{{ trigger.sender == 'bob' }}"]},
        {"condition": "regex", "pattern": "please"},
    ]}
    assert check(compiler, cond)
    assert not check(compiler, cond, sender="bob")
    assert check(compiler, cond, sender="bob", text="please")


def test_logic_needs_conditions(compiler) -> None:
    with pytest.raises(ConfigErrors):
        compiler.condition({"condition": "and", "conditions": []}, ())


def test_online(compiler) -> None:
    online = {"condition": "online"}
    offline = {"condition": "online", "state": False}
    assert check(compiler, online, SimpleNamespace(network_online=True))
    assert not check(compiler, online, SimpleNamespace(network_online=False))
    assert check(compiler, offline, SimpleNamespace(network_online=False))
    assert not check(compiler, offline, SimpleNamespace(network_online=True))


def test_unknown_condition_type_lists_known(compiler) -> None:
    with pytest.raises(ConfigError) as excinfo:
        compiler.condition({"condition": "weather", "is": "sunny"}, ("conditions", 0))
    assert "unknown condition type 'weather'" in excinfo.value.message
    assert "platform" in excinfo.value.message


async def test_conditions_in_an_automation_are_traced(start_gateway) -> None:
    h = await start_gateway("""
        automations:
          - id: gated
            triggers:
              - {trigger: message, command: go}
            conditions:
              - {condition: sender, sender: [alice]}
              - "{{ trigger.args_text != 'no' }}"
            actions:
              - reply: went
        """)
    await h.ask("/go", sender="alice")
    await h.ask("/go", sender="bob")
    await h.ask("/go no", sender="alice")
    assert h.channels["test"].texts == ["went"]
    traces = h.traces("gated")
    assert [t.status for t in traces] == ["finished", "condition failed", "condition failed"]
    assert [p for _c, p in traces[0].conditions] == [True, True]
    assert [p for _c, p in traces[1].conditions] == [False]
    assert [p for _c, p in traces[2].conditions] == [True, False]
    assert "sender" in traces[1].conditions[0][0]
