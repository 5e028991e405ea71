"""The model backend contract: what every model integration provides to the core."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """One turn of a chat prompt: role is system, user, assistant or tool."""

    role: str
    content: str
    tool_calls: tuple[dict[str, Any], ...] = ()
    """The calls an assistant turn asked for (OpenAI's shape: id, type, function {name, arguments})."""
    tool_call_id: str | None = None
    """The call a tool turn answers."""


@dataclass(slots=True)
class Outcome:
    """What came of a request besides its text, filled in by the backend as it answers (0 = not reported)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"
    """Why the answer ended: stop (the model finished or a stop string), length (max_tokens), tool_calls."""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    """The tools the model asked to call (OpenAI's shape), complete once the stream ended."""


@dataclass(frozen=True, slots=True)
class ModelRequest:
    """A request to a model: chat turns plus sampling settings (None = backend default)."""

    messages: tuple[ChatTurn, ...]
    max_tokens: int | None = None
    temperature: float | None = None
    stop: tuple[str, ...] = ()
    top_p: float | None = None
    seed: int | None = None
    tools: tuple[dict[str, Any], ...] = ()
    """OpenAI-style tool definitions, for a backend that ``accepts_tools``."""
    tool_choice: Any = None
    metadata: dict[str, str] = field(default_factory=dict)
    outcome: Outcome = field(default_factory=Outcome)


@runtime_checkable
class ModelBackend(Protocol):
    """A named model that streams text for a request."""

    name: str
    accepts_tools: bool
    """Whether the backend can pass ``tools`` to the model (others refuse a request with tools)."""

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
