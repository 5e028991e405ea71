"""The endpoints of one model, in order, with the cool-downs servers asked for (Retry-After)."""

from __future__ import annotations

from collections.abc import Callable

from .config import EndpointSettings

__all__ = ["EndpointPool"]


class EndpointPool:
    """Hands out endpoints in configured order, skipping those still cooling down.

    A cool-down comes from a server's Retry-After and outlives the request that received it,
    so the next request goes straight to another server instead of hitting a rate limit again.
    """

    def __init__(self, endpoints: tuple[EndpointSettings, ...], clock: Callable[[], float]) -> None:
        if not endpoints:
            raise ValueError("an endpoint pool needs at least one endpoint")
        self.endpoints = endpoints
        self._clock = clock
        self._ready_at = [0.0] * len(endpoints)

    def ready(self) -> list[EndpointSettings]:
        """The endpoints that may be tried now, in configured order."""
        now = self._clock()
        return [e for e, at in zip(self.endpoints, self._ready_at, strict=True) if at <= now]

    def cool_down(self, endpoint: EndpointSettings, seconds: float) -> None:
        """Keep an endpoint out of rotation for the given number of seconds."""
        index = self.endpoints.index(endpoint)
        self._ready_at[index] = max(self._ready_at[index], self._clock() + max(0.0, seconds))

    def wait_time(self) -> float:
        """Seconds until the first endpoint is ready again (0 when one is ready now)."""
        return max(0.0, min(self._ready_at) - self._clock())

    def clear(self, endpoint: EndpointSettings) -> None:
        """Forget a cool-down after the endpoint answered successfully."""
        self._ready_at[self.endpoints.index(endpoint)] = 0.0
