"""A bound on the connections the server holds at once, below what the process may open.

Without one, a flood of connections (a scanner, a client that leaks them, a Slowloris attack) takes
every file descriptor: Roost can then neither answer nor open a file, and asyncio logs each refused
accept with a traceback, about a thousand a second (24 MB of log in 10 s, measured with 1,500 idle
connections under the 1,024 descriptors systemd gives a service). Beyond the bound a connection is
answered 503 and closed as it is accepted, and the log says so once for each time the bound is reached.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from typing import Any

from aiohttp import web

_LOGGER = logging.getLogger(__name__)
FILES_KEPT_FREE = 256
"""File descriptors left when the bound comes from the process's own limit: the store, its writer's pipes, models, the
sandbox's children, outgoing connections; and the connections asyncio accepts in one go (up to 100 a turn of the
loop) before aiohttp counts them."""
_BUSY_BODY = b'{"error": "Roost has as many connections as it can take"}'
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 5\r\n"
         b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(_BUSY_BODY), _BUSY_BODY))


def connection_bound(configured: int) -> int:
    """The bound to use: the configured one, lowered (and said so) when the process may not open that many files."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or configured <= soft - FILES_KEPT_FREE:
        return configured
    bound = max(1, soft - FILES_KEPT_FREE)
    _LOGGER.warning("http.max_connections is %d, but this process may open only %d files: at most %d connections"
                    " are taken at once (raise LimitNOFILE, or ulimit -n)", configured, soft, bound)
    return bound


class _Busy(asyncio.Protocol):
    """A connection beyond the bound: told so and closed."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Answer 503 and close."""
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(_BUSY)
        transport.close()


class _BoundedServer:
    """aiohttp's server as the listening socket calls it for each connection, taking at most `bound` at once."""

    def __init__(self, server: web.Server, bound: int) -> None:
        self.server = server
        self.bound = bound
        self._refusing = False

    def __call__(self) -> asyncio.Protocol:
        """The protocol of a new connection: aiohttp's, or a 503 when the bound is reached."""
        if len(self.server.connections) < self.bound:
            self._refusing = False
            return self.server()
        if not self._refusing:
            self._refusing = True
            _LOGGER.warning("%d connections are open, as many as http.max_connections allows: new ones are answered"
                            " 503 until some close", self.bound)
        return _Busy()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.server, name)


class BoundedRunner(web.AppRunner):
    """An AppRunner whose sites take at most `bound` connections at once."""

    def __init__(self, app: web.Application, bound: int, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.bound = bound

    async def _make_server(self) -> Any:
        return _BoundedServer(await super()._make_server(), self.bound)
