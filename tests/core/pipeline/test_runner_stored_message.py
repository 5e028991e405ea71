"""A run retried or resumed from the store reads its message from the inbox, not from its own payload."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any

from core.message import Message
from core.store.operations import single_statement
from tests.core.pipeline.conftest import LoadSetup, roost
from tests.helpers import write_integration

ONCE = '''
from __future__ import annotations

from core.errors import TransientError
from core.hookspecs import hookimpl


@hookimpl
def roost_setup(gateway, config):
    failed = gateway.data.setdefault("once", [])

    async def fail_once(ctx, data):
        if ctx.run_id not in failed:
            failed.append(ctx.run_id)
            raise TransientError("not yet", retry_after=0.5)

    gateway.register_action("once.fail_once", fail_once)
'''

GREET = """
  - id: greet
    triggers:
      - trigger: message
        pattern: "^/greet (?P<who>\\\\w+)"
    actions:
      - call: once.fail_once
      - reply: "hi {{ trigger.match.who }} ({{ trigger.text }}, {{ trigger.message_id }})"
"""


@single_statement
def _forget_message(conn: sqlite3.Connection, inbox_id: int) -> int:
    return conn.execute("DELETE FROM inbox WHERE id = ?", (inbox_id,)).rowcount


async def _setup(load_setup: LoadSetup, make_gateway: Any) -> Any:
    write_integration(load_setup.config_dir / "integrations", "once", ONCE, kind="action")
    load_setup.write(extra="once:\n", automations=GREET)
    return await make_gateway(load_setup.config_dir)


async def _until(predicate: Any, timeout: float = 20) -> None:
    async def poll() -> None:
        while not await predicate():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


async def test_a_retried_run_is_rebuilt_from_its_stored_message(load_setup: LoadSetup, make_gateway: Any) -> None:
    gateway = await _setup(load_setup, make_gateway)
    assert await gateway.ingest(Message.create("load", "c1", "u", "/greet ann", id="m-1"))

    async def replied() -> bool:
        return load_setup.platform.sink_count() == 1

    await _until(replied)
    assert [row[3] for row in load_setup.platform.sink()] == ["hi ann (/greet ann, m-1)"]
    [(inbox_id, attempts)] = await gateway.store.db.fetchall("SELECT inbox_id, attempts FROM tasks")
    assert attempts == 2  # the second attempt was rebuilt from the store
    entry = await gateway.store.inbox.get(inbox_id)
    assert entry is not None and entry.text == "/greet ann"


async def test_a_run_whose_message_is_gone_becomes_a_dead_letter_that_says_so(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    gateway = await _setup(load_setup, make_gateway)
    assert await gateway.ingest(Message.create("load", "c1", "u", "/greet bob", id="m-2"))

    async def failed_once() -> bool:
        return len(gateway.data["once"]) == 1

    await _until(failed_once)
    [(inbox_id,)] = await gateway.store.db.fetchall("SELECT inbox_id FROM tasks")
    assert await gateway.store.db.write(_forget_message, inbox_id) == 1

    async def buried() -> bool:
        return (await gateway.store.dead.stats())["task"] == 1

    await _until(buried)
    [letter] = await gateway.store.dead.list()
    assert f"the message this run answers (inbox row {inbox_id}) is no longer stored" in letter.reason
    assert load_setup.platform.sink_count() == 0
    await gateway.stop()
    shown = roost("queue", "show", str(letter.id), "--json", "--config", str(load_setup.config_dir))
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["task"]["inbox_id"] == inbox_id  # which message the run was for
