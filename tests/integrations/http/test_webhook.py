"""The webhook trigger: a request is stored with its runs before the 200, and its body reaches the automation."""

from __future__ import annotations

import logging

import aiohttp

from tests.helpers.runs import FinishedRuns

HOOKS = """
automations:
  - id: door
    triggers: [{trigger: webhook, webhook_id: front-door-7f3a, allowed_methods: [POST]}]
    actions:
      - event: door_report
        event_data: {who: "{{ trigger.json.who }}", how: "{{ trigger.method }}", q: "{{ trigger.query.room }}"}
  - id: form
    triggers: [{trigger: webhook, webhook_id: form-hook}]
    actions:
      - event: form_report
        event_data: {name: "{{ trigger.data.name }}", tags: "{{ trigger.data.tag }}", rooms: "{{ trigger.query.room }}"}
"""


async def test_a_json_post_runs_the_automation_with_its_body(serve) -> None:
    served = await serve(extra=HOOKS)
    reports: list[dict] = []
    served.gateway.bus.listen("door_report", lambda event: reports.append(dict(event.data)))
    finished = FinishedRuns(served.gateway)
    async with aiohttp.ClientSession() as session:
        async with session.post(served.url + "/api/webhook/front-door-7f3a?room=hall", json={"who": "ann"}) as r:
            assert r.status == 200 and await r.json() == {"ok": True, "stored": True}
        rows = await served.gateway.store.db.fetchall("SELECT platform, chat_id FROM inbox")
        assert ("webhook", "front-door-7f3a") in rows, "stored before the 200"
        await served.gateway.wait_idle()
    assert reports == [{"who": "ann", "how": "POST", "q": "hall"}]
    assert [t.status for t in finished.recent(5, "door")] == ["finished"]


async def test_form_data_methods_and_bad_bodies(serve, caplog) -> None:
    served = await serve(extra=HOOKS)
    caplog.set_level(logging.WARNING, logger="integrations.http.webhook")
    reports: list[dict] = []
    served.gateway.bus.listen("form_report", lambda event: reports.append(dict(event.data)))
    async with aiohttp.ClientSession() as session:
        async with session.put(served.url + "/api/webhook/form-hook?room=hall&room=attic",
                               data=[("name", "bo"), ("tag", "a"), ("tag", "b")]) as r:
            assert r.status == 200
        async with session.put(served.url + "/api/webhook/front-door-7f3a", json={}) as r:
            assert r.status == 405 and "accepts POST" in (await r.json())["error"]
        async with session.post(served.url + "/api/webhook/front-door-7f3a", data=b"{broken",
                                headers={"Content-Type": "application/json"}) as r:
            assert r.status == 400 and "not valid JSON" in (await r.json())["error"]
        for guess in ("nobody-listens", "nobody-listens", "nobody-listens", "admin"):
            async with session.post(served.url + f"/api/webhook/{guess}", json={}) as r:
                assert r.status == 404 and (await r.json()) == {"error": f"no automation listens to webhook {guess}"}
    unknown = [r.getMessage() for r in caplog.records if "which no automation listens to" in r.getMessage()]
    assert len(unknown) == 2 and "'admin'" in unknown[1], "one line an unknown id, however often it is tried"
    await served.gateway.wait_idle()
    assert reports == [{"name": "bo", "tags": ["a", "b"], "rooms": ["hall", "attic"]}], "a name given twice keeps both"
