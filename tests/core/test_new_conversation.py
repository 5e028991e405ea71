"""/new starts a chat's conversation over: its history and its placeholders are forgotten, other chats keep theirs."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from core.automation.actions import ActionError
from core.conversations import forget_conversation_action
from core.message import Message
from tests.helpers.channels import RECORDING_CHANNEL
from tests.integrations.pii.test_pii_gateway import MANIFEST, PHONE, RepeatModel

CONFIG = """
pii: {}
rec: {platform: test}
automations:
  - id: ask
    triggers: [{trigger: message, platform: test}]
    conditions: ["{{ trigger.command is none }}"]
    actions: [{generate: {model: repeat, history: 6}}]
  - id: new_conversation
    use_blueprint: {path: new_conversation.yaml}
"""
BUILTINS = Path(__file__).resolve().parents[2] / "integrations"


async def _say(gateway, chat: str, text: str) -> str:
    channel = gateway.data["rec"]
    await gateway.ingest(Message.create("test", chat, "u1", text))
    [(to, reply)] = (await channel.wait_for(len(channel.sent) + 1, timeout=5))[-1:]
    assert to == chat
    return reply


async def test_new_forgets_this_chats_history_and_placeholders_and_no_other_chats(make_config, make_gateway) -> None:
    config_dir = make_config(CONFIG, files={"integrations/rec/__init__.py": RECORDING_CHANNEL,
                                            "integrations/rec/manifest.json": MANIFEST})
    gateway = await make_gateway(config_dir, builtins=BUILTINS, start=False)
    model = RepeatModel()
    gateway.register_model(model)
    await gateway.start()
    vault = gateway.storage("pii")

    assert await _say(gateway, "c1", f"Call me on {PHONE}") == f"Noted: Call me on {PHONE}"
    assert await _say(gateway, "c2", f"Mine is {PHONE[:-1]}9") == f"Noted: Mine is {PHONE[:-1]}9"
    assert await _say(gateway, "c1", "Got it?") == "Noted: Got it?"
    assert [t.content for t in model.requests[-1].messages] == [
        "Call me on [PHONE_1]", "Noted: Call me on [PHONE_1]", "Got it?"]
    assert await vault.get("vault:test:c1") is not None

    assert await _say(gateway, "c1", "/new") == "New conversation: I have forgotten the 4 messages of this chat's history."
    assert await gateway.store.history.recent("test:c1", 10) == []
    assert await vault.get("vault:test:c1") is None, "what [PHONE_1] stood for is gone with the history"

    assert await _say(gateway, "c1", "Who am I?") == "Noted: Who am I?"
    assert [t.content for t in model.requests[-1].messages] == ["Who am I?"], "the model sees nothing from before"
    assert await _say(gateway, "c2", "And me?") == "Noted: And me?"
    assert [t.content for t in model.requests[-1].messages] == [
        "Mine is [PHONE_1]", "Noted: Mine is [PHONE_1]", "And me?"], "another chat keeps its conversation"
    assert await vault.get("vault:test:c2") is not None

    await _say(gateway, "c3", "/reset")
    assert gateway.data["rec"].sent[-1] == ("c3", "New conversation (this chat had no history to forget).")


async def test_forgetting_needs_a_chat_and_takes_no_data() -> None:
    with pytest.raises(ActionError, match="not started by a message, so it has no conversation to forget"):
        await forget_conversation_action(SimpleNamespace(), SimpleNamespace(message=None), {})
    with pytest.raises(ActionError, match=r"takes no data \(got chat\)"):
        await forget_conversation_action(SimpleNamespace(), SimpleNamespace(message=None), {"chat": "c1"})
