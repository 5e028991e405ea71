"""The privacy engine in a running gateway: prompts, logs, traces and history carry no raw PII."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from core.logs import ScrubFilter
from core.message import Message
from core.model import ModelRequest
from tests.helpers.channels import RECORDING_CHANNEL

MANIFEST = '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'
PHONE = "13812345678"
EMAIL = "li.wei@example.com"
CN_ID = "11010519491231002X"


class RepeatModel:
    """Answers by repeating the user's prompt, split into tiny chunks (placeholders split too)."""

    name = "repeat"

    def __init__(self) -> None:
        self.requests: list[ModelRequest] = []

    async def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        self.requests.append(request)
        text = "Noted: " + request.messages[-1].content
        for i in range(0, len(text), 2):
            await asyncio.sleep(0)
            yield text[i:i + 2]

    async def close(self) -> None:
        return None


async def test_model_gets_placeholders_and_the_user_gets_the_original(make_config, make_gateway, caplog) -> None:
    config_dir = make_config("""
pii: {}
rec: {platform: test}
automations:
  - id: ask
    triggers: [{trigger: message, platform: test}]
    actions:
      - generate: {model: repeat, history: 4}
""", files={"integrations/rec/__init__.py": RECORDING_CHANNEL, "integrations/rec/manifest.json": MANIFEST})
    builtins = Path(__file__).resolve().parents[3] / "integrations"
    gateway = await make_gateway(config_dir, builtins=builtins, start=False)
    model = RepeatModel()
    gateway.register_model(model)
    await gateway.start()
    handler = logging.StreamHandler()
    records: list[str] = []
    handler.emit = lambda record: records.append(handler.format(record))  # type: ignore[method-assign]
    handler.addFilter(ScrubFilter(gateway.scrub))
    logging.getLogger().addHandler(handler)
    try:
        text = f"Call me on {PHONE} or mail {EMAIL}; my ID is {CN_ID}."
        await gateway.ingest(Message.create("test", "chat1", "u1", text))
        sent = await gateway.data["rec"].wait_for(1, timeout=5)
        logging.getLogger("roost.test").warning("user wrote: %s", text)
    finally:
        logging.getLogger().removeHandler(handler)

    # The model saw placeholders only, in every turn.
    prompt = " ".join(turn.content for turn in model.requests[0].messages)
    for raw in (PHONE, EMAIL, CN_ID):
        assert raw not in prompt
    assert "[PHONE_1]" in prompt and "[EMAIL_1]" in prompt and "[CN_ID_1]" in prompt
    # The person sees their own data again.
    assert sent[0] == ("chat1", f"Noted: {text}")
    # Logs, traces and stored history carry none of it.
    assert records and all(raw not in line for line in records for raw in (PHONE, EMAIL, CN_ID))
    await gateway.wait_idle()
    stored = await gateway.store.traces.recent(5)
    assert stored and all(raw not in str(t.data) for t in stored for raw in (PHONE, EMAIL, CN_ID))
    history = await gateway.store.history.recent("test:chat1", 10)
    assert history and all(raw not in content for _r, content in history for raw in (PHONE, EMAIL, CN_ID))

    # A second turn in the same chat refers to the same placeholder for the same phone.
    await gateway.ingest(Message.create("test", "chat1", "u1", f"Again: {PHONE}"))
    await gateway.data["rec"].wait_for(2, timeout=5)
    assert model.requests[1].messages[-1].content == "Again: [PHONE_1]"


async def test_an_entity_type_no_recognizer_finds_is_named_at_start(make_config, make_gateway, caplog) -> None:
    builtins = Path(__file__).resolve().parents[3] / "integrations"
    misspelt = make_config("pii: {entities: {EMIAL: hash, PHONE: mask}}\n")
    with caplog.at_level(logging.WARNING, logger="integrations.pii"):
        gateway = await make_gateway(misspelt, builtins=builtins)
    warnings = [r.getMessage() for r in caplog.records if r.name == "integrations.pii"]
    assert len(warnings) == 1 and "no recognizer finds EMIAL, configured under pii: entities" in warnings[0]
    assert "EMAIL" in warnings[0].split("the types found are", 1)[1]
    assert gateway.state == "running", "a warning: the rest of the configuration holds"

    caplog.clear()
    spelt = make_config("pii: {entities: {EMAIL: hash, PHONE: mask}}\n", name="spelt")
    with caplog.at_level(logging.WARNING, logger="integrations.pii"):
        await make_gateway(spelt, builtins=builtins)
    assert not [r for r in caplog.records if r.name == "integrations.pii"]
