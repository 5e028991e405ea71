"""What every fake platform server shares: listening on 127.0.0.1, stopping, coming back on the same port."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from aiohttp import web


class FakeServer(ABC):
    """An aiohttp server on 127.0.0.1; subclasses add their routes and what to close when stopping."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    @abstractmethod
    def routes(self, app: web.Application) -> None:
        """Add the platform's routes."""

    async def closing(self) -> None:  # noqa: B027 - most fakes have nothing of their own to close
        """Close what the fake opened itself (connections, tasks) before it stops listening."""

    async def start(self) -> None:
        """Listen (on the same port again after a stop: an outage, then the platform is back)."""
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.2)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port or 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening."""
        await self.closing()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Any:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
