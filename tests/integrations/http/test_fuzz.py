"""Random frames at both sockets, random requests at the webhook and random lines at the console's socket (where
`roost chat` attaches): clear answers, no crash, no 500."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import load_config
from core.gateway import Gateway
from integrations.console.visitors import SOCKET_NAME
from integrations.http.tokens import TokenBook
from tests.helpers.configdir import write_config

CONFIG = """
http: {port: 0}
websocket_api: {response_timeout: 2}
console: {read_stdin: never}
automations:
  - id: echo
    triggers: [{trigger: message, platform: [websocket_chat, websocket, console]}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
  - id: hook
    triggers: [{trigger: webhook, webhook_id: fuzz, allowed_methods: [POST, PUT]}]
    actions: [{event: fuzzed}]
"""
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
COMMANDS = ["ping", "supported_features", "get_config", "get_states", "get_services", "subscribe_events",
            "unsubscribe_events", "fire_event", "call_service", "conversation/process", "auth/current_user", "nope"]
HA_FRAMES = st.one_of(
    st.text(max_size=300),
    JSON.map(json.dumps),
    st.fixed_dictionaries(
        {"id": st.integers(-5, 10**6), "type": st.sampled_from(COMMANDS)},
        optional={"event_type": JSON, "event_data": JSON, "domain": st.sampled_from(["roost", "conversation", "x"]),
                  "service": st.sampled_from(["send_message", "process", "queue_stats", "y"]),
                  "service_data": JSON, "return_response": JSON, "features": JSON, "subscription": JSON,
                  "text": JSON, "conversation_id": JSON},
    ).map(json.dumps),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class Background:
    """A gateway on an event loop in a thread of its own, so hypothesis can drive it example by example."""

    def __init__(self, config_dir: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.gateway: Any = self.run(self._start(config_dir))
        self.token: str = self.run(TokenBook(self.gateway.storage("http")).create("fuzz"))
        self.url = f"http://127.0.0.1:{self.gateway.data['http'].server.port}"

    def run(self, coro: Any, timeout: float = 30) -> Any:
        """Run a coroutine on the gateway's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self, config_dir: Path) -> Any:
        gateway = Gateway(load_config(config_dir))
        await gateway.start()
        async with asyncio.timeout(5):
            while gateway.data["http"].server.port is None:
                await asyncio.sleep(0.01)
        return gateway

    def close(self) -> None:
        """Stop the gateway and the loop."""
        self.run(self.gateway.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def roost(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Background]:
    """One gateway for every example of this module."""
    background = Background(write_config(tmp_path_factory.mktemp("fuzz"), CONFIG))
    yield background
    health = background.run(_status(background.url + "/api/health"))
    background.close()
    assert health == 200, "still healthy after the fuzzing"


async def _status(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status


async def _ha_socket(url: str, token: str, frame: str) -> str:
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(url.replace("http", "ws") + "/api/websocket")
        await ws.receive_str(timeout=5)
        await ws.send_str(json.dumps({"type": "auth", "access_token": token}))
        assert json.loads(await ws.receive_str(timeout=5))["type"] == "auth_ok"
        await ws.send_str(frame)
        await ws.send_str(json.dumps({"id": 10**7, "type": "ping"}))
        while True:
            message = await ws.receive(timeout=10)
            if message.type != aiohttp.WSMsgType.TEXT:
                return "closed"
            parsed = json.loads(message.data)
            for item in parsed if isinstance(parsed, list) else [parsed]:
                assert isinstance(item, dict) and "type" in item, item
                if item.get("type") == "result" and not item["success"]:
                    assert set(item["error"]) == {"code", "message"} and item["error"]["message"]
                if item == {"id": 10**7, "type": "pong"}:
                    await ws.close()
                    return "pong"


@FUZZ
@given(frame=HA_FRAMES)
def test_random_frames_at_the_home_assistant_socket(roost: Background, frame: str) -> None:
    outcome = roost.run(_ha_socket(roost.url, roost.token, frame))
    try:
        orjson.loads(frame)  # Home Assistant's parser: "NaN" and "Infinity" are not JSON to it
    except orjson.JSONDecodeError:
        assert outcome == "closed", "invalid JSON disconnects, as in Home Assistant"
    else:
        assert outcome == "pong", "a JSON frame of any shape gets an answer and leaves the socket usable"


async def _chat(url: str, token: str, frame: str) -> list[str]:
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(url.replace("http", "ws") + f"/api/chat?access_token={token}")
        await ws.send_str(frame)
        await ws.send_str("still there?")
        answers = []
        while not answers or answers[-1] != "echo: still there?":
            answers.append(await ws.receive_str(timeout=10))
        await ws.close()
        return answers


@FUZZ
@given(frame=st.one_of(st.text(min_size=1, max_size=300), JSON.map(json.dumps)))
def test_random_frames_at_the_chat_socket(roost: Background, frame: str) -> None:
    answers = roost.run(_chat(roost.url, roost.token, frame))
    assert 1 <= len(answers) <= 2
    if len(answers) == 2:
        first = answers[0]
        assert first.startswith("echo:") or "error" in json.loads(first) or "text" in json.loads(first)


async def _webhook(url: str, method: str, body: bytes, content_type: str) -> int:
    async with aiohttp.ClientSession() as session, session.request(
        method, url + "/api/webhook/fuzz", data=body, headers={"Content-Type": content_type},
    ) as response:
        assert response.content_type == "application/json"
        await response.json()
        return response.status


@FUZZ
@given(method=st.sampled_from(["POST", "PUT", "GET"]), body=st.binary(max_size=300) | JSON.map(lambda v: json.dumps(v).encode()),
       content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                     "application/octet-stream"]))
def test_random_requests_at_the_webhook(roost: Background, method: str, body: bytes, content_type: str) -> None:
    status = roost.run(_webhook(roost.url, method, body, content_type))
    assert status in (200, 400, 405), status
    if method == "GET":
        assert status == 405


async def _console(config_dir: Path, line: bytes) -> list[dict[str, Any]]:
    """A random line, then one to answer, at the console's socket: the frames until that one's is answered, or
    until Roost lets the visitor go."""
    reader, writer = await asyncio.open_unix_connection(str(config_dir / SOCKET_NAME))
    writer.write(line + b"\n" + orjson.dumps({"text": "still there?"}) + b"\n")
    frames: list[dict[str, Any]] = []
    while not frames[-2:] == [{"reply": "echo: still there?"}, {"answered": True}]:
        received = await asyncio.wait_for(reader.readline(), 10)
        if not received:
            frames.append({"closed": True})
            break
        frames.append(orjson.loads(received))
    writer.close()
    return frames


@FUZZ
@given(line=st.binary(max_size=300).filter(lambda b: b"\n" not in b) | JSON.map(lambda v: json.dumps(v).encode())
       | st.fixed_dictionaries({}, optional={"text": JSON, "cancel": JSON}).map(lambda v: json.dumps(v).encode()))
def test_random_lines_at_the_consoles_socket(roost: Background, line: bytes) -> None:
    frames = roost.run(_console(roost.gateway.config_dir, line))
    try:
        an_object = isinstance(orjson.loads(line), dict)
    except orjson.JSONDecodeError:
        an_object = False
    if an_object:
        assert frames[-2:] == [{"reply": "echo: still there?"}, {"answered": True}], "answered, the session goes on"
    else:
        assert frames[-1] == {"closed": True}, "what is not a JSON object lets the visitor go"
