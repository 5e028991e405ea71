"""Fixtures for the automation engine: real gateways on real config files, a recording channel."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.automation import builtin_types
from core.automation.registry import Compiler
from core.automation.trace import Trace
from core.channel import ChannelInfo, OutboundMessage
from core.config import load_config
from core.gateway import Gateway
from core.message import Message
from tests.helpers import FinishedRuns


@dataclass(frozen=True, slots=True)
class Sent:
    """One message a recording channel was asked to deliver."""

    chat_id: str
    text: str
    reply_to: str | None
    idempotency_key: str


class RecordingChannel:
    """A channel that keeps what it is asked to send, in order."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.info = ChannelInfo(platform)
        self.sent: list[Sent] = []

    @property
    def online(self) -> bool:
        """Always reachable."""
        return True

    @property
    def texts(self) -> list[str]:
        """The texts sent so far, in order."""
        return [s.text for s in self.sent]

    async def send(self, message: OutboundMessage) -> str:
        """Record the message and return a platform id."""
        self.sent.append(Sent(message.chat_id, message.text, message.reply_to, message.idempotency_key))
        return f"{self.platform}-{len(self.sent)}"


class Harness:
    """A started gateway with recording channels, and shortcuts to talk to it."""

    def __init__(self, gateway: Gateway, channels: dict[str, RecordingChannel], finished: FinishedRuns) -> None:
        self.gateway = gateway
        self.channels = channels
        self.finished = finished

    @property
    def engine(self) -> Any:
        """The gateway's automation engine."""
        return self.gateway.engine

    def message(self, text: str, *, platform: str = "test", chat: str = "c1", sender: str = "alice") -> Message:
        """A message as a channel would build it."""
        return Message.create(platform, chat, sender, text, bot_names=self.gateway.bot_names)

    async def say(self, text: str, **kwargs: Any) -> Message:
        """Ingest a message without waiting for its runs."""
        message = self.message(text, **kwargs)
        assert await self.gateway.ingest(message)
        return message

    async def ask(self, text: str, **kwargs: Any) -> Message:
        """Ingest a message and wait until every run it started has finished."""
        message = await self.say(text, **kwargs)
        await self.gateway.wait_idle(settle=0.01)
        return message

    def traces(self, automation_id: str | None = None) -> list[Trace]:
        """Finished traces, oldest first."""
        return list(reversed(self.finished.recent(10_000, automation_id)))

    def ran(self, automation_id: str) -> list[Trace]:
        """Traces of runs that got past their conditions (any final status)."""
        return [t for t in self.traces(automation_id) if t.status != "condition failed"]


def write_config(directory: Path, text: str, blueprints: dict[str, str] | None = None) -> Path:
    """Write configuration.yaml (dedented) and optional blueprints into a config directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "configuration.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    for name, body in (blueprints or {}).items():
        path = directory / "blueprints" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body), encoding="utf-8")
    return directory


def own_errors(gateway: Gateway) -> list[str]:
    """Configuration errors about this test's own config directory."""
    mine = str(gateway.config_dir)
    return [str(e) for e in gateway.config_errors if (e.file or "").startswith(mine) or e.file is None]


Factory = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def start_gateway(tmp_path: Path) -> AsyncIterator[Factory]:
    """Build and start gateways from YAML text; every one is stopped at the end of the test."""
    started: list[Gateway] = []

    async def factory(
        text: str,
        *,
        blueprints: dict[str, str] | None = None,
        platforms: tuple[str, ...] = ("test",),
        expect_errors: bool = False,
        before_start: Callable[[Gateway], None] | None = None,
    ) -> Harness:
        directory = write_config(tmp_path / f"config{len(started)}", text, blueprints)
        gateway = Gateway(load_config(directory))
        channels = {p: RecordingChannel(p) for p in platforms}
        for channel in channels.values():
            gateway.register_channel(channel)
        if before_start is not None:
            before_start(gateway)
        finished = FinishedRuns(gateway)
        started.append(gateway)
        await gateway.start()
        if not expect_errors:
            assert own_errors(gateway) == []
        return Harness(gateway, channels, finished)

    yield factory
    for gateway in started:
        await gateway.stop()


@pytest.fixture
def compiler() -> Compiler:
    """A compiler with the core's own trigger, condition and action types (as its hooks give them)."""
    c = Compiler()
    c.add_types("triggers", builtin_types.roost_trigger_types(), source="core")
    c.add_types("conditions", builtin_types.roost_condition_types(), source="core")
    c.add_types("actions", builtin_types.roost_action_types(), source="core")
    return c
