"""The run cache: first attempts take the request they were queued with, whole or rebuilt from memory."""

from __future__ import annotations

from core.message import Message
from core.run_cache import RunCache
from core.runs import encode_run

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


async def test_requests_are_kept_whole_then_lean_then_not_at_all(make_config, make_gateway) -> None:
    gateway = await make_gateway(make_config(CONFIG))
    engine = gateway.engine
    cache = RunCache(full=2, lean=2)
    requests = []
    for n in range(5):
        message = Message.create("test", f"chat-{n}", "alice", f"/hello bob{n}", id=f"m-{n}")
        [(request, _trace)] = engine.prepare_message(message)
        requests.append(request)
        cache.keep(100 + n, request, encode_run(request, message_stored=True))
    assert len(cache) == 4 and 103 in cache and 104 not in cache
    assert cache.take(100, engine) is requests[0]  # kept whole: the very request
    lean = cache.take(102, engine)  # kept lean: rebuilt from its message and payload
    assert lean is not None and lean is not requests[2]
    assert lean.run_id == requests[2].run_id and lean.message is requests[2].message
    assert list(lean.trigger.items()) == list(requests[2].trigger.items())
    assert lean.trigger["match"] == {"who": "bob2"}
    assert cache.take(102, engine) is None and 102 not in cache  # taken once
    assert cache.take(104, engine) is None  # never kept: rebuilt from the store by the caller
    cache.keep(105, requests[4], encode_run(requests[4], message_stored=True))  # room again
    assert 105 in cache
    cache.clear()
    assert len(cache) == 0 and 101 not in cache
    for request in requests:
        engine.abandon(request)
