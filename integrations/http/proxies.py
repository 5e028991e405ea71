"""Requests through a reverse proxy: the client's address from X-Forwarded-For, as Home Assistant reads it.

Behind a proxy (nginx, Caddy, a tunnel) every request comes from the proxy's address, often
127.0.0.1: without this, a stranger would pass for a local client (webhooks with ``local_only``,
health and metrics without a token) and one stranger's failed logins would ban everyone. So a
request that carries X-Forwarded-For is refused (400) unless ``use_x_forwarded_for`` is on and it
comes from one of ``trusted_proxies``; then the header is read from the right, past the trusted
proxies, and the first address that is not one of them is the client's (the left-most when all
are). Only the address is taken: X-Forwarded-Proto and -Host change nothing Roost does.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from typing import Any

import voluptuous as vol
from aiohttp import hdrs, web

from core.logs import FirstTime

_LOGGER = logging.getLogger(__name__)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def network(value: Any) -> Network:
    """An address or network ("127.0.0.1", "172.16.0.0/12", "::1") as a network (voluptuous validator)."""
    try:
        return ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError as err:
        raise vol.Invalid("expected an IP address or network such as 172.16.0.0/12") from err


class ForwardedFor:
    """Finds the client's address of a request that came through trusted proxies."""

    def __init__(self, enabled: bool, trusted: Sequence[Network]) -> None:
        self.enabled = enabled
        self.trusted = tuple(trusted)
        self._first_from = FirstTime()  # one ERROR a peer, not one a request

    def client(self, request: web.Request) -> str | None:
        """The client's address when the request came through a proxy, None when it came directly.

        Raises ValueError, saying why, for a forwarded request that cannot be trusted or read.
        """
        headers = request.headers.getall(hdrs.X_FORWARDED_FOR, [])
        if not headers:
            return None
        peer = request.remote or ""
        if not self.enabled:
            self._refused(peer, "http: use_x_forwarded_for is off")
            raise ValueError("this request came through a reverse proxy (X-Forwarded-For), and Roost is not set"
                             " up for one: set http: use_x_forwarded_for and trusted_proxies")
        if not self._is_trusted(peer):
            self._refused(peer, f"{peer} is not in http: trusted_proxies")
            raise ValueError("X-Forwarded-For came from an address that is not a trusted proxy")
        chain = [address.strip() for header in headers for address in header.split(",")]
        try:
            addresses = [ipaddress.ip_address(address) for address in chain]
        except ValueError as err:
            raise ValueError(f"X-Forwarded-For holds something that is not an IP address: {', '.join(chain)[:200]}"
                             ) from err
        for address in reversed(addresses):
            if not any(address in net for net in self.trusted):
                return str(address)
        return str(addresses[0])

    def _is_trusted(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in net for net in self.trusted)

    def _refused(self, peer: str, why: str) -> None:
        if not self._first_from(peer):
            return
        _LOGGER.error("Refused requests forwarded by a reverse proxy at %s (%s); further ones from it are refused"
                      " without a log line", peer, why)
