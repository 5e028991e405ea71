"""A model backend for tests: answers at once (or piece by piece with a delay) with a fixed text."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any


class InstantModel:
    """A model backend that answers at once with a fixed text, piece by piece (no tools)."""

    accepts_tools = False

    def __init__(self, name: str = "instant", text: str = "Hello there, friend.", delay: float = 0.0,
                 fail: Exception | None = None, fail_after: int = 0) -> None:
        self.name = name
        self.text = text
        self.delay = delay
        self.fail = fail
        self.fail_after = fail_after
        self.requests: list[Any] = []

    async def stream(self, request: Any) -> AsyncIterator[str]:
        self.requests.append(request)
        for index, piece in enumerate(re.findall(r"\S+\s*", self.text)):
            if self.fail is not None and index == self.fail_after:
                raise self.fail
            await asyncio.sleep(self.delay)
            request.outcome.completion_tokens += 1
            yield piece
        request.outcome.prompt_tokens = sum(len(t.content.split()) for t in request.messages)

    async def close(self) -> None:
        return None
