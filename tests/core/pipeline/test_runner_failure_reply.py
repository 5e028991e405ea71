"""A run that fails for good tells its chat once; a run that will be retried does not."""

from __future__ import annotations

import asyncio

from core.message import Message
from tests.helpers import FinishedRuns
from tests.helpers.channels import RECORDING_CHANNEL

MANIFEST = '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'


async def test_permanent_failure_gets_one_apology_with_the_run_id(make_config, make_gateway) -> None:
    config_dir = make_config("""
rec: {platform: test}
scheduler: {max_attempts: 3, backoff_base: 0.01}
automations:
  - id: broken
    triggers: [{trigger: message, platform: test}]
    actions:
      - call: nothing.here
""", files={"integrations/rec/__init__.py": RECORDING_CHANNEL, "integrations/rec/manifest.json": MANIFEST})
    gateway = await make_gateway(config_dir, start=False)
    finished = FinishedRuns(gateway)
    await gateway.start()
    await gateway.ingest(Message.create("test", "c1", "u1", "do it"))
    sent = await gateway.data["rec"].wait_for(1, timeout=10)
    await asyncio.sleep(0.3)
    assert len(gateway.data["rec"].sent) == 1
    trace = finished.recent(1, "broken")[0]
    assert sent[0][0] == "c1"
    assert sent[0][1] == f"Sorry, that did not work. (`roost trace {trace.run_id[:8]}` has the details)"
    await gateway.traces()  # written now
    [stored] = await gateway.store.traces.recent(10, run_prefix=trace.run_id[:8])
    assert stored.run_id == trace.run_id, "the reply's eight digits find its run"
    letters = await gateway.store.dead.list(10)
    assert len(letters) == 1 and "nothing.here" in letters[0].reason


async def test_failure_reply_can_be_turned_off(make_config, make_gateway) -> None:
    config_dir = make_config("""
roost: {failure_reply: ""}
rec: {platform: test}
automations:
  - id: broken
    triggers: [{trigger: message, platform: test}]
    actions:
      - call: nothing.here
""", files={"integrations/rec/__init__.py": RECORDING_CHANNEL, "integrations/rec/manifest.json": MANIFEST})
    gateway = await make_gateway(config_dir)
    await gateway.ingest(Message.create("test", "c1", "u1", "do it"))
    for _ in range(200):
        if await gateway.store.dead.list(10):
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)
    assert gateway.data["rec"].sent == []
