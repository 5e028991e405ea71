"""The door: text made storable once, unstorable messages refused for good, queued max across restarts."""

from __future__ import annotations

import pytest

from core.errors import PermanentError
from core.message import Message
from core.pipeline.inbound import storable, storable_text
from tests.helpers import FinishedRuns
from tests.helpers.channels import RECORDING_CHANNEL

MANIFEST = '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'
FILES = {"integrations/rec/__init__.py": RECORDING_CHANNEL, "integrations/rec/manifest.json": MANIFEST}


def test_lone_surrogates_become_replacement_characters() -> None:
    assert storable_text("ok \ud800 and \udcff") == "ok \ufffd and \ufffd"
    undecodable = b"caf\xe9 \xff".decode("utf-8", "surrogateescape")  # what a terminal read gives
    assert storable_text(undecodable) == "caf\ufffd \ufffd"
    fine = "grüße 👋"
    assert storable_text(fine) is fine
    message = Message("test", "c\ud800", "u", "hi \udc80", raw={"text": "hi \udc80", "n": [1, "\ud801"]})
    cleaned = storable(message)
    assert (cleaned.chat_id, cleaned.text) == ("c\ufffd", "hi \ufffd")
    assert cleaned.raw == {"text": "hi \ufffd", "n": [1, "\ufffd"]}
    plain = Message("test", "c", "u", "hi", raw=b"\xff raw bytes")
    assert storable(plain) is plain


async def test_a_lone_surrogate_is_answered_and_the_chat_goes_on(make_config, make_gateway) -> None:
    gateway = await make_gateway(make_config("""
rec: {platform: test}
automations:
  - id: echo
    triggers: [{trigger: message, platform: test}]
    actions: [{reply: "re: {{ trigger.text }}"}]
""", files=FILES))
    assert await gateway.ingest(Message.create("test", "c1", "u", "bad \ud800 text", raw={"t": "\ud800"}))
    assert await gateway.ingest(Message.create("test", "c1", "u", "next"))
    sent = await gateway.data["rec"].wait_for(2, timeout=10)
    assert [text for _chat, text in sent] == ["re: bad \ufffd text", "re: next"]


async def test_a_message_that_cannot_be_stored_is_refused_for_good(make_config, make_gateway) -> None:
    gateway = await make_gateway(make_config("""
automations:
  - id: echo
    triggers: [{trigger: message}]
    actions: [{reply: "re: {{ trigger.text }}"}]
"""))
    broken = Message("test", None, "u", "from an adapter that lost the chat id")  # type: ignore[arg-type]
    with pytest.raises(PermanentError, match="cannot be stored"):
        await gateway.ingest(broken)
    assert await gateway.store.db.fetchone("SELECT COUNT(*) FROM tasks") == (0,)


QUEUED = """
roost: {stop_timeout: 0.2}
rec: {platform: test}
automations:
  - id: slow
    mode: queued
    max: 2
    triggers: [{trigger: message, platform: test}]
    actions:
      - delay: 30
      - reply: done
"""


async def test_queued_max_counts_runs_queued_before_a_restart(make_config, make_gateway) -> None:
    config_dir = make_config(QUEUED, files=FILES)
    first = await make_gateway(config_dir)
    for n in range(2):
        assert await first.ingest(Message.create("test", "c1", "u", f"job {n}"))
    await first.stop()  # the running one is given back: both stay queued

    second = await make_gateway(config_dir, start=False)
    finished = FinishedRuns(second)
    await second.start()
    assert await second.ingest(Message.create("test", "c1", "u", "job 2"))
    [skipped] = finished.recent(5, "slow")
    assert (skipped.status, skipped.error) == ("skipped", "2 runs already queued (mode: queued)")
    assert await second.store.tasks.open_count() == 2
    assert await second.ingest(Message.create("test", "c2", "u", "another chat"))  # its own count
    assert await second.store.tasks.open_count() == 3
