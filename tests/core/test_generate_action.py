"""The generate action: sanitize before the model, restore after, history, streaming (knowledge: test_generate_knowledge)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from core.channel import ChannelInfo, OutboundMessage
from core.errors import RecipientAway
from core.message import Message
from core.model import ModelRequest
from tests.helpers import FinishedRuns
from tests.helpers.channels import RECORDING_CHANNEL, RecordingChannel


class EchoModel:
    """A model that answers with a fixed prefix and the last user turn, in small chunks."""

    def __init__(self, name: str = "echo") -> None:
        self.name = name
        self.requests: list[ModelRequest] = []

    async def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        self.requests.append(request)
        answer = "You said: " + request.messages[-1].content
        for i in range(0, len(answer), 3):
            await asyncio.sleep(0)
            yield answer[i:i + 3]

    async def close(self) -> None:
        return None


class SplitRestorer:
    """Restores «S1» even when it arrives split across chunks."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        self.held = ""

    def feed(self, chunk: str) -> str:
        text = self.held + chunk
        start = text.rfind("[")
        if start != -1 and "]" not in text[start:]:
            self.held, text = text[start:], text[:start]
        else:
            self.held = ""
        for token, value in self.mapping.items():
            text = text.replace(token, value)
        return text

    def flush(self) -> str:
        out, self.held = self.held, ""
        return out


class SecretSanitizer:
    """Replaces the word 'hunter2' with [S1] per scope; restores it in answers."""

    name = "secret"

    def __init__(self) -> None:
        self.scopes: dict[str, dict[str, str]] = {}

    async def sanitize(self, text: str, scope: str) -> str:
        if "hunter2" in text:
            self.scopes.setdefault(scope, {})["[S1]"] = "hunter2"
        return text.replace("hunter2", "[S1]")

    async def restorer(self, scope: str) -> SplitRestorer:
        return SplitRestorer(dict(self.scopes.get(scope, {})))

    def scrub(self, text: str) -> str:
        return text.replace("hunter2", "[S]")


class StreamingChannel(RecordingChannel):
    """A recording channel that shows answers while they are written."""

    def __init__(self, platform: str) -> None:
        super().__init__(platform)
        self.info = ChannelInfo(platform, streaming="native")
        self.chunks: list[str] = []

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        these = [chunk async for chunk in chunks]
        self.chunks.extend(these)
        return await self.send(replace(message, text="".join(these)))


CONFIG = """
roost: {stop_timeout: 2}
store: {synchronous: NORMAL}
rec: {platform: test}
automations:
  - id: ask
    triggers: [{trigger: message, platform: [test, live]}]
    actions:
      - generate:
          model: echo
          system: "Be brief."
          history: 4
          knowledge: true
        response_variable: answer
"""


async def _started(make_config, make_gateway, sanitizer: SecretSanitizer, *channels: RecordingChannel,
                   config: str = CONFIG):
    """A gateway on config with the echo model, the sanitizer and extra channels; finished runs in data."""
    config_dir = make_config(config, files={"integrations/rec/__init__.py": RECORDING_CHANNEL,
                                            "integrations/rec/manifest.json":
                                            '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'})
    gw = await make_gateway(config_dir, start=False)
    gw.register_model(EchoModel())
    gw.register_sanitizer(sanitizer)
    for channel in channels:
        gw.register_channel(channel)
    gw.data["finished"] = FinishedRuns(gw)
    await gw.start()
    return gw


@pytest.fixture
async def gateway(make_config, make_gateway):
    return await _started(make_config, make_gateway, SecretSanitizer())


async def _ask(gw, text: str, platform: str = "test", chat: str = "c1") -> None:
    await gw.ingest(Message.create(platform, chat, "u1", text))


async def _last_trace(gw, automation: str = "ask"):
    for _ in range(200):
        traces = gw.data["finished"].recent(1, automation)
        if traces and traces[0].status != "running":
            return traces[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no finished trace of {automation}")


async def test_model_sees_sanitized_prompt_and_user_sees_original(gateway) -> None:
    channel = gateway.data["rec"]
    await _ask(gateway, "my password is hunter2")
    sent = await channel.wait_for(1, timeout=5)
    model = gateway.models["echo"]
    prompt = model.requests[0].messages[-1].content
    assert "hunter2" not in prompt and "[S1]" in prompt
    assert all("hunter2" not in turn.content for turn in model.requests[0].messages)
    assert sent[0] == ("c1", "You said: my password is hunter2")


async def test_history_of_the_chat_is_included_and_stored_sanitized(gateway) -> None:
    channel = gateway.data["rec"]
    await _ask(gateway, "first hunter2")
    await channel.wait_for(1, timeout=5)
    await _ask(gateway, "second")
    await channel.wait_for(2, timeout=5)
    second = gateway.models["echo"].requests[1].messages
    roles = [t.role for t in second]
    assert roles == ["system", "user", "assistant", "user"]
    assert second[1].content == "first [S1]"
    assert second[2].content == "You said: first [S1]"
    stored = await gateway.store.history.recent("test:c1", 10)
    assert all("hunter2" not in content for _role, content in stored)
    # Another chat has its own, empty history.
    await _ask(gateway, "other chat", chat="c2")
    await channel.wait_for(3, timeout=5)
    assert [t.role for t in gateway.models["echo"].requests[2].messages] == ["system", "user"]


async def test_streaming_channel_gets_chunks_and_the_reply_is_recorded_once(gateway) -> None:
    live = StreamingChannel("live")
    gateway.register_channel(live)
    await _ask(gateway, "stream hunter2 please", platform="live")
    await live.wait_for(1, timeout=5)
    assert len(live.chunks) > 3
    assert "".join(live.chunks) == "You said: stream hunter2 please"
    trace = await _last_trace(gateway)
    key = f"{trace.run_id}:actions.0"
    entry = await gateway.store.outbox.find(key)
    assert entry is not None and entry.state == "delivered"


class AwayChannel(StreamingChannel):
    """A streaming channel whose chats are away (RecipientAway) until told otherwise."""

    def __init__(self, platform: str) -> None:
        super().__init__(platform)
        self.away = True

    async def send(self, message: OutboundMessage) -> str:
        if self.away:
            raise RecipientAway("no one is there now")
        return await super().send(message)


THINKING_FIRST = CONFIG.replace("    actions:\n      - generate:", '    actions:\n      - reply: "Let me think."\n      - generate:')


async def test_a_streamed_answer_comes_after_the_replies_sent_before_it(make_config, make_gateway) -> None:
    live = StreamingChannel("live")
    gw = await _started(make_config, make_gateway, SecretSanitizer(), live, config=THINKING_FIRST)
    for n in range(3):
        await _ask(gw, f"question {n}", platform="live")
    await live.wait_for(6, timeout=5)
    assert [text for _chat, text in live.sent] == [
        text for n in range(3) for text in ("Let me think.", f"You said: question {n}")]
    assert live.chunks, "streamed"


async def test_an_answer_behind_a_held_reply_goes_whole_after_it(make_config, make_gateway) -> None:
    live = AwayChannel("live")
    gw = await _started(make_config, make_gateway, SecretSanitizer(), live, config=THINKING_FIRST)
    await _ask(gw, "anyone?", platform="live")
    assert (await _last_trace(gw)).status == "finished"
    assert not live.chunks, "not streamed around the held reply"
    assert await gw.store.outbox.pending_count("live", "c1") == 2, "both wait, in order"
    live.away = False
    await gw.chat_back("live", "c1")
    assert [text for _chat, text in await live.wait_for(2, timeout=5)] == ["Let me think.", "You said: anyone?"]


class LeavingChannel(AwayChannel):
    """A streaming channel whose chat goes away while an answer is written (RecipientAway after the last piece)."""

    def __init__(self, platform: str) -> None:
        super().__init__(platform)
        self.away = False

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        self.chunks.extend([chunk async for chunk in chunks])
        self.away = True
        raise RecipientAway("the client left while the answer was written")


async def test_an_answer_whose_chat_went_away_while_it_streamed_waits_whole(make_config, make_gateway) -> None:
    live = LeavingChannel("live")
    gw = await _started(make_config, make_gateway, SecretSanitizer(), live)
    await _ask(gw, "stream this", platform="live")
    assert (await _last_trace(gw)).status == "finished", "not a failed run, to be answered again"
    assert "".join(live.chunks) == "You said: stream this" and live.sent == []
    assert await gw.store.outbox.pending_count("live", "c1") == 1, "the whole answer waits"
    live.away = False
    await gw.chat_back("live", "c1")
    assert await live.wait_for(1, timeout=5) == [("c1", "You said: stream this")]


async def test_unknown_model_fails_the_run_with_a_clear_error(make_config, make_gateway) -> None:
    config_dir = make_config(CONFIG.replace("model: echo", "model: missing").replace(
        "roost: {stop_timeout: 2}", "roost: {stop_timeout: 2}\nscheduler: {max_attempts: 1}"),
        files={"integrations/rec/__init__.py": RECORDING_CHANNEL,
               "integrations/rec/manifest.json": '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'})
    gw = await make_gateway(config_dir, start=False)
    gw.register_model(EchoModel())
    gw.data["finished"] = FinishedRuns(gw)
    await gw.start()
    await _ask(gw, "hello")
    trace = await _last_trace(gw)
    assert trace.status == "failed"
    assert "no model named 'missing'" in (trace.error or "")
    assert "echo" in (trace.error or "")


class MaskingSanitizer(SecretSanitizer):
    """SecretSanitizer that also masks what is sent to the 'live' platform."""

    def masks_outbound(self, platform: str) -> bool:
        return platform == "live"


async def test_a_streamed_answer_to_a_masked_platform_arrives_masked_and_is_recorded_masked(
    make_config, make_gateway
) -> None:
    live = StreamingChannel("live")
    gw = await _started(make_config, make_gateway, MaskingSanitizer(), live)
    await _ask(gw, "stream hunter2 please", platform="live")
    await live.wait_for(1, timeout=5)
    assert live.chunks == []  # masking needs the whole text: it goes out whole, through the outbox
    assert live.sent == [("c1", "You said: stream [S] please")]
    await gw.wait_idle()
    run_id = gw.data["finished"].recent(1, "ask")[0].run_id
    entry = await gw.store.outbox.find(f"{run_id}:actions.0")
    assert entry is not None and entry.state == "delivered" and entry.body == "You said: stream [S] please"


CONVERSATION_CONFIG = """
roost: {stop_timeout: 2}
store: {synchronous: NORMAL}
scheduler: {max_attempts: 1}
rec: {platform: test}
automations:
  - id: ask
    triggers: [{trigger: message, platform: test}]
    actions:
      - generate:
          model: "{{ 'ec' ~ 'ho' }}"
          messages: "{{ trigger.raw.messages }}"
          options: "{{ trigger.raw.options }}"
"""


async def _conversation_gateway(make_config, make_gateway):
    config_dir = make_config(CONVERSATION_CONFIG, files={
        "integrations/rec/__init__.py": RECORDING_CHANNEL,
        "integrations/rec/manifest.json": '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'})
    gw = await make_gateway(config_dir, start=False)
    gw.register_model(EchoModel())
    gw.register_sanitizer(SecretSanitizer())
    gw.data["finished"] = FinishedRuns(gw)
    await gw.start()
    return gw


async def test_a_whole_conversation_and_options_from_the_message_go_to_the_model(make_config, make_gateway) -> None:
    gw = await _conversation_gateway(make_config, make_gateway)
    turns = [{"role": "system", "content": "terse"}, {"role": "user", "content": "pw hunter2"},
             {"role": "assistant", "content": "ok"}, {"role": "user", "content": "again hunter2"}]
    options = {"max_tokens": 9, "temperature": 0.1, "top_p": 0.3, "stop": ["x"], "seed": 8}
    await gw.ingest(Message.create("test", "c1", "u1", "again hunter2", raw={"messages": turns, "options": options}))
    sent = await gw.data["rec"].wait_for(1, timeout=5)
    request = gw.models["echo"].requests[0]
    assert [(t.role, t.content) for t in request.messages] == [
        ("system", "terse"), ("user", "pw [S1]"), ("assistant", "ok"), ("user", "again [S1]")]
    assert (request.max_tokens, request.temperature, request.top_p, request.stop, request.seed) == (
        9, 0.1, 0.3, ("x",), 8)
    assert sent[0] == ("c1", "You said: again hunter2")
    assert await gw.store.history.recent("test:c1", 10) == [], "a conversation brought along is not stored as history"


async def test_a_malformed_conversation_fails_the_run_clearly(make_config, make_gateway) -> None:
    gw = await _conversation_gateway(make_config, make_gateway)
    await gw.ingest(Message.create("test", "c1", "u1", "x", raw={"messages": [{"role": "robot", "content": "x"}]}))
    trace = await _last_trace(gw)
    assert trace.status == "failed" and "generate messages" in trace.error and "role" in trace.error
    await gw.ingest(Message.create("test", "c1", "u1", "x", raw={"messages": [{"role": "user", "content": "x"}],
                                                                 "options": {"top_p": 7}}))
    for _ in range(100):
        trace = gw.data["finished"].recent(1, "ask")[0]
        if trace.status == "failed" and "options" in (trace.error or ""):
            break
        await asyncio.sleep(0.02)
    assert "generate options" in trace.error and "top_p" in trace.error
