"""The webhook trigger: a request is stored with its runs before the 200, and its body reaches the automation."""

from __future__ import annotations

import asyncio
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


async def test_bodies_as_other_tools_send_them(serve) -> None:
    served = await serve(extra=HOOKS)
    forms: list[dict] = []
    doors: list[dict] = []
    served.gateway.bus.listen("form_report", lambda event: forms.append(dict(event.data)))
    served.gateway.bus.listen("door_report", lambda event: doors.append(dict(event.data)))
    multipart = aiohttp.FormData()  # what curl -F and HTML forms with a file send
    for name, value in (("name", "bo"), ("tag", "a"), ("tag", "b")):
        multipart.add_field(name, value)
    multipart.add_field("photo", b"\xff\xd8 not text", filename="door.jpg", content_type="image/jpeg")
    async with aiohttp.ClientSession() as session:
        async with session.post(served.url + "/api/webhook/form-hook", data=multipart) as r:
            assert r.status == 200, await r.text()
        for body, content_type in ((b'\xef\xbb\xbf{"who": "bom"}', "application/json"),  # Windows PowerShell 5
                                   ('{"who": "zoë"}'.encode("latin-1"), "application/json; charset=latin-1")):
            async with session.post(served.url + "/api/webhook/front-door-7f3a", data=body,
                                    headers={"Content-Type": content_type}) as r:
                assert r.status == 200, await r.text()
        async with session.post(served.url + "/api/webhook/front-door-7f3a", data=b"x",
                                headers={"Content-Type": "text/plain; charset=klingon"}) as r:
            assert r.status == 400 and "charset 'klingon' is unknown" in (await r.json())["error"]
        async with session.post(served.url + "/api/webhook/form-hook", data=b"name=\xff\xfe",
                                headers={"Content-Type": "application/x-www-form-urlencoded"}) as r:
            assert r.status == 400 and (await r.json())["error"].startswith("the body is not a valid form: ")
    await served.gateway.wait_idle()
    assert forms == [{"name": "bo", "tags": ["a", "b"], "rooms": None}], "the file is left out"
    assert [report["who"] for report in doors] == ["bom", "zoë"]
    (inbox_id,), = await served.gateway.store.db.fetchall("SELECT id FROM inbox WHERE chat_id = 'form-hook'")
    stored = await served.gateway.store.inbox.get(inbox_id)
    assert stored is not None and stored.text == "name=bo&tag=a&tag=b", "a form's text is its fields, not the file"


async def test_a_request_while_roost_stops_is_a_503_not_taken_as_stored(serve) -> None:
    served = await serve(extra=HOOKS + """
  - id: slow
    triggers: [{trigger: webhook, webhook_id: slow-hook}]
    actions: [{delay: 1}]
""")
    async with aiohttp.ClientSession() as session:
        async with session.post(served.url + "/api/webhook/slow-hook", json={}) as r:
            assert r.status == 200
        await asyncio.sleep(0.1)  # its run waits in its delay: the stop waits for it
        stopping = asyncio.ensure_future(served.gateway.stop())
        await asyncio.sleep(0.1)
        assert served.gateway.state == "stopping"
        async with session.post(served.url + "/api/webhook/front-door-7f3a", json={"who": "late"}) as r:
            status, retry_after, said = r.status, r.headers.get("Retry-After"), await r.json()
        await stopping
    assert (status, retry_after) == (503, "30"), said  # the sender keeps it and sends it again
    assert "Roost is stopping" in said["error"] and "send it again later" in said["error"], said
