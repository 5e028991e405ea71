"""A clock set back while Roost runs: the waits it would stretch end now, by the rule a start applies.

Due times are wall-clock times in the store (``core.store.clock``). A clock set back while Roost runs (a time server
correcting a clock that ran fast, a person setting it by hand) would leave a reply's retry, and each later reply of
its chat behind it, waiting until the clock had caught up. The wall clock and the monotonic clock move together
unless someone sets the wall clock, so every CHECK_SECONDS their difference is compared with the last one; when the
wall clock went back, the store's waits are caught up as at a start (timers keep their own times).
"""

from __future__ import annotations

import asyncio
import logging
import time

from core.store import Store, StoreClosedError, WriteAbortedError
from core.store.clock import BEHIND_AT_LEAST

_LOGGER = logging.getLogger(__name__)
CHECK_SECONDS = 2.0


class ClockWatch:
    """Looks for the wall clock being set back, in the background, and then ends the waits it would stretch."""

    def __init__(self, store: Store, timed_kind: str) -> None:
        self.store = store
        self.timed_kind = timed_kind
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Watch from now on."""
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="clock watch")

    async def _loop(self) -> None:
        offset = time.time() - time.monotonic()  # what the wall clock shows minus the monotonic one
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            now, monotonic = time.time(), time.monotonic()
            if now - monotonic > offset - BEHIND_AT_LEAST:  # not set back (set forward: no wait is stretched)
                offset = now - monotonic
                continue
            try:  # what the clock would show, had it not been set back: the waits due by then end now
                await self.store.catch_up_clock(now, self.timed_kind, was=monotonic + offset)
            except StoreClosedError:  # closed as Roost stops, or lost: the gateway says why
                return
            except WriteAbortedError as err:  # the store has said why (its disk is full, ...): tried again next time
                _LOGGER.debug("Catching up with a clock set back failed: %s", err)
                continue
            except Exception:
                _LOGGER.exception("Catching up with a clock set back failed")
            offset = now - monotonic

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
