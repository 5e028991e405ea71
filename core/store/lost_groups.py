"""How the write groups a store could not commit read in the log: a full disk fails every write until there is
room, and a line for each (24 a second under a light load) would bury the log. The first is an ERROR, a reminder
follows every 10 minutes, and one line says when writes commit again (see ``core.outage``)."""

from __future__ import annotations

import logging
from typing import Any

from core.outage import OutageLog


class LostGroupsLog:
    """One writer's lost write groups, in the log."""

    def __init__(self, logger: logging.Logger) -> None:
        self._outage = OutageLog(logger, "Roost's store", level=logging.ERROR)

    def lost(self, outcomes: list[tuple[bool, Any]]) -> None:
        """A group did not commit; its outcomes say why."""
        if outcomes:
            self._outage.failed(f"A write group of {len(outcomes)} operations failed", outcomes[0][1])

    def committed(self) -> None:
        """A group committed: after lost ones, one INFO line says so."""
        self._outage.reached()
