"""Gateway-wide network state: a probe that tells automations whether the network is reachable."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import voluptuous as vol

from core import events

if TYPE_CHECKING:
    from core.gateway import Gateway

_LOGGER = logging.getLogger(__name__)


def _endpoint(value: Any) -> tuple[str, int]:
    text = str(value)
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise vol.Invalid(f"expected host:port such as 1.1.1.1:53, got {text!r}")
    return host.strip("[]"), int(port)


NETWORK_SCHEMA = vol.Schema(vol.Any(None, {
    vol.Optional("probe", default=list): vol.All(vol.Any(str, list), lambda v: [v] if isinstance(v, str) else v,
                                                   [_endpoint]),
    vol.Optional("interval", default=30.0): vol.All(vol.Coerce(float), vol.Range(min=0.01)),
    vol.Optional("timeout", default=3.0): vol.All(vol.Coerce(float), vol.Range(min=0.01)),
}))


async def reachable(host: str, port: int, timeout: float) -> bool:
    """True when a TCP connection to host:port opens within timeout."""
    try:
        async with asyncio.timeout(timeout):
            _reader, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError):
        return False
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
    return True


class NetworkMonitor:
    """Probes the configured endpoints; sets gateway.network_online and fires network_online/offline."""

    def __init__(self, gateway: Gateway, config: dict[str, Any]) -> None:
        self.gateway = gateway
        self.probes: list[tuple[str, int]] = list(config["probe"])
        self.interval: float = config["interval"]
        self.timeout: float = config["timeout"]

    def start(self) -> None:
        """Probe in the background (nothing to do without probes: the network counts as up)."""
        if self.probes:
            self.gateway.create_background_task(self._loop(), "network probe")

    async def check(self) -> bool:
        """Probe once; True when any endpoint answers. Updates the gateway's state."""
        results = await asyncio.gather(*(reachable(h, p, self.timeout) for h, p in self.probes))
        online = any(results)
        if online != self.gateway.network_online:
            self.gateway.network_online = online
            _LOGGER.warning("Network is %s", "reachable again" if online else "unreachable")
            self.gateway.bus.fire(events.NETWORK_ONLINE if online else events.NETWORK_OFFLINE, {})
        return online

    async def _loop(self) -> None:
        while True:
            await self.check()
            await asyncio.sleep(self.interval)
