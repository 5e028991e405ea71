"""First attempts take the request they were queued with, kept whole or lean; the rest come from the store."""

from __future__ import annotations

import pytest

from core.errors import TransientError
from core.message import Message
from core.pipeline import runner as runner_module
from core.pipeline.codec import encode_run
from core.store.tasks import Task

CONFIG = """
automations:
  - id: greet
    mode: parallel
    max: 100
    triggers:
      - trigger: message
        pattern: "^/hello (?P<who>\\\\w+)"
    actions:
      - reply: "hi {{ trigger.match.who }}"
"""


def _task(task_id: int, attempts: int = 1) -> Task:
    """A leased task whose payload the scheduler left out (the runner holds it)."""
    return Task(task_id, "automation_run", b"", 0, "k", "default", None, "leased", 0.0, 0.0, attempts, None, None)


async def test_requests_are_kept_whole_then_lean_then_not_at_all(
    make_config, make_gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner_module, "FULL_RUNS", 2)
    monkeypatch.setattr(runner_module, "LEAN_RUNS", 2)
    gateway = await make_gateway(make_config(CONFIG))
    engine, runner = gateway.engine, gateway.pipeline.runner
    requests = []
    for n in range(5):
        message = Message.create("test", f"chat-{n}", "alice", f"/hello bob{n}", id=f"m-{n}")
        [(request, _trace)] = engine.prepare_message(message)
        requests.append(request)
        runner.keep(100 + n, request, encode_run(request))
    assert 100 in runner and 103 in runner and 104 not in runner
    assert await runner.request_for(_task(100)) is requests[0]  # kept whole: the very request
    lean = await runner.request_for(_task(102))  # kept lean: rebuilt from its message and payload
    assert lean is not requests[2]
    assert lean.run_id == requests[2].run_id and lean.message is requests[2].message
    assert list(lean.trigger.items()) == list(requests[2].trigger.items())
    assert lean.trigger["match"] == {"who": "bob2"}
    assert 102 not in runner  # taken once
    with pytest.raises(TransientError, match="not at hand"):  # never kept, and no payload to read
        await runner.request_for(_task(104))
    runner.keep(105, requests[4], encode_run(requests[4]))  # room again
    assert 105 in runner
    with pytest.raises(TransientError):  # a retry runs from the store, not from memory
        await runner.request_for(_task(101, attempts=2))
    for request in requests:
        engine.release(request)
