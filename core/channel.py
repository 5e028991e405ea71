"""The channel contract: how the core sends to a chat app, and how channels report their state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable


@runtime_checkable
class Channel(Protocol):
    """A connection to one chat platform."""

    platform: str

    @property
    def online(self) -> bool:
        """Whether the platform is reachable right now."""
        ...

    async def send(self, chat_id: str, text: str, *, reply_to: str | None, idempotency_key: str) -> str:
        """Deliver text; return the platform's message id. Raise TransientError or PermanentError."""
        ...


@runtime_checkable
class StreamingChannel(Channel, Protocol):
    """A channel that can show an answer while it is being written (the console)."""

    async def send_stream(
        self, chat_id: str, chunks: AsyncIterator[str], *, reply_to: str | None, idempotency_key: str
    ) -> str:
        """Show chunks as they come; return the platform's message id of the whole answer."""
        ...
