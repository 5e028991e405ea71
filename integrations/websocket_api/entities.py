"""Roost's entities as Home Assistant's state machine shows them: get_states, HA's state_changed events, and
subscribe_entities' compressed form ({"a": added, "c": changed, "r": removed}), which HA's frontend library asks
for."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from core import events
from core.bus import MATCH_ALL
from core.overview import knowledge_status

_LOGGER = logging.getLogger(__name__)

STATE_CHANGED = "state_changed"
"""HA's event for an entity that was added, changed or removed: entity_id, old_state, new_state (as get_states)."""
POLL_SECONDS = 10.0
"""How often the entities are read again while anything listens to state_changed: Roost keeps no state machine
that could announce their changes. A read costs what a metrics scrape does (about 9 ms on the reader thread with a
week of 262,000 tasks and replies). A channel going on or off line is read at once."""


def context(user: str | None) -> dict[str, Any]:
    """A new HA context for something a user did, or (user None) that Roost saw change."""
    return {"id": uuid.uuid4().hex.upper()[:26], "parent_id": None, "user_id": user}


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity as read now: its id, its state and its attributes."""

    entity_id: str
    state: str
    attributes: dict[str, Any]


@dataclass(frozen=True, slots=True)
class State:
    """An entity as the state machine keeps it: since when it has this state (last_changed), since when these
    attributes (last_updated), and the context of that change."""

    entity: Entity
    last_changed: float
    last_updated: float
    context_id: str

    def as_dict(self) -> dict[str, Any]:
        """HA's State.as_dict: what get_states answers and state_changed carries."""
        changed, updated = _iso(self.last_changed), _iso(self.last_updated)
        return {"entity_id": self.entity.entity_id, "state": self.entity.state, "attributes": self.entity.attributes,
                "last_changed": changed, "last_reported": updated, "last_updated": updated,
                "context": {"id": self.context_id, "parent_id": None, "user_id": None}}


async def read_entities(gateway: Any) -> list[Entity]:
    """Roost's channels, models, task and reply queues, dead letters, the store's free disk and the knowledge base,
    as entities."""
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
    outbox = queues.get("outbox", {})  # a channel with nothing pending or dead has a sensor too (at 0)
    entities += [Entity(f"sensor.roost_outbox_{platform}", str(by_state["pending"]),
                        {"friendly_name": f"Roost replies waiting for {platform}", **by_state})
                 for platform in sorted({*status["channels"], *outbox})
                 for by_state in [outbox.get(platform, {"pending": 0, "dead": 0})]]
    dead = queues.get("dead_letters", {})
    entities.append(Entity("sensor.roost_dead_letters", str(dead.get("total", 0)),
                           {"friendly_name": "Roost dead letters", **dead}))
    disk = status["disk"] or {}
    if disk.get("free_bytes") is not None:
        entities.append(Entity("sensor.roost_store_disk_free", str(disk["free_bytes"] // 2**20),
                               {"friendly_name": "Roost store disk free", "unit_of_measurement": "MiB",
                                "device_class": "data_size", "low": disk["low"]}))
    knowledge = await knowledge_status(gateway)
    if knowledge is not None and knowledge["indexed"] is not None:
        entities.append(Entity("sensor.roost_knowledge_documents", str(knowledge["documents"]),
                               {"friendly_name": "Roost knowledge documents", "unit_of_measurement": "documents",
                                "passages": knowledge["passages"], "last_indexed": _iso(knowledge["indexed"]),
                                "not_indexed": knowledge["not_indexed"], "not_read": knowledge["not_read"]}))
    return entities


class EntityStates:
    """The one home of the entities' states: read when asked and, while anything listens to state_changed, every
    POLL_SECONDS and when a channel goes on or off line; each change is fired on the bus as HA's state_changed."""

    def __init__(self, gateway: Any) -> None:
        self.gateway = gateway
        self._states: dict[str, State] = {}
        self._lock = asyncio.Lock()
        self._nudge = asyncio.Event()

    async def read(self) -> list[State]:
        """Every entity's state now; what changed since the last read is fired first."""
        async with self._lock:
            found = await read_entities(self.gateway)
            now, change = time.time(), context(None)["id"]
            before, self._states = self._states, {}
            for entity in found:
                old = before.pop(entity.entity_id, None)
                if old is not None and old.entity == entity:
                    self._states[entity.entity_id] = old
                    continue
                since = old.last_changed if old is not None and old.entity.state == entity.state else now
                new = self._states[entity.entity_id] = State(entity, since, now, change)
                self._fire(entity.entity_id, old, new)
            for entity_id, old in before.items():
                self._fire(entity_id, old, None)
            return list(self._states.values())

    async def watch(self) -> None:
        """Read the entities while anything listens to state_changed, until cancelled (Roost stops)."""
        bus = self.gateway.bus
        stop_listening = [bus.listen(kind, lambda _event: self._nudge.set())
                          for kind in (events.CHANNEL_ONLINE, events.CHANNEL_OFFLINE)]
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._nudge.wait(), POLL_SECONDS)
                self._nudge.clear()
                if bus.listener_count(STATE_CHANGED) or bus.listener_count(MATCH_ALL):
                    try:
                        await self.read()
                    except Exception as err:  # the store is closing or was lost: the next read may do
                        _LOGGER.warning("Could not read Roost's entities for state_changed: %s", err)
        finally:
            for unsubscribe in stop_listening:
                unsubscribe()

    def _fire(self, entity_id: str, old: State | None, new: State | None) -> None:
        self.gateway.bus.fire(STATE_CHANGED, {"entity_id": entity_id, "old_state": old and old.as_dict(),
                                              "new_state": new and new.as_dict()})


def compressed(state: dict[str, Any]) -> dict[str, Any]:
    """HA's compressed state (as_compressed_state) of a state as get_states answers it."""
    changed, updated = _timestamp(state["last_changed"]), _timestamp(state["last_updated"])
    found = {"s": state["state"], "a": state["attributes"], "c": _compressed_context(state["context"]), "lc": changed}
    if updated != changed:
        found["lu"] = updated
    return found


def compressed_change(data: dict[str, Any]) -> dict[str, Any]:
    """A state_changed event as subscribe_entities sends it: the entity added whole, changed as a diff, removed."""
    old, new = data["old_state"], data["new_state"]
    if new is None:
        return {"r": [data["entity_id"]]}
    if old is None:
        return {"a": {data["entity_id"]: compressed(new)}}
    return {"c": {data["entity_id"]: _diff(old, new)}}


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """HA's state diff: "+" what is new (state and last_changed, or last_updated; context; attributes), "-" the
    attributes that went."""
    plus: dict[str, Any] = {}
    if old["state"] != new["state"]:
        plus["s"] = new["state"]
    if old["last_changed"] != new["last_changed"]:
        plus["lc"] = _timestamp(new["last_changed"])
    elif old["last_updated"] != new["last_updated"]:
        plus["lu"] = _timestamp(new["last_updated"])
    if old["context"] != new["context"]:
        plus["c"] = _compressed_context(new["context"])
    before, after = old["attributes"], new["attributes"]
    if added := {key: value for key, value in after.items() if key not in before or before[key] != value}:
        plus["a"] = added
    diff: dict[str, Any] = {"+": plus}
    if gone := [key for key in before if key not in after]:
        diff["-"] = {"a": gone}
    return diff


def _compressed_context(found: dict[str, Any]) -> Any:
    """The context's id alone when it has no parent and no user, as HA sends it."""
    return found["id"] if found["parent_id"] is None and found["user_id"] is None else found


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat()


def _timestamp(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()
