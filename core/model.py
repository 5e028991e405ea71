"""The model backend contract: what every model integration provides to the core."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """One turn of a chat prompt: role is system, user or assistant."""

    role: str
    content: str


@dataclass(frozen=True, slots=True)
class ModelRequest:
    """A request to a model: chat turns plus sampling settings (None = backend default)."""

    messages: tuple[ChatTurn, ...]
    max_tokens: int | None = None
    temperature: float | None = None
    stop: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class ModelBackend(Protocol):
    """A named model that streams text for a request."""

    name: str

    def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        """Yield the answer as text chunks; raise ModelError or TransientError/PermanentError."""
        ...

    async def close(self) -> None:
        """Release the model (threads, sessions, memory)."""
        ...


async def complete(backend: ModelBackend, request: ModelRequest) -> str:
    """Collect a streamed answer into one string."""
    parts: list[str] = []
    async for chunk in backend.stream(request):
        parts.append(chunk)
    return "".join(parts)
