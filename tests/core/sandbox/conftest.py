"""Fixtures for attacking the sandbox: markers to find stray processes, a local TCP server."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from sandbox_helpers import live_children

from core.sandbox import isolation


@pytest.fixture(autouse=True)
def no_stray_children() -> Iterator[None]:
    """Every test must leave the test process without running children."""
    yield
    deadline = time.monotonic() + 2.0
    while live_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_children() == [], "a sandboxed process outlived its run"


@pytest.fixture
def marker() -> str:
    """A unique string to tag the processes of one test."""
    return f"roost-attack-{uuid.uuid4().hex}"


@pytest.fixture
def python() -> tuple[str, list[str]]:
    """The interpreter running the tests and the read_paths it needs inside bwrap."""
    return os.path.realpath(sys.executable), [sys.base_prefix]


@pytest.fixture
def reset_warnings() -> Iterator[None]:
    """Forget which reduced-isolation warnings were already logged."""
    saved = set(isolation._warned)
    isolation._warned.clear()
    yield
    isolation._warned.clear()
    isolation._warned.update(saved)


@dataclass
class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it accepted."""

    port: int
    accepted: list[str] = field(default_factory=list)


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    """A local server an attack may try to reach."""
    state = Listener(port=0)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state.accepted.append(str(writer.get_extra_info("peername")))
        writer.write(b"hello from the host\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.port = server.sockets[0].getsockname()[1]
    async with server:
        yield state
