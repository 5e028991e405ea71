"""Keyed listeners of the event bus: one bus listener per event type and key, a lookup per event."""

from __future__ import annotations

import logging

import pytest

from core.bus import EventBus


def _run(data) -> str:
    return data["run"]


@pytest.mark.allow_logged_errors
async def test_keyed_listeners_get_only_their_key_and_share_one_bus_listener(caplog) -> None:
    bus = EventBus()
    calls: list[tuple[str, int]] = []
    stops = {run: bus.listen_keyed("done", _run, run, lambda event, run=run: calls.append((run, event.data["n"])))
             for run in ("a", "b", "c")}
    bus.listen_keyed("done", _run, "a", lambda event: calls.append(("a again", event.data["n"])))
    bus.listen_keyed("done", _run, "b", lambda event: 1 / 0)  # isolated like any listener
    assert bus.listener_count("done") == 1
    with caplog.at_level(logging.ERROR):
        bus.fire("done", {"run": "a", "n": 1})
        bus.fire("done", {"run": "b", "n": 2})
        bus.fire("done", {"run": "z", "n": 3})
    assert calls == [("a", 1), ("a again", 1), ("b", 2)]
    assert "ZeroDivisionError" in caplog.text
    stops["a"]()
    stops["a"]()
    bus.fire("done", {"run": "a", "n": 4})
    assert calls[-1] == ("a again", 4) and len(calls) == 4  # the other listener of "a" still hears it
    calls.clear()
    stops["c"]()
    bus.fire("done", {"run": "c", "n": 5})
    assert calls == []


async def test_a_keyed_listener_stopped_by_an_earlier_one_in_the_same_fire_is_not_called() -> None:
    bus = EventBus()
    calls: list[str] = []
    later: list = []
    bus.listen_keyed("done", _run, "a", lambda event: (calls.append("first"), later[0]()))
    later.append(bus.listen_keyed("done", _run, "a", lambda event: calls.append("second")))
    bus.fire("done", {"run": "a"})
    bus.fire("done", {"run": "a"})
    assert calls == ["first", "first"]
