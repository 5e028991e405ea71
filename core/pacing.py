"""The waits a platform imposes per chat or per rate-limit bucket, kept only while they last."""

from __future__ import annotations

import asyncio
import time

__all__ = ["Pacer"]


class Pacer:
    """Per key (a chat, a bucket), the monotonic time before which it may not go; a time once passed is let go.

    Keys are kept in the order they were last held, so the ones whose time has passed are dropped from the front:
    the map holds the keys paced now, not every chat a bot ever wrote to.
    """

    __slots__ = ("_until",)

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._until)

    def left(self, key: str) -> float:
        """Seconds until key may go (0.0 when it may now)."""
        return max(0.0, self._until.get(key, 0.0) - time.monotonic())

    def hold(self, key: str, until: float) -> None:
        """Key may not go before until (time.monotonic())."""
        held = self._until
        held.pop(key, None)
        held[key] = until
        now = time.monotonic()
        while held:
            first = next(iter(held))
            if held[first] > now:
                break
            del held[first]

    def went(self, key: str, interval: float) -> None:
        """Key's message has arrived: its next turn is at least interval from now. A platform counts its intervals
        between arrivals, and a send that took long to arrive must not bring the next one closer."""
        until = time.monotonic() + interval
        if until > self._until.get(key, 0.0):
            self.hold(key, until)

    async def slot(self, key: str, interval: float) -> None:
        """Wait for key's turn, and hold its next one interval later (taken before the wait: sends at once each
        get a turn of their own)."""
        now = time.monotonic()
        turn = max(now, self._until.get(key, now))
        self.hold(key, turn + interval)
        if turn > now:
            await asyncio.sleep(turn - now)
