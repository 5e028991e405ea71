"""A damaged vault entry is dropped: the chat keeps getting answers, and the answer says what was lost."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.message import Message
from core.model import ModelRequest
from integrations.pii.restore import LOST_NOTE
from tests.helpers.channels import RECORDING_CHANNEL

MANIFEST = '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'
PHONE = "13812345678"
CONFIG = """
pii: {}
rec: {platform: test}
automations:
  - id: ask
    triggers: [{trigger: message, platform: test}]
    actions:
      - generate: {model: recall, history: 4}
"""


class RecallModel:
    """Answers with every placeholder in the conversation so far (history included)."""

    name = "recall"

    async def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        seen = re.findall(r"\[[A-Z_]+_\d+\]", " ".join(turn.content for turn in request.messages))
        yield "You mentioned: " + ", ".join(dict.fromkeys(seen))

    async def close(self) -> None:
        return None


async def _start(make_gateway, config_dir: Path):
    builtins = Path(__file__).resolve().parents[3] / "integrations"
    gateway = await make_gateway(config_dir, builtins=builtins, start=False)
    gateway.register_model(RecallModel())
    await gateway.start()
    return gateway


def _flip_vault(config_dir: Path) -> None:
    conn = sqlite3.connect(config_dir / "roost.db")
    try:
        [(key, value)] = conn.execute("SELECT key, value FROM state WHERE domain = 'pii' AND key LIKE 'vault:%'")
        damaged = bytearray(value)
        damaged[-5] ^= 0x10
        conn.execute("UPDATE state SET value = ? WHERE domain = 'pii' AND key = ?", (bytes(damaged), key))
        conn.commit()
    finally:
        conn.close()


@pytest.mark.allow_logged_errors
async def test_a_damaged_vault_entry_costs_its_placeholders_not_the_chat(make_config, make_gateway, caplog) -> None:
    config_dir = make_config(CONFIG, files={"integrations/rec/__init__.py": RECORDING_CHANNEL,
                                            "integrations/rec/manifest.json": MANIFEST})
    gateway = await _start(make_gateway, config_dir)
    await gateway.ingest(Message.create("test", "chat1", "u1", f"Call me on {PHONE}"))
    [(_chat, first)] = await gateway.data["rec"].wait_for(1, timeout=5)
    assert first == f"You mentioned: {PHONE}"
    await gateway.stop()

    _flip_vault(config_dir)
    gateway = await _start(make_gateway, config_dir)
    await gateway.ingest(Message.create("test", "chat1", "u1", "What is my number?"))
    [(_chat, answer)] = await gateway.data["rec"].wait_for(1, timeout=5)
    assert answer == ("You mentioned: [PHONE_1]" + LOST_NOTE).strip()
    assert "placeholder map was damaged on disk and is dropped" in caplog.text
    assert await gateway.store.dead.list() == []

    await gateway.ingest(Message.create("test", "chat1", "u1", f"It is {PHONE}"))
    sent = await gateway.data["rec"].wait_for(2, timeout=5)
    assert PHONE in sent[1][1], "new placeholders are kept and restored again"
