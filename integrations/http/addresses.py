"""Where a person opens Roost's pages: the addresses the http server answers on, as a browser takes them."""

from __future__ import annotations

import ipaddress
import socket

_ANY = ("0.0.0.0", "::", "")
"""Hosts that listen on every address of this machine."""
_PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))
"""Documentation addresses (RFC 5737, 3849): connecting a UDP socket to one picks the address this machine's
route to the network leaves by, and sends nothing."""


def page_addresses(host: str, port: int, tls: bool) -> list[str]:
    """The base addresses of the pages (``http://192.168.1.20:8765``): for a host of every address, this machine's
    address on its network (and loopback when it has none), else the host itself."""
    scheme = "https" if tls else "http"
    hosts = (_network_addresses(ipv6=host == "::") or ["127.0.0.1"]) if host in _ANY else [host]
    return [f"{scheme}://{_in_url(name)}:{port}" for name in hosts]


def _network_addresses(ipv6: bool) -> list[str]:
    found = []
    for family, probe in _PROBES if ipv6 else _PROBES[:1]:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probing:
                probing.connect((probe, 9))
                address = str(probing.getsockname()[0])
        except OSError:  # no route: offline, or no address of this family
            continue
        if not ipaddress.ip_address(address).is_loopback:
            found.append(address)
    return found


def _in_url(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
