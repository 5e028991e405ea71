"""Fixtures: a started gateway with http, openai_api and pii, and the official openai SDK pointed at it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import openai
import pytest

from integrations.http.tokens import TokenBook
from tests.helpers.configdir import write_config


class Api:
    """A running gateway, its /v1 address and an access token."""

    def __init__(self, gateway: Any, token: str) -> None:
        self.gateway = gateway
        self.token = token
        self.port = gateway.data["http"].server.port
        self.clients: list[openai.AsyncOpenAI] = []

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT/v1"""
        return f"http://127.0.0.1:{self.port}/v1"

    def client(self, **kwargs: Any) -> openai.AsyncOpenAI:
        """The official SDK, unchanged, with no retries unless asked."""
        kwargs.setdefault("max_retries", 0)
        kwargs.setdefault("api_key", self.token)
        client = openai.AsyncOpenAI(base_url=self.base_url, **kwargs)
        self.clients.append(client)
        return client


@pytest.fixture
def local_model(model_path: Path) -> str:
    """A llama_cpp section serving the bundled model as `local`, one answer at a time."""
    return f"""
llama_cpp:
  models:
    - {{name: local, path: "{model_path}", n_ctx: 2048, max_tokens: 64, n_threads: 1}}
scheduler:
  lanes: {{model: 1}}
"""


@pytest.fixture
async def serve_api(make_gateway: Callable[..., Awaitable[Any]], tmp_path: Path
                    ) -> AsyncIterator[Callable[..., Awaitable[Api]]]:
    """serve_api(extra="", openai_api="", models=(), pii="{}") -> Api: http on a free port, openai_api, pii."""
    served: list[Api] = []

    async def start(extra: str = "", openai_api: str = "", models: tuple[Any, ...] = (), pii: str = "{}") -> Api:
        section = "".join(f"  {line}\n" for line in openai_api.strip().splitlines())
        write_config(tmp_path / "config", f"http:\n  port: 0\npii: {pii}\nopenai_api:\n" + section + extra)
        gateway = await make_gateway(tmp_path / "config", builtins=True, start=False)
        for model in models:
            gateway.register_model(model)
        await gateway.start()
        async with asyncio.timeout(5):
            while gateway.data["http"].server.port is None:
                await asyncio.sleep(0.01)
        token = await TokenBook(gateway.storage("http")).create("tester")
        served.append(Api(gateway, token))
        return served[-1]

    yield start
    for api in served:
        for client in api.clients:
            await client.close()
