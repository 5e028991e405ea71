"""The event bus: order, filters before events, unsubscribe, once, match-all, failures, threads."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading

import pytest

import core.bus
from core.bus import MATCH_ALL, Event, EventBus


async def test_listeners_run_in_registration_order() -> None:
    bus = EventBus()
    calls: list[str] = []
    for name in ("a", "b", "c"):
        bus.listen("tick", lambda event, name=name: calls.append(name))
    bus.fire("tick", {"n": 1})
    assert calls == ["a", "b", "c"]


async def test_specific_listeners_run_before_match_all() -> None:
    bus = EventBus()
    calls: list[str] = []
    bus.listen(MATCH_ALL, lambda event: calls.append(f"all:{event.event_type}"))
    bus.listen("tick", lambda event: calls.append("tick"))
    bus.fire("tick")
    bus.fire("other")
    assert calls == ["tick", "all:tick", "all:other"]


async def test_event_carries_type_data_and_time() -> None:
    bus = EventBus()
    seen: list[Event] = []
    bus.listen("tick", seen.append)
    bus.fire("tick", {"n": 7})
    assert len(seen) == 1
    assert seen[0].event_type == "tick"
    assert seen[0].data == {"n": 7}
    assert seen[0].time_fired > 0


async def test_no_listener_for_type_means_no_call() -> None:
    bus = EventBus()
    calls: list[Event] = []
    bus.listen("tick", calls.append)
    bus.fire("tock")
    assert calls == []


async def test_filter_sees_data_and_false_skips_without_building_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[str] = []
    real_event = core.bus.Event

    def counting_event(*args: object, **kwargs: object) -> Event:
        built.append(str(args[0]))
        return real_event(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(core.bus, "Event", counting_event)
    bus = EventBus()
    filtered: list[dict] = []
    handled: list[Event] = []

    def only_big(data: dict) -> bool:
        filtered.append(dict(data))
        return data["n"] > 10

    bus.listen("tick", handled.append, event_filter=only_big)
    bus.fire("tick", {"n": 1})
    assert filtered == [{"n": 1}]
    assert handled == []
    assert built == []  # the filter said no: no Event object was created

    bus.fire("tick", {"n": 11})
    assert [e.data["n"] for e in handled] == [11]
    assert built == ["tick"]


async def test_one_event_object_is_shared_by_listeners(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    real_event = core.bus.Event
    monkeypatch.setattr(core.bus, "Event", lambda *a, **k: built.append(a) or real_event(*a, **k))
    bus = EventBus()
    seen: list[Event] = []
    bus.listen("tick", seen.append)
    bus.listen("tick", seen.append)
    bus.listen(MATCH_ALL, seen.append)
    bus.fire("tick")
    assert len(built) == 1
    assert seen[0] is seen[1] is seen[2]


@pytest.mark.allow_logged_errors
async def test_failing_filter_is_logged_and_skips_only_its_listener(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus()
    calls: list[str] = []
    bus.listen("tick", lambda e: calls.append("broken"), event_filter=lambda data: data["missing"])
    bus.listen("tick", lambda e: calls.append("ok"))
    with caplog.at_level(logging.ERROR):
        bus.fire("tick", {})
    assert calls == ["ok"]
    assert "Event filter for tick failed" in caplog.text


async def test_unsubscribe_stops_delivery_and_is_idempotent() -> None:
    bus = EventBus()
    calls: list[Event] = []
    unsubscribe = bus.listen("tick", calls.append)
    bus.fire("tick")
    unsubscribe()
    unsubscribe()
    bus.fire("tick")
    assert len(calls) == 1
    assert bus.listener_count("tick") == 0
    assert bus.listener_count() == 0


async def test_unsubscribe_during_fire_skips_a_later_listener() -> None:
    bus = EventBus()
    calls: list[str] = []
    unsubscribe_second: list = []

    def first(event: Event) -> None:
        calls.append("first")
        unsubscribe_second[0]()

    bus.listen("tick", first)
    unsubscribe_second.append(bus.listen("tick", lambda e: calls.append("second")))
    bus.listen("tick", lambda e: calls.append("third"))
    bus.fire("tick")
    assert calls == ["first", "third"]
    bus.fire("tick")
    assert calls == ["first", "third", "first", "third"]


async def test_listener_unsubscribing_itself_during_fire_keeps_others() -> None:
    bus = EventBus()
    calls: list[str] = []
    holder: list = []

    def self_removing(event: Event) -> None:
        calls.append("self")
        holder[0]()

    holder.append(bus.listen("tick", self_removing))
    bus.listen("tick", lambda e: calls.append("other"))
    bus.fire("tick")
    bus.fire("tick")
    assert calls == ["self", "other", "other"]


async def test_listener_added_during_fire_waits_for_the_next_event() -> None:
    bus = EventBus()
    calls: list[str] = []

    def adder(event: Event) -> None:
        calls.append("adder")
        if len(calls) == 1:
            bus.listen("tick", lambda e: calls.append("late"))

    bus.listen("tick", adder)
    bus.fire("tick")
    assert calls == ["adder"]
    bus.fire("tick")
    assert calls == ["adder", "adder", "late"]


async def test_listen_once_fires_once_and_only_on_a_passing_filter() -> None:
    bus = EventBus()
    calls: list[int] = []
    bus.listen_once("tick", lambda e: calls.append(e.data["n"]), event_filter=lambda d: d["n"] >= 2)
    for n in range(5):
        bus.fire("tick", {"n": n})
    assert calls == [2]
    assert bus.listener_count("tick") == 0


async def test_listen_once_is_not_called_again_when_fire_reenters() -> None:
    bus = EventBus()
    calls: list[int] = []

    def handler(event: Event) -> None:
        calls.append(event.data["depth"])
        if event.data["depth"] == 0:
            bus.fire("tick", {"depth": 1})

    bus.listen_once("tick", handler)
    bus.fire("tick", {"depth": 0})
    assert calls == [0]


async def test_listen_once_can_be_cancelled_before_it_fires() -> None:
    bus = EventBus()
    calls: list[Event] = []
    unsubscribe = bus.listen_once("tick", calls.append)
    unsubscribe()
    bus.fire("tick")
    assert calls == []


async def test_match_all_sees_every_type_and_can_filter() -> None:
    bus = EventBus()
    everything: list[str] = []
    only_sent: list[str] = []
    bus.listen(MATCH_ALL, lambda e: everything.append(e.event_type))
    bus.listen(MATCH_ALL, lambda e: only_sent.append(e.event_type), event_filter=lambda d: d.get("sent", False))
    bus.fire("a", {"sent": True})
    bus.fire("b", {})
    assert everything == ["a", "b"]
    assert only_sent == ["a"]


async def test_coroutine_handlers_run_as_tasks_and_drain_waits() -> None:
    bus = EventBus()
    done: list[int] = []

    async def slow(event: Event) -> None:
        await asyncio.sleep(0.01)
        done.append(event.data["n"])

    bus.listen("tick", slow)
    bus.fire("tick", {"n": 1})
    bus.fire("tick", {"n": 2})
    assert done == []
    assert bus.busy
    await bus.drain()
    assert sorted(done) == [1, 2]
    assert not bus.busy


async def test_coroutine_classification_covers_partials_and_callable_objects() -> None:
    bus = EventBus()
    done: list[str] = []

    async def tagged(tag: str, event: Event) -> None:
        done.append(tag)

    class Handler:
        async def __call__(self, event: Event) -> None:
            done.append("object")

    bus.listen("tick", functools.partial(tagged, "partial"))
    bus.listen("tick", Handler())
    bus.fire("tick")
    assert done == []  # both were classified as coroutines: scheduled, not run inline
    await bus.drain()
    assert sorted(done) == ["object", "partial"]


async def test_plain_handler_returning_awaitable_is_awaited() -> None:
    bus = EventBus()
    done: list[str] = []

    async def later() -> None:
        done.append("awaited")

    bus.listen("tick", lambda e: later())
    bus.fire("tick")
    await bus.drain()
    assert done == ["awaited"]


@pytest.mark.allow_logged_errors
async def test_failing_listener_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus()
    calls: list[str] = []

    def broken(event: Event) -> None:
        raise ValueError("boom in plain")

    async def broken_async(event: Event) -> None:
        raise ValueError("boom in coroutine")

    async def good_async(event: Event) -> None:
        calls.append("async")

    bus.listen("tick", lambda e: calls.append("before"))
    bus.listen("tick", broken)
    bus.listen("tick", broken_async)
    bus.listen("tick", good_async)
    bus.listen("tick", lambda e: calls.append("after"))
    with caplog.at_level(logging.ERROR, logger="core.bus"):
        bus.fire("tick")
        await bus.drain()
    assert calls == ["before", "after", "async"]
    failures = [r for r in caplog.records if r.name == "core.bus"]
    assert len(failures) == 2
    assert {str(r.exc_info[1]) for r in failures} == {"boom in plain", "boom in coroutine"}


async def test_fire_threadsafe_from_a_thread_delivers_on_the_loop() -> None:
    bus = EventBus(asyncio.get_running_loop())
    loop_thread = threading.get_ident()
    received: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    bus.listen("work_done", lambda e: received.put_nowait((e.data["n"], threading.get_ident())))

    def worker() -> None:
        for n in range(3):
            bus.fire_threadsafe("work_done", {"n": n})

    await asyncio.to_thread(worker)
    got = [await asyncio.wait_for(received.get(), 1) for _ in range(3)]
    assert [n for n, _ in got] == [0, 1, 2]
    assert {ident for _, ident in got} == {loop_thread}


async def test_fire_threadsafe_works_after_bind_without_an_explicit_loop() -> None:
    bus = EventBus()
    bus.bind(asyncio.get_running_loop())
    received: list[int] = []
    bus.listen("x", lambda e: received.append(e.data["n"]))
    await asyncio.to_thread(bus.fire_threadsafe, "x", {"n": 5})
    await asyncio.sleep(0.01)
    assert received == [5]


def test_fire_threadsafe_without_a_loop_is_a_clear_error() -> None:
    bus = EventBus()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            bus.fire_threadsafe("x", {})
        except RuntimeError as err:
            errors.append(err)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert len(errors) == 1
    assert "not bound to an event loop" in str(errors[0])


async def test_drain_waits_for_tasks_started_by_other_tasks() -> None:
    bus = EventBus()
    done: list[str] = []

    async def first(event: Event) -> None:
        await asyncio.sleep(0)
        bus.fire("second")

    async def second(event: Event) -> None:
        await asyncio.sleep(0.01)
        done.append("second")

    bus.listen("first", first)
    bus.listen("second", second)
    bus.fire("first")
    await bus.drain()
    assert done == ["second"]


async def test_listen_once_handler_that_listens_again_runs_once_per_fire() -> None:
    bus = EventBus()
    calls: list[int] = []

    def rearm(event: Event) -> None:
        calls.append(event.data["n"])
        bus.listen_once("tick", rearm)

    bus.listen_once("tick", rearm)
    bus.fire("tick", {"n": 1})
    bus.fire("tick", {"n": 2})
    assert calls == [1, 2]
    assert bus.listener_count("tick") == 1

