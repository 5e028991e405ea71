"""Fixtures for the openai_compat tests: fake servers on 127.0.0.1, refused ports, backends."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from integrations.openai_compat.client import OpenAICompatBackend
from integrations.openai_compat.config import CONFIG_SCHEMA, ModelSettings
from tests.fakes.openai_server import FakeOpenAIServer

MODEL = "llama3"


@pytest.fixture
async def make_server() -> AsyncIterator[Callable[..., Any]]:
    """Start fake OpenAI servers on demand; all are stopped after the test."""
    servers: list[FakeOpenAIServer] = []

    async def start(**kwargs: Any) -> FakeOpenAIServer:
        kwargs.setdefault("model", MODEL)
        server = FakeOpenAIServer(**kwargs)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


@pytest.fixture
async def server(make_server: Callable[..., Any]) -> FakeOpenAIServer:
    """One started fake server serving the model `llama3`."""
    return await make_server()


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A base URL on 127.0.0.1 whose port is bound but not listening: connections are refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        sock.close()


@pytest.fixture
async def make_backend() -> AsyncIterator[Callable[..., OpenAICompatBackend]]:
    """Build backends from config-shaped keyword arguments; all are closed after the test."""
    backends: list[OpenAICompatBackend] = []

    def build(
        *endpoints: Any,
        retry_backoff: float = 0.01,
        retry_wait_cap: float = 5.0,
        **model: Any,
    ) -> OpenAICompatBackend:
        model.setdefault("name", "remote")
        model.setdefault("model", MODEL)
        model["endpoints"] = [e if isinstance(e, dict) else {"base_url": e} for e in endpoints]
        validated = CONFIG_SCHEMA({"models": [model]})["models"][0]
        backend = OpenAICompatBackend(
            ModelSettings.from_config(validated),
            retry_backoff=retry_backoff,
            retry_wait_cap=retry_wait_cap,
        )
        backends.append(backend)
        return backend

    yield build
    for backend in backends:
        await backend.close()
