"""Failed logins per address: answered ever more slowly, then the address is banned for a while."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_LOGGER = logging.getLogger(__name__)
THROTTLE_STEP = 0.5
"""Each failed attempt from an address after the first waits this much longer (at most 5 s)."""
MAX_ADDRESSES = 10_000
"""Addresses remembered at most: a flood of addresses cannot grow memory without bound."""


@dataclass(slots=True)
class _Record:
    failures: int = 0
    banned_until: float = 0.0
    last: float = field(default_factory=time.monotonic)


class LoginGuard:
    """Counts failed authentications per remote address; threshold < 1 turns banning off."""

    def __init__(self, threshold: int, ban_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.ban_seconds = ban_seconds
        self._clock = clock
        self._records: dict[str, _Record] = {}

    def banned(self, address: str) -> float:
        """Seconds the address stays banned (0 when it is not)."""
        record = self._records.get(address)
        if record is None:
            return 0.0
        return max(0.0, record.banned_until - self._clock())

    def failed(self, address: str, why: str) -> float:
        """Count a failure; return how long to wait before answering it."""
        record = self._records.pop(address, None) or _Record()
        self._records[address] = record  # most recent last, so the oldest go first below
        record.failures += 1
        record.last = self._clock()
        if 0 < self.threshold <= record.failures:
            record.banned_until = self._clock() + self.ban_seconds
            record.failures = 0
            _LOGGER.warning("Banned %s for %g s after %d failed logins (last: %s); bans are kept in memory: a"
                            " restart of Roost lifts them", address, self.ban_seconds, self.threshold, why)
        else:
            _LOGGER.warning("Failed login from %s: %s", address, why)
        while len(self._records) > MAX_ADDRESSES:
            self._records.pop(next(iter(self._records)))
        return min(5.0, THROTTLE_STEP * (record.failures - 1)) if record.failures > 1 else 0.0

    def succeeded(self, address: str) -> None:
        """A good login clears the address's count."""
        record = self._records.get(address)
        if record is not None and record.banned_until <= self._clock():
            del self._records[address]
