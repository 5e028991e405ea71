"""A bound on the connections the server holds at once, below what the process may open.

Without one, a flood of connections (a scanner, a client that leaks them, a Slowloris attack) takes
every file descriptor: Roost can then neither answer nor open a file, and asyncio logs each refused
accept with a traceback, about a thousand a second (24 MB of log in 10 s, measured with 1,500 idle
connections under the 1,024 descriptors systemd gives a service). Beyond the bound a connection is
answered 503 and closed as it is accepted, and the log says so once for each time the bound is reached.

With TLS, a connection holds its descriptor from the moment it is accepted, through the handshake (asyncio waits 60 s
for one), before aiohttp counts it: 1,500 connections that never sent a ClientHello took every descriptor and asyncio
logged 1.8 million lines in about 20 s. So the handshake is made here, counted against the same bound, and given
HANDSHAKE_SECONDS; a connection beyond the bound is closed at once (a 503 in plain text means nothing to a TLS client).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import ssl
from typing import Any

from aiohttp import web

_LOGGER = logging.getLogger(__name__)
FILES_KEPT_FREE = 256
"""File descriptors left when the bound comes from the process's own limit: the store, its writer's pipes, models, the
sandbox's children, outgoing connections; and the connections asyncio accepts in one go (up to 100 a turn of the
loop) before aiohttp counts them."""
HANDSHAKE_SECONDS = 10.0
"""How long a TLS client has to finish its handshake: milliseconds, even to a Raspberry Pi."""
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
    """A connection beyond the bound: told so (in plain HTTP) and closed."""

    def __init__(self, tls: bool) -> None:
        self.tls = tls

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Answer 503 in plain HTTP (not to a TLS client, which could not read it) and close."""
        assert isinstance(transport, asyncio.WriteTransport)
        if not self.tls:
            transport.write(_BUSY)
        transport.close()


class _Handshake(asyncio.Protocol):
    """A TLS connection until its handshake is made: then it is aiohttp's, which counts it from there."""

    def __init__(self, owner: _BoundedServer, handler: asyncio.Protocol, context: ssl.SSLContext) -> None:
        self.owner = owner
        self.handler = handler
        self.context = context

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start the handshake (nothing is read before it starts)."""
        assert isinstance(transport, asyncio.Transport)
        transport.pause_reading()
        handshake = asyncio.get_running_loop().create_task(self._handshake(transport), name="roost-http-tls")
        self.owner.handshakes.add(handshake)
        handshake.add_done_callback(self.owner.handshakes.discard)

    async def _handshake(self, transport: asyncio.Transport) -> None:
        try:
            secured = await asyncio.get_running_loop().start_tls(
                transport, self.handler, self.context, server_side=True, ssl_handshake_timeout=HANDSHAKE_SECONDS)
        except (OSError, TimeoutError) as err:  # start_tls has closed the connection (SSLError is an OSError)
            _LOGGER.debug("A TLS handshake failed: %s", err)
            return
        if secured is not None:
            self.handler.connection_made(secured)

    def connection_lost(self, exc: Exception | None) -> None:
        """Gone before the handshake started: start_tls finds the connection closed."""


class _BoundedServer:
    """aiohttp's server as the listening socket calls it for each connection, taking at most `bound` at once;
    with a TLS context, the handshakes are made (and counted) here."""

    def __init__(self, server: web.Server, bound: int, tls: ssl.SSLContext | None) -> None:
        self.server = server
        self.bound = bound
        self.tls = tls
        self.handshakes: set[asyncio.Task[None]] = set()
        self._refusing = False

    def __call__(self) -> asyncio.Protocol:
        """The protocol of a new connection: aiohttp's, or a 503 when the bound is reached."""
        if len(self.server.connections) + len(self.handshakes) < self.bound:
            self._refusing = False
            return self.server() if self.tls is None else _Handshake(self, self.server(), self.tls)
        if not self._refusing:
            self._refusing = True
            _LOGGER.warning("%d connections are open, as many as http.max_connections allows: new ones are %s"
                            " until some close", self.bound, "closed" if self.tls else "answered 503")
        return _Busy(self.tls is not None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.server, name)


class BoundedRunner(web.AppRunner):
    """An AppRunner whose sites take at most `bound` connections at once, over TLS when given a context (the site
    itself then listens without one)."""

    def __init__(self, app: web.Application, bound: int, tls: ssl.SSLContext | None = None, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.bound = bound
        self.tls = tls

    async def _make_server(self) -> Any:
        return _BoundedServer(await super()._make_server(), self.bound, self.tls)

    def use_tls(self, context: ssl.SSLContext) -> None:
        """Make the handshakes from now on with context (a renewed certificate); those made stay as they are."""
        self.tls = context
        if isinstance(self.server, _BoundedServer):
            self.server.tls = context

    async def cleanup(self) -> None:
        """Stop the handshakes under way, then what AppRunner stops."""
        if isinstance(self.server, _BoundedServer):
            for handshake in list(self.server.handshakes):
                handshake.cancel()
        await super().cleanup()
