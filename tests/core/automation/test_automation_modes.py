"""Run modes under concurrent messages: single, restart, queued, parallel, and per chat."""

from __future__ import annotations

import asyncio
import time

import pytest

from core.automation.modes import ModeGate

SLOW = """
automations:
  - id: slow
    mode: MODE
    max: MAX
    triggers:
      - {trigger: message, command: go}
    actions:
      - event: started
        event_data: {n: "{{ trigger.args_text }}"}
      - delay: DELAY
      - reply: "done {{ trigger.args_text }}"
"""


async def _slow(start_gateway, mode: str, max_runs: int = 10, delay: float = 0.2):
    h = await start_gateway(SLOW.replace("MODE", mode).replace("MAX", str(max_runs)).replace("DELAY", str(delay)))
    started: list[str] = []
    h.gateway.bus.listen("started", lambda e: started.append(e.data["n"]))
    return h, started


async def _wait_for(predicate, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.005)


def _statuses(h) -> dict[str, str]:
    """Final status of each run by its message argument."""
    return {t.trigger["text"].split()[-1]: t.status for t in h.traces("slow")}


async def test_single_skips_while_running(start_gateway) -> None:
    h, started = await _slow(start_gateway, "single")
    await h.say("/go 1")
    await _wait_for(lambda: started == ["1"])
    await h.say("/go 2")
    await h.gateway.wait_idle(settle=0.01)
    assert h.channels["test"].texts == ["done 1"]
    assert _statuses(h) == {"1": "finished", "2": "skipped"}
    await h.ask("/go 3")  # once the first finished, a new run starts
    assert h.channels["test"].texts == ["done 1", "done 3"]


async def test_restart_cancels_the_running_one(start_gateway) -> None:
    h, started = await _slow(start_gateway, "restart")
    await h.say("/go 1")
    await _wait_for(lambda: started == ["1"])
    await h.say("/go 2")
    await h.gateway.wait_idle(settle=0.05)
    assert h.channels["test"].texts == ["done 2"]
    assert started == ["1", "2"]  # the cancelled run is not run again
    assert _statuses(h) == {"1": "cancelled", "2": "finished"}


async def test_queued_runs_in_order(start_gateway) -> None:
    h, started = await _slow(start_gateway, "queued", max_runs=10, delay=0.03)
    for n in range(5):
        await h.say(f"/go {n}")
    await h.gateway.wait_idle(settle=0.01)
    assert h.channels["test"].texts == [f"done {n}" for n in range(5)]
    assert started == [str(n) for n in range(5)]
    traces = h.traces("slow")
    for before, after in zip(traces, traces[1:], strict=False):
        assert after.steps[0].started >= before.finished  # one after another, never overlapping


async def test_queued_max_skips_beyond_the_limit(start_gateway) -> None:
    h, started = await _slow(start_gateway, "queued", max_runs=2)
    await h.say("/go 1")
    await _wait_for(lambda: started == ["1"])
    for n in (2, 3, 4):
        await h.say(f"/go {n}")
    await h.gateway.wait_idle(settle=0.01)
    assert h.channels["test"].texts == ["done 1", "done 2"]
    assert _statuses(h) == {"1": "finished", "2": "finished", "3": "skipped", "4": "skipped"}


async def test_parallel_runs_together_up_to_max(start_gateway) -> None:
    h, started = await _slow(start_gateway, "parallel", max_runs=3)
    for n in range(5):
        await h.say(f"/go {n}")
    await h.gateway.wait_idle(settle=0.01)
    assert len(h.channels["test"].texts) == 3
    assert sorted(_statuses(h).values()) == ["finished"] * 3 + ["skipped"] * 2
    assert _overlapped([t for t in h.traces("slow") if t.status == "finished"])


def _overlapped(traces: list) -> bool:
    """The runs were all under way at one moment (each waits 0.2 s): timed by their traces, not by the wall
    clock of a busy machine."""
    assert traces
    return max(t.started for t in traces) < min(t.finished for t in traces)


@pytest.mark.parametrize("mode", ["single", "queued", "restart"])
async def test_two_chats_never_block_each_other(start_gateway, mode: str) -> None:
    h, started = await _slow(start_gateway, mode)
    await h.say("/go a", chat="a")
    await h.say("/go b", chat="b")
    await h.gateway.wait_idle(settle=0.01)
    sent = {(s.chat_id, s.text) for s in h.channels["test"].sent}
    assert sent == {("a", "done a"), ("b", "done b")}
    assert _overlapped(h.traces("slow"))  # both ran at the same time


async def test_priority_is_recorded_on_each_run(start_gateway) -> None:
    h = await start_gateway("""
        automations:
          - id: urgent
            priority: 50
            triggers:
              - {trigger: message, command: go}
            actions:
              - reply: ok
        """)
    triggered = []
    h.gateway.bus.listen("automation_triggered", lambda e: triggered.append(e.data["priority"]))
    await h.ask("/go")
    (trace,) = h.ran("urgent")
    assert trace.priority == 50 and trace.as_dict()["priority"] == 50
    assert triggered == [50]


# The gate on its own, without the gateway around it.

async def test_gate_single_and_parallel_counts() -> None:
    gate = ModeGate("parallel", 2)
    release = asyncio.Event()

    async def body() -> str:
        await release.wait()
        return "ok"

    tasks = [asyncio.ensure_future(gate.run("k", body)) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert gate.running("k") == 2 and gate.running("other") == 0
    release.set()
    results = await asyncio.gather(*tasks)
    assert sorted(r[0] for r in results) == ["ran", "ran", "skipped"]
    assert gate.running("k") == 0


async def test_gate_restart_result_of_the_replaced_run() -> None:
    gate = ModeGate("restart", 10)
    first_started = asyncio.Event()

    async def slow() -> str:
        first_started.set()
        await asyncio.sleep(5)
        return "slow"

    async def fast() -> str:
        return "fast"

    first = asyncio.ensure_future(gate.run("k", slow))
    await first_started.wait()
    second = await gate.run("k", fast)
    assert second == ("ran", "fast")
    outcome, _detail = await first
    assert outcome == "restarted"
    assert not first.cancelled()


def test_gate_queued_admission_counts_runs_until_released() -> None:
    gate = ModeGate("queued", 2)
    assert gate.admit("k", "r1") is None and gate.admit("k", "r2") is None
    assert gate.admit("k", "r1") is None  # the same run counted again (a retry) is no new run
    assert "2 runs already queued" in gate.admit("k", "r3")
    assert gate.admit("other", "r3") is None  # another chat has its own count
    gate.release("k", "r1")
    assert gate.admit("k", "r3") is None
    gate.release("k", "unknown")  # releasing what was never admitted is harmless
    assert ModeGate("parallel", 1).admit("k", "r1") is None and ModeGate("single", 1).admit("k", "r2") is None


@pytest.mark.parametrize("mode", ["queued", "restart", "parallel", "single"])
async def test_cancel_runs_stops_a_chats_run_for_good(start_gateway, mode: str) -> None:
    h, started = await _slow(start_gateway, mode, delay=5)
    await h.say("/go 1")
    await _wait_for(lambda: started == ["1"])
    assert h.gateway.cancel_runs("test", "c2") == 0  # another chat's runs are not touched
    assert h.gateway.cancel_runs("test", "c1") == 1
    await h.gateway.wait_idle(settle=0.05)
    assert _statuses(h) == {"1": "cancelled"}
    assert h.channels["test"].texts == []
    counts = await h.gateway.store.tasks.counts()
    assert counts["queued"] == counts["leased"] == counts["dead"] == 0  # ended: not run again, not failed
    assert started == ["1"]
    assert h.gateway.cancel_runs("test", "c1") == 0  # nothing left to stop
