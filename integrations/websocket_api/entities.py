"""Roost's entities as Home Assistant shows them: the states of get_states, and subscribe_entities' updates in
HA's compressed form ({"a": added, "c": changed, "r": removed}), which HA's frontend library asks for."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

_LOGGER = logging.getLogger(__name__)

POLL_SECONDS = 10.0
"""How often a subscribe_entities subscription looks for changes. Roost keeps no state machine that could
announce them: its entities are read again, and counting the task and reply tables is what a metrics scrape
costs (27-53 ms with 30,000 of each here, on the reader thread)."""


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity: its id, its state and its attributes."""

    entity_id: str
    state: str
    attributes: dict[str, Any]


def context(user: str) -> dict[str, Any]:
    """A new HA context for something the user did or saw change."""
    return {"id": uuid.uuid4().hex.upper()[:26], "parent_id": None, "user_id": user}


async def read_entities(gateway: Any) -> list[Entity]:
    """Roost's channels, models, task and reply queues and dead letters, as entities."""
    status = gateway.status()
    entities = [Entity(f"binary_sensor.roost_channel_{platform}", "on" if online else "off",
                       {"friendly_name": f"Roost channel {platform}", "platform": platform,
                        "device_class": "connectivity"})
                for platform, online in sorted(status["channels"].items())]
    entities += [Entity(f"conversation.roost_{name}", "ready", {"friendly_name": f"Roost model {name}"})
                 for name in status["models"]]
    queues = await gateway.queue_stats()
    entities += [Entity(f"sensor.roost_tasks_{state}", str(count),
                        {"friendly_name": f"Roost tasks {state}", "unit_of_measurement": "tasks"})
                 for state, count in sorted(queues.get("tasks", {}).items())]
    entities += [Entity(f"sensor.roost_outbox_{platform}", str(by_state.get("pending", 0)),
                        {"friendly_name": f"Roost replies waiting for {platform}", **by_state})
                 for platform, by_state in sorted(queues.get("outbox", {}).items())]
    dead = queues.get("dead_letters", {})
    entities.append(Entity("sensor.roost_dead_letters", str(dead.get("total", 0)),
                           {"friendly_name": "Roost dead letters", **dead}))
    return entities


def state_object(entity: Entity, user: str) -> dict[str, Any]:
    """The entity as get_states answers it (HA's State.as_dict), changed and updated now."""
    now = dt.datetime.now(dt.UTC).isoformat()
    return {"entity_id": entity.entity_id, "state": entity.state, "attributes": entity.attributes,
            "last_changed": now, "last_reported": now, "last_updated": now, "context": context(user)}


class EntityFeed:
    """One subscribe_entities subscription: every entity at once, then what changed, as HA's compressed diffs."""

    def __init__(self, gateway: Any, send: Callable[[dict[str, Any]], None], subscription: int,
                 entity_ids: Collection[str], user: str) -> None:
        self.gateway = gateway
        self.send = send
        self.subscription = subscription
        self.entity_ids = frozenset(entity_ids)
        self.user = user
        self._sent: dict[str, Entity] = {}

    async def run(self) -> None:
        """Send the entities, then their changes every POLL_SECONDS until cancelled (or the store is gone)."""
        first = True
        while True:
            try:
                found = await read_entities(self.gateway)
            except Exception as err:  # the store closed or was lost: nothing more to tell
                _LOGGER.info("Stopped sending entity updates to %s: %s", self.user, err)
                return
            update = self._update([e for e in found if not self.entity_ids or e.entity_id in self.entity_ids])
            if first or update:
                self.send({"id": self.subscription, "type": "event", "event": update or {"a": {}}})
            first = False
            await asyncio.sleep(POLL_SECONDS)

    def _update(self, entities: list[Entity]) -> dict[str, Any]:
        """What changed since the last update: added entities whole, changed ones as a diff, removed ones by id."""
        now, change = time.time(), context(self.user)["id"]
        added: dict[str, Any] = {}
        changed: dict[str, Any] = {}
        current = {entity.entity_id: entity for entity in entities}
        for entity_id, entity in current.items():
            before = self._sent.get(entity_id)
            if before is None:
                added[entity_id] = {"s": entity.state, "a": entity.attributes, "c": change, "lc": now}
            elif before != entity:
                changed[entity_id] = _diff(before, entity, now, change)
        removed = [entity_id for entity_id in self._sent if entity_id not in current]
        self._sent = current
        return {key: value for key, value in (("a", added), ("c", changed), ("r", removed)) if value}


_MISSING = object()


def _diff(before: Entity, after: Entity, now: float, change: str) -> dict[str, Any]:
    """HA's state diff: "+" what is new (state and last_changed, or last_updated; attributes), "-" what went."""
    plus: dict[str, Any] = {"c": change}
    if before.state != after.state:
        plus.update(s=after.state, lc=now)
    else:
        plus["lu"] = now
    new = {key: value for key, value in after.attributes.items() if before.attributes.get(key, _MISSING) != value}
    if new:
        plus["a"] = new
    diff: dict[str, Any] = {"+": plus}
    if gone := [key for key in before.attributes if key not in after.attributes]:
        diff["-"] = {"a": gone}
    return diff
