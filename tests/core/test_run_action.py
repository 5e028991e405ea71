"""The run action: allow-listed commands in the sandbox, arguments never through a shell."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.message import Message
from tests.helpers import FinishedRuns
from tests.helpers.channels import RECORDING_CHANNEL

MANIFEST = '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'

CONFIG = """
rec: {platform: test}
sandbox:
  commands:
    say:
      argv: [/bin/echo, said]
      args: ['[A-Za-z0-9 ;$()&|`-]{1,40}']
      max_args: 3
      allow_options: false
automations:
  - id: say
    triggers: [{trigger: message, platform: test, command: say}]
    actions:
      - run: say
        args: "{{ trigger.args }}"
        response_variable: out
      - reply: "{{ out.stdout | trim }} (exit {{ out.returncode }}, {{ out.isolation }})"
  - id: forbidden
    triggers: [{trigger: message, platform: test, command: rm}]
    actions:
      - run: rm
        args: "{{ trigger.args }}"
      - reply: "should not get here"
"""


async def _gateway(make_config, make_gateway):
    config_dir = make_config(CONFIG, files={"integrations/rec/__init__.py": RECORDING_CHANNEL,
                                            "integrations/rec/manifest.json": MANIFEST})
    gateway = await make_gateway(config_dir, start=False)
    gateway.data["finished"] = FinishedRuns(gateway)
    await gateway.start()
    return gateway


async def _trace(gateway, automation: str):
    for _ in range(300):
        traces = gateway.data["finished"].recent(1, automation)
        if traces and traces[0].status != "running":
            return traces[0]
        await asyncio.sleep(0.02)
    raise AssertionError("no trace")


async def test_allowed_command_runs_with_arguments_as_separate_items(make_config, make_gateway, tmp_path: Path) -> None:
    gateway = await _gateway(make_config, make_gateway)
    canary = tmp_path / "canary"
    canary.write_text("still here")
    await gateway.ingest(Message.create("test", "c", "u", f"/say hi;rm $(cat {canary.name})&&x"))
    sent = await gateway.data["rec"].wait_for(1, timeout=15)
    assert sent[0][1].startswith("said hi;rm $(cat canary)&&x (exit 0,")
    assert canary.read_text() == "still here"


async def test_refused_arguments_get_a_polite_reply_and_a_failed_trace(make_config, make_gateway) -> None:
    gateway = await _gateway(make_config, make_gateway)
    await gateway.ingest(Message.create("test", "c", "u", "/say --version"))
    sent = await gateway.data["rec"].wait_for(1, timeout=15)
    assert sent[0][1].startswith("Sorry, I can't run that:")
    trace = await _trace(gateway, "say")
    assert trace.status == "failed" and "refused" in (trace.error or "")


async def test_a_command_that_is_not_allow_listed_is_refused(make_config, make_gateway) -> None:
    gateway = await _gateway(make_config, make_gateway)
    await gateway.ingest(Message.create("test", "c", "u", "/rm -rf /"))
    sent = await gateway.data["rec"].wait_for(1, timeout=15)
    assert sent[0][1].startswith("Sorry, I can't run that:") and "rm" in sent[0][1]
    await asyncio.sleep(0.2)
    assert all(text != "should not get here" for _c, text in gateway.data["rec"].sent)
    trace = await _trace(gateway, "forbidden")
    assert trace.status == "failed"
