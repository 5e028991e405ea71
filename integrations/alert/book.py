"""The alert book: recent alerts kept durably in the integration's key-value state."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from core.errors import DamagedValueError
from integrations.alert.record import Alert

_LOGGER = logging.getLogger(__name__)
INDEX_KEY = "index"
RECORD_PREFIX = "alert:"


def _key(alert_id: str) -> str:
    return f"{RECORD_PREFIX}{alert_id}"


class AlertBook:
    """Recent alerts in memory, each saved as one encrypted state value, oldest pruned past keep."""

    def __init__(self, state: Any, keep: int) -> None:
        self._state = state
        self._keep = keep
        self._alerts: dict[str, Alert] = {}  # insertion order: oldest first
        self._lock = asyncio.Lock()

    async def load(self) -> list[Alert]:
        """Read the alerts kept by earlier runs; return them oldest first.

        A damaged value costs only itself: a damaged index is rebuilt from the records, a
        damaged record is dropped; each with a warning.
        """
        repaired = False
        try:
            ids = await self._state.get(INDEX_KEY, [])
        except DamagedValueError:
            repaired = True
            ids = [key.removeprefix(RECORD_PREFIX) for key in await self._state.keys(RECORD_PREFIX)]
            _LOGGER.warning("The alert index was damaged on disk; rebuilt it from the %d alert records", len(ids))
        for alert_id in ids:
            try:
                data = await self._state.get(_key(alert_id))
            except DamagedValueError:
                _LOGGER.warning("Alert %s was damaged on disk and is dropped (ask for it to be raised again"
                                " if it still matters)", alert_id)
                await self._state.delete(_key(alert_id))
                repaired = True
                continue
            if data is None:
                _LOGGER.warning("Alert %s is listed but its record is missing; skipping it", alert_id)
                continue
            self._alerts[alert_id] = Alert.from_dict(data)
        if repaired:
            self._alerts = dict(sorted(self._alerts.items(), key=lambda item: item[1].created_at))
            await self._state.set(INDEX_KEY, list(self._alerts))
        return list(self._alerts.values())

    def get(self, alert_id: str) -> Alert | None:
        """The alert with this id (any case), or None."""
        return self._alerts.get(alert_id.upper())

    def by_origin(self, origin: str) -> Alert | None:
        """The alert a run already raised (the same origin), or None."""
        return next((a for a in self._alerts.values() if a.origin == origin), None)

    def ids(self) -> set[str]:
        """The ids in use."""
        return set(self._alerts)

    def recent(self, limit: int) -> list[Alert]:
        """Up to limit alerts, newest first."""
        return list(reversed(self._alerts.values()))[:limit]

    async def add(self, alert: Alert) -> list[Alert]:
        """Keep a new alert durably; return the old ones pruned to stay within keep."""
        async with self._lock:
            self._alerts[alert.id] = alert
            await self._state.set(_key(alert.id), alert.as_dict())
            pruned = []
            while len(self._alerts) > self._keep:
                oldest = next(iter(self._alerts))
                pruned.append(self._alerts.pop(oldest))
            await self._state.set(INDEX_KEY, list(self._alerts))
            for old in pruned:
                await self._state.delete(_key(old.id))
            return pruned

    async def save(self, alert: Alert) -> None:
        """Store an alert's changed state (ignored when it was pruned meanwhile)."""
        async with self._lock:
            if self._alerts.get(alert.id) is alert:
                await self._state.set(_key(alert.id), alert.as_dict())
