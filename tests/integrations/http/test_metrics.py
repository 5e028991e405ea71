"""GET /api/metrics: Prometheus's format, parsed with prometheus_client's own parser."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from core.errors import RecipientAway
from core.model import ModelRequest

ASK = """
pii: {}
automations:
  - id: echo
    triggers: [{trigger: message, platform: websocket_chat, pattern: '^echo '}]
    actions: [{reply: "{{ trigger.text }}"}]
  - id: ask
    triggers: [{trigger: message, platform: websocket_chat, pattern: '^ask '}]
    actions: [{generate: {model: parrot}}]
"""


class Parrot:
    """A model that answers in three pieces."""

    name = "parrot"

    async def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        for piece in ("I ", "heard ", "you"):
            yield piece

    async def close(self) -> None:
        return None


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_counters_follow_messages_runs_models_findings_and_requests(serve) -> None:
    served = await serve(extra=ASK, models=(Parrot(),))
    token = await served.token()
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(served.url.replace("http", "ws") + f"/api/chat?access_token={token}")
        await ws.send_str("echo one")
        await ws.send_str("echo two")
        await ws.send_str("ask call me on +49 30 1234567 or mail ann@example.com")
        assert [await ws.receive_str(timeout=10) for _ in range(3)][-1] == "I heard you"
        await ws.close()
        await served.gateway.wait_idle()
        async with session.get(served.url + "/api/metrics") as response:
            assert response.status == 200 and response.content_type == "text/plain"
            samples = _samples(await response.text())
    chat = (("platform", "websocket_chat"),)
    assert samples[("roost_messages_received_total", chat)] == 3
    assert samples[("roost_messages_sent_total", chat)] == 3
    assert samples[("roost_automation_runs_total", (("automation", "echo"), ("result", "finished")))] == 2
    assert samples[("roost_model_chunks_total", (("model", "parrot"),))] == 3
    assert samples[("roost_model_first_token_seconds_count", (("model", "parrot"),))] == 1
    assert samples[("roost_sanitizer_findings_total", (("entity", "EMAIL"),))] == 1
    assert samples[("roost_http_requests_total", (("route", "/api/chat"), ("status", "101")))] == 1
    assert samples[("roost_tasks", (("state", "done"),))] == 3
    assert samples[("roost_dead_letters", (("source", "outbox"),))] == 0
    assert samples[("roost_store_commits_total", ())] > 0
    assert samples[("roost_store_disk_free_bytes", ())] == served.gateway.status()["disk"]["free_bytes"] > 0
    groups = samples[("roost_store_commit_seconds_count", ())]
    assert groups >= samples[("roost_store_commits_total", ())] and samples[("roost_store_commit_seconds_sum", ())] > 0
    bounds = sorted((float(dict(labels)["le"]), value) for (name, labels), value in samples.items()
                    if name == "roost_store_commit_seconds_bucket")
    assert bounds[-1] == (float("inf"), groups) and [v for _, v in bounds] == sorted(v for _, v in bounds)


async def test_metrics_can_require_a_token_and_be_turned_off(serve) -> None:
    served = await serve("metrics_requires_token: true")
    async with aiohttp.ClientSession() as session:
        async with session.get(served.url + "/api/metrics") as response:
            assert response.status == 401
        headers = {"Authorization": f"Bearer {await served.token()}"}
        async with session.get(served.url + "/api/metrics", headers=headers) as response:
            assert response.status == 200
    await served.gateway.stop()
    served = await serve("metrics: false")
    async with aiohttp.ClientSession() as session:
        async with session.get(served.url + "/api/metrics") as response:
            assert response.status == 401, "no such route: unknown routes need a token"


async def test_failed_sends_are_counted_by_platform_and_outcome(serve, monkeypatch) -> None:
    monkeypatch.setattr(RecipientAway, "HOLD", 0.2)  # a reply for a gone client is tried again soon
    served = await serve(extra="""
store: {delivery_max_attempts: 2}
automations:
  - id: late
    triggers: [{trigger: message, platform: websocket_chat}]
    actions:
      - delay: 0.2
      - reply: "late: {{ trigger.text }}"
""")
    token = await served.token()
    failed = {outcome: ("roost_messages_failed_total", (("outcome", outcome), ("platform", "websocket_chat")))
              for outcome in ("retry", "dead")}
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(served.url.replace("http", "ws") + f"/api/chat?access_token={token}"
                                      "&conversation=porch")
        await ws.send_str("anyone?")
        await asyncio.sleep(0.05)
        await ws.close()  # the reply finds no socket for its conversation: tried again, then buried (two attempts)
        samples: dict = {}
        buried = ("roost_dead_letters", (("source", "outbox"),))
        async with asyncio.timeout(20):  # the send's failure is counted at once, its dead letter once it is stored
            while samples.get(failed["dead"]) != 1 or samples.get(buried) != 1:
                await asyncio.sleep(0.2)
                async with session.get(served.url + "/api/metrics") as response:
                    samples = _samples(await response.text())
    assert samples[failed["retry"]] == 1 and samples[failed["dead"]] == 1
    assert ("roost_messages_sent_total", (("platform", "websocket_chat"),)) not in samples
