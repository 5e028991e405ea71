"""The one owner of pruning: every table of the store is trimmed on a schedule, with set ages.

Defaults (``store:`` section): finished tasks, delivered replies and handled messages after
``keep_days`` (7); traces after ``trace_days`` (7) and beyond ``traces_per_automation`` (100);
dead letters after ``dead_letter_days`` (30); conversation history after ``history_days`` (30)
and beyond ``history_turns`` (200) per chat; integration state values when they expire. Each pass is
recorded in the store's state (``roost queue stats`` shows it). Between passes, the traces alone every minute.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from core.store import Store, StoreClosedError, WriteAbortedError

_LOGGER = logging.getLogger(__name__)
DAY = 86400.0
TRACE_SECONDS = 60.0
"""Between full passes the traces alone are pruned this often: under load the trace writer stores up to 100 of each
automation every 2 s, and an hour of them (505,000 in the 20-minute soak, about half of the store's 666 MB) waited for the
hourly pass."""
STATE_DOMAIN, STATE_KEY = "roost", "retention"
"""Where the last pass is recorded: {"at": time, "removed": {table: rows}}."""


class Retention:
    """Prunes the store every ``prune_interval`` seconds (the first pass at start)."""

    def __init__(self, store: Store, settings: dict[str, Any]) -> None:
        self.store = store
        self.settings = settings
        self._task: asyncio.Task[None] | None = None

    async def prune(self, now: float | None = None) -> dict[str, int]:
        """One pass over every table; how many rows each lost (also recorded in the store)."""
        now = time.time() if now is None else now
        s, store = self.settings, self.store
        kept = s["keep_days"] * DAY
        removed = {
            "traces": await self.prune_traces(now),
            "tasks": await store.tasks.prune(kept, now),
            "outbox": await store.outbox.prune(kept, now),
            "inbox": await store.inbox.prune(kept, now),
            "dead_letters": await store.dead.prune(s["dead_letter_days"] * DAY, now),
            "history": await store.history.prune(s["history_days"] * DAY, s["history_turns"], now),
            "expired_state": await store.state.purge_expired(now),
        }
        await store.state.set(STATE_DOMAIN, STATE_KEY, {"at": now, "removed": removed})
        if any(removed.values()):
            _LOGGER.info("Pruned the store: %s", ", ".join(f"{n} {t}" for t, n in removed.items() if n))
        return removed

    async def prune_traces(self, now: float | None = None) -> int:
        """Trim the traces alone: those older than trace_days, and all but each automation's newest."""
        now = time.time() if now is None else now
        return await self.store.traces.prune(self.settings["traces_per_automation"],
                                             now - self.settings["trace_days"] * DAY)

    def start(self) -> None:
        """Prune now and then on schedule, in the background."""
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="retention")

    async def _loop(self) -> None:
        """A full pass every prune_interval, and the traces alone every TRACE_SECONDS between them."""
        interval = self.settings["prune_interval"]
        full_due = 0.0
        while True:
            try:
                if time.monotonic() >= full_due:
                    full_due = time.monotonic() + interval
                    await self.prune()
                elif removed := await self.prune_traces():
                    _LOGGER.debug("Pruned %d traces", removed)
            except StoreClosedError:  # closed as Roost stops, or lost (StoreLostError): the gateway says why
                return
            except WriteAbortedError as err:  # the store has said why (its disk is full, ...)
                _LOGGER.error("Pruning the store failed; trying again at the next pass: %s", err)
            except Exception:
                _LOGGER.exception("Pruning the store failed; trying again at the next pass")
            await asyncio.sleep(min(TRACE_SECONDS, interval))

    async def stop(self) -> None:
        """Stop the schedule (a pass under way is cancelled; it runs again next start)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


async def last_pass(store: Store) -> dict[str, Any] | None:
    """The last recorded pass, for `roost queue stats` (None before the first)."""
    return await store.state.get(STATE_DOMAIN, STATE_KEY)
