"""A clock found behind the store's newest time: the waits end now, timers keep their times, nothing else moves."""

from __future__ import annotations

import logging
import time

import pytest

from core.store import Store

HOUR = 3600.0


async def _fill(store: Store, monkeypatch: pytest.MonkeyPatch, then: float) -> dict[str, int]:
    """Write, with the clock at then: a run due then, a run waiting for its retry, timers due before and after then,
    and a reply waiting for its retry."""
    monkeypatch.setattr(time, "time", lambda: then)
    ids = {
        "run": await store.tasks.enqueue("run", b"r", priority=0, chat_key="a|c1", lane="default"),
        "retry": await store.tasks.enqueue("run", b"r", priority=0, chat_key="a|c2", lane="default",
                                           available_at=then + 240),
        "passed timer": await store.tasks.enqueue("timer", b"t", priority=0, chat_key="timer|1", lane="default",
                                                  available_at=then - 60),
        "tomorrow's timer": await store.tasks.enqueue("timer", b"t", priority=0, chat_key="timer|2", lane="default",
                                                      available_at=then + 20 * HOUR),
    }
    ids["reply"] = await store.outbox.add("telegram", "c1", "hello", "k1")
    await store.outbox.defer(ids["reply"], then + 600, "Telegram answered 502")
    return ids


async def _due_times(store: Store, ids: dict[str, int]) -> dict[str, float]:
    times = {name: (await store.tasks.get(i)).available_at for name, i in ids.items() if name != "reply"}
    (times["reply"],) = await store.db.fetchone("SELECT next_attempt_at FROM outbox WHERE id = ?", (ids["reply"],))
    return times


async def test_a_clock_set_back_ends_the_waits_and_keeps_timers_to_come(store: Store, monkeypatch, caplog) -> None:
    real = time.time()
    ids = await _fill(store, monkeypatch, real + 5 * HOUR)
    caplog.set_level(logging.WARNING)
    await store.catch_up_clock(real, "timer")
    due = await _due_times(store, ids)
    assert due == {"run": real, "retry": real, "passed timer": real, "tomorrow's timer": real + 25 * HOUR,
                   "reply": real}
    (said,) = [r.getMessage() for r in caplog.records]
    assert said.startswith("The clock is 5 h 0 min behind the newest time in the store")
    assert "(tasks: 3, replies: 1); timers keep their times" in said


async def test_a_clock_that_is_not_behind_changes_nothing(store: Store, monkeypatch, caplog) -> None:
    real = time.time()
    ids = await _fill(store, monkeypatch, real)
    before = await _due_times(store, ids)
    caplog.set_level(logging.WARNING)
    for now in (real - 0.5, real, real + HOUR):  # jitter, the same moment, a restart an hour later
        await store.catch_up_clock(now, "timer")
    assert await _due_times(store, ids) == before
    assert caplog.records == []


@pytest.mark.parametrize("seen", ["at a start", "while Roost ran"])
async def test_after_catching_up_the_next_start_finds_the_clock_right(store: Store, monkeypatch, caplog,
                                                                       seen: str) -> None:
    real = time.time()
    await _fill(store, monkeypatch, real + 5 * HOUR)  # written while the clock ran five hours ahead
    await store.state.set("roost", "last_retention", 1)
    await store.traces.add("echo", "r1", real + 5 * HOUR, real + 5 * HOUR + 1, "finished", {})
    await store.catch_up_clock(real, "timer", was=None if seen == "at a start" else real + 5 * HOUR)
    monkeypatch.setattr(time, "time", lambda: real)
    soon = await store.tasks.enqueue("timer", b"t", priority=0, chat_key="timer|3", lane="default",
                                     available_at=real + HOUR)  # set once the clock was right: due in an hour
    caplog.clear()
    await store.catch_up_clock(real + 1, "timer")  # Roost starts again a second later
    assert caplog.records == []
    assert (await store.tasks.get(soon)).available_at == real + HOUR, "not brought forward by the times written ahead"
