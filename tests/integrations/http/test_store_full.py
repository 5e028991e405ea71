"""A store that cannot take writes (its disk is full): every door says so, nothing is taken as stored, and the chat
socket stays usable. The store is really full: SQLite is capped at the pages its file has."""

from __future__ import annotations

import json
import logging

import aiohttp

from tests.helpers.store_full import allow_state, cap_pages, lift_cap, refuse_state
from tests.integrations.http.conftest import ECHO

WEBHOOK = ECHO + """
  - id: door
    triggers: [{trigger: webhook, webhook_id: door, local_only: true}]
    actions: [{event: door_rang}]
"""


async def test_a_full_store_is_a_503_and_an_error_frame_not_a_broken_socket(serve, caplog) -> None:
    served = await serve(extra=WEBHOOK)
    token = await served.token()
    await served.gateway.store.db.write(cap_pages)
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{served.url.replace('http', 'ws')}/api/chat?access_token={token}") as ws:
            answers: dict[int, dict] = {}
            for n in range(200):  # what fits in the pages the file has is stored; then the disk is full
                await ws.send_str(json.dumps({"id": n, "text": f"{n} " + "x" * 2000}))
                try:
                    while n not in answers:
                        answer = json.loads(await ws.receive_str(timeout=1))
                        answers[answer["id"]] = answer
                except TimeoutError:  # stored; its reply waits for room in the outbox
                    continue
                if "error" in answers[n]:
                    break
            answer = answers.pop(n)
            assert "Roost cannot store messages now" in answer["error"], answer
            assert "database or disk is full" in answer["error"] and "send it again later" in answer["error"]
            for _ in range(50):
                async with session.post(served.url + "/api/webhook/door", json={"ring": 1}) as response:
                    said = await response.json()
                    if response.status != 200:
                        break
            assert response.status == 503 and response.headers["Retry-After"] == "30"
            assert "nothing of this request was kept" in said["error"], said
            await served.gateway.store.db.write(lift_cap)
            await ws.send_str(json.dumps({"id": "again", "text": "once there is room"}))
            while "again" not in answers:
                answer = json.loads(await ws.receive_str(timeout=10))
                answers[answer["id"]] = answer
    assert answers.pop("again") == {"id": "again", "text": "echo: once there is room"}
    assert sorted(answers) == list(range(n)), "every message stored before the disk was full is answered"
    assert all(answer["text"].startswith(f"echo: {i} ") for i, answer in answers.items())
    logged = [r for r in caplog.records if r.name.startswith("integrations") and r.levelno >= logging.ERROR]
    assert logged == [], "the store says why; the doors add no traceback"


async def test_a_full_store_still_answers_what_only_reads(serve) -> None:
    served = await serve()
    token = await served.token()  # never used yet: its first use is written down, which a full disk refuses
    await served.gateway.store.db.write(refuse_state)
    async with aiohttp.ClientSession(served.url) as session:
        async with session.get("/api/status", headers={"Authorization": f"Bearer {token}"}) as answer:
            assert answer.status == 200, await answer.text()
    await served.gateway.store.db.write(allow_state)
