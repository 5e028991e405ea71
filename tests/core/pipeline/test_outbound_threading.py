"""Replies thread to the message they answer: reply_to travels through the outbox to the channel."""

from __future__ import annotations

import asyncio
from typing import Any

from core.message import Message
from tests.core.pipeline.conftest import LoadSetup, wait_for

THREADED = """
  - id: echo
    triggers:
      - trigger: message
        command: echo
    actions:
      - reply: "re: {{ trigger.text }}"
  - id: note
    triggers:
      - trigger: message
        command: note
    actions:
      - send:
          platform: load
          chat_id: notes
          text: "noted: {{ trigger.text }}"
"""


async def test_a_reply_names_the_message_it_answers_and_a_send_names_none(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    load_setup.write(automations=THREADED)
    gateway = await make_gateway(load_setup.config_dir)
    assert await gateway.ingest(Message.create("load", "c1", "alice", "/echo one", id="m-101"))
    assert await gateway.ingest(Message.create("load", "c2", "bob", "/echo two", id="m-202"))
    assert await gateway.ingest(Message.create("load", "c1", "alice", "/note three", id="m-303"))
    platform = load_setup.platform
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 3, 20, "3 replies")
    await gateway.wait_idle()
    threaded = {(chat, text): reply_to for _pid, _key, chat, text, reply_to in platform.sink()}
    assert threaded == {
        ("c1", "re: /echo one"): "m-101",
        ("c2", "re: /echo two"): "m-202",
        ("notes", "noted: /note three"): None,
    }
    stored = await gateway.store.db.fetchall("SELECT chat_id, reply_to FROM outbox ORDER BY id")
    assert sorted(stored, key=str) == sorted([("c1", "m-101"), ("c2", "m-202"), ("notes", None)], key=str)


async def test_reply_to_is_kept_in_the_outbox_across_an_outage_and_a_restart(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    load_setup.write(automations=THREADED)
    platform = load_setup.platform
    platform.set_control("offline", True)
    gateway = await make_gateway(load_setup.config_dir)
    for n in range(3):
        assert await gateway.ingest(Message.create("load", f"c{n}", "u", f"/echo held {n}", id=f"held-{n}"))

    async def held() -> None:
        while await gateway.store.outbox.pending_count("load") < 3:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(held(), 20)
    await gateway.wait_idle()
    pending = await gateway.store.outbox.next_batch("load", 1e12, 10)
    assert sorted(entry.reply_to for entry in pending) == ["held-0", "held-1", "held-2"]
    await gateway.stop()
    assert platform.sink_count() == 0

    platform.set_control("offline", False)
    await make_gateway(load_setup.config_dir)  # a new process reads them back from the outbox
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 3, 20, "3 held replies")
    assert sorted((chat, reply_to) for _pid, _key, chat, _text, reply_to in platform.sink()) == [
        ("c0", "held-0"), ("c1", "held-1"), ("c2", "held-2")]
