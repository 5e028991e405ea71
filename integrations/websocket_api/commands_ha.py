"""The commands of Home Assistant's WebSocket protocol that Roost answers, in HA's shapes."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import voluptuous as vol

from core.automation.engine import is_run_prefix
from core.bus import MATCH_ALL
from core.localtime import zone_name
from core.reload import reload_automations
from integrations.websocket_api.connection import (
    HA_VERSION,
    NO_RESULT,
    Command,
    CommandError,
    Connection,
    result_frame,
)
from integrations.websocket_api.conversations import PLATFORM, UNTOLD, ConversationChannel
from integrations.websocket_api.entities import (
    STATE_CHANGED,
    EntityStates,
    compressed,
    compressed_change,
    context,
)

MAX_EVENT_TYPE = 64
Service = Callable[[Connection, dict[str, Any], bool], Awaitable[dict[str, Any] | None]]
"""A service: (connection, service data, whether the caller wants the response) -> the response."""


def _schema(**fields: Any) -> vol.Schema:
    """A command's schema: id, type and the named fields (required), nothing else (as HA's)."""
    return vol.Schema({vol.Required("id"): int, vol.Required("type"): str,
                       **{vol.Required(name): kind for name, kind in fields.items()}})


def _entity_ids(value: Any) -> list[str]:
    """HA's cv.entity_ids: a list of entity ids, or one string of them separated by commas."""
    ids = value.split(",") if isinstance(value, str) else value
    if not isinstance(ids, list) or not all(isinstance(i, str) and "." in i for i in ids):
        raise vol.Invalid("expected entity ids (domain.name), as a list or separated by commas")
    return [i.strip().lower() for i in ids]


async def _empty_registry(_connection: Connection, _msg: dict[str, Any]) -> list[Any]:
    """HA's area, device and entity registries: Roost's entities have no entries there (HA's own entities without
    a unique id have none either), so clients that list them on connecting get empty lists."""
    return []


async def _not_registered(_connection: Connection, _msg: dict[str, Any]) -> None:
    """config/entity_registry/get: no entity is registered."""
    raise CommandError("not_found", "Entity not found")


def conversation_result(conversation_id: str, replies: list[str], language: str) -> dict[str, Any]:
    """HA's ConversationResult for the replies of one message."""
    return {
        "response": {"speech": {"plain": {"speech": "\n\n".join(replies), "extra_data": None}}, "card": {},
                     "language": language, "response_type": "action_done",
                     "data": {"targets": [], "success": [], "failed": []}},
        "conversation_id": conversation_id, "continue_conversation": False,
    }


class HaCommands:
    """Builds the command table for one gateway; services are Roost's own and HA's conversation."""

    def __init__(self, gateway: Any, conversations: ConversationChannel, states: EntityStates,
                 response_timeout: float) -> None:
        self.gateway = gateway
        self.states = states
        self.conversations = conversations
        self.response_timeout = response_timeout
        self.services: dict[tuple[str, str], tuple[Service, dict[str, Any]]] = {
            ("roost", "send_message"): (self._send_message, {
                "name": "Send a message", "description": "Send text to Roost as a chat message; with"
                " return_response, wait for its replies.",
                "fields": {"text": {"required": True}, "conversation_id": {"required": False}},
                "response": {"optional": True}}),
            ("roost", "subscribe_conversation"): (self._subscribe_conversation, {
                "name": "Take up a conversation", "description": "Receive the replies of a conversation as"
                " roost_reply events (subscribe to them too), also those that waited while no client held it.",
                "fields": {"conversation_id": {"required": True}}}),
            ("roost", "cancel"): (self._cancel, {
                "name": "Stop answering", "description": "Stop the runs answering a conversation now (they end"
                " cancelled; a model's answer stops where it is): how many.",
                "fields": {"conversation_id": {"required": True}}, "response": {"optional": True}}),
            ("roost", "traces"): (self._traces, {
                "name": "Latest runs", "description": "The latest finished runs with their steps (scrubbed).",
                "fields": {"limit": {}, "automation_id": {}, "run_id": {}}, "response": {"optional": True}}),
            ("roost", "queue_stats"): (self._queue_stats, {
                "name": "Queue statistics", "description": "Tasks by state, replies waiting per platform, dead"
                " letters.", "fields": {}, "response": {"optional": True}}),
            ("automation", "reload"): (self._reload_automations, {
                "name": "Reload", "description": "Read the automations and blueprints of configuration.yaml again"
                " (a token made with --admin); a broken one leaves the running ones as they are.", "fields": {}}),
            ("conversation", "process"): (self._process, {
                "name": "Process", "description": "Send text to Roost's conversation agent.",
                "fields": {"text": {"required": True}, "conversation_id": {}, "language": {}, "agent_id": {}},
                "response": {"optional": True}}),
        }

    def table(self) -> dict[str, tuple[vol.Schema, Command]]:
        """Command type -> (schema, handler)."""
        return {
            "ping": (_schema(), self.ping),
            "supported_features": (_schema(features={str: int}), self.supported_features),
            "get_config": (_schema(), self.get_config),
            "get_states": (_schema(), self.get_states),
            "subscribe_entities": (_schema().extend({vol.Optional("entity_ids"): _entity_ids}), self.subscribe_entities),
            "get_services": (_schema(), self.get_services),
            "auth/current_user": (_schema(), self.current_user),
            **{f"config/{kind}_registry/list": (_schema(), _empty_registry) for kind in ("area", "device", "entity")},
            "config/entity_registry/get": (_schema(entity_id=str), _not_registered),
            "subscribe_events": (_schema().extend({vol.Optional("event_type", default=MATCH_ALL): str}),
                                 self.subscribe_events),
            "unsubscribe_events": (_schema(subscription=int), self.unsubscribe_events),
            "fire_event": (vol.Schema({vol.Required("id"): int, vol.Required("type"): str,
                                       vol.Required("event_type"): vol.All(str, vol.Length(min=1, max=MAX_EVENT_TYPE)),
                                       vol.Optional("event_data", default={}): dict}), self.fire_event),
            "call_service": (vol.Schema({
                vol.Required("id"): int, vol.Required("type"): str, vol.Required("domain"): str,
                vol.Required("service"): str, vol.Optional("service_data", default={}): dict,
                vol.Optional("target"): dict, vol.Optional("return_response", default=False): bool,
            }), self.call_service),
            "conversation/process": (vol.Schema({
                vol.Required("id"): int, vol.Required("type"): str, vol.Required("text"): str,
                vol.Optional("conversation_id"): vol.Any(None, str), vol.Optional("language"): vol.Any(None, str),
                vol.Optional("agent_id"): vol.Any(None, str),
            }), self.conversation_process),
        }

    async def ping(self, connection: Connection, msg: dict[str, Any]) -> Any:
        """Answer pong (a frame of type pong, not a result)."""
        connection.send({"id": msg["id"], "type": "pong"})
        return NO_RESULT

    async def supported_features(self, connection: Connection, msg: dict[str, Any]) -> None:
        """Turn on coalescing (arrays of messages) for a client that asks for it."""
        connection.coalesce = msg["features"].get("coalesce_messages") == 1

    async def get_config(self, _connection: Connection, _msg: dict[str, Any]) -> dict[str, Any]:
        """HA's core configuration, as far as Roost has one."""
        now = self.gateway.status()
        loaded = sorted(d for d, s in now["integrations"].items() if s["status"] == "loaded")
        return {
            "allowlist_external_dirs": [], "allowlist_external_urls": [], "components": ["roost", "conversation",
                                                                                         *loaded],
            "config_dir": str(self.gateway.config_dir), "config_source": "yaml", "country": None, "currency": "EUR",
            "debug": False, "elevation": 0, "external_url": None, "internal_url": None, "language": "en",
            "latitude": 0.0, "location_name": now["name"], "longitude": 0.0,
            "radius": 100, "recovery_mode": False, "safe_mode": False, "state": "RUNNING",
            "time_zone": await asyncio.to_thread(zone_name), "unit_system": {"length": "km", "accumulated_precipitation": "mm", "area": "m²",
                                                "mass": "g", "pressure": "Pa", "temperature": "°C", "volume": "L",
                                                "wind_speed": "m/s"},
            "version": HA_VERSION, "whitelist_external_dirs": [],
        }

    async def get_states(self, _connection: Connection, _msg: dict[str, Any]) -> list[dict[str, Any]]:
        """Roost's channels, models and queues as entities."""
        return [state.as_dict() for state in await self.states.read()]

    async def subscribe_entities(self, connection: Connection, msg: dict[str, Any]) -> Any:
        """Every entity, then each state_changed as HA's compressed form (how HA's frontend library subscribes)."""
        msg_id, wanted = msg["id"], frozenset(msg.get("entity_ids", ()))
        states = [state.as_dict() for state in await self.states.read()
                  if not wanted or state.entity.entity_id in wanted]

        def forward(event: Any) -> None:
            connection.send({"id": msg_id, "type": "event", "event": compressed_change(event.data)})

        chosen = (lambda data: data["entity_id"] in wanted) if wanted else None
        connection.subscriptions[msg_id] = (STATE_CHANGED, self.gateway.bus.listen(STATE_CHANGED, forward, chosen))
        connection.send(result_frame(msg_id))
        connection.send({"id": msg_id, "type": "event", "event": {
            "a": {state["entity_id"]: compressed(state) for state in states}}})
        return NO_RESULT

    async def get_services(self, _connection: Connection, _msg: dict[str, Any]) -> dict[str, Any]:
        """The services call_service knows."""
        found: dict[str, dict[str, Any]] = {}
        for (domain, service), (_handler, description) in self.services.items():
            found.setdefault(domain, {})[service] = description
        return found

    async def current_user(self, connection: Connection, _msg: dict[str, Any]) -> dict[str, Any]:
        """The token's name as the user; an admin token's user is the owner."""
        return {"id": connection.user, "name": connection.user, "is_owner": connection.admin, "is_admin": connection.admin,
                "credentials": [], "mfa_modules": []}

    async def subscribe_events(self, connection: Connection, msg: dict[str, Any]) -> None:
        """Forward bus events of a type (or all) to the client, tagged with this command's id."""
        msg_id, event_type = msg["id"], msg["event_type"]

        def forward(event: Any) -> None:
            connection.send({"id": msg_id, "type": "event", "event": {
                "event_type": event.event_type, "data": dict(event.data), "origin": "LOCAL",
                "time_fired": dt.datetime.fromtimestamp(event.time_fired or 0, dt.UTC).isoformat(),
                "context": context(connection.user)}})

        connection.subscriptions[msg_id] = (event_type, self.gateway.bus.listen(event_type, forward))

    async def unsubscribe_events(self, connection: Connection, msg: dict[str, Any]) -> None:
        """End a subscription."""
        found = connection.subscriptions.pop(msg["subscription"], None)
        if found is None:
            raise CommandError("not_found", "Subscription not found.")
        found[1]()

    async def fire_event(self, connection: Connection, msg: dict[str, Any]) -> dict[str, Any]:
        """Fire an event on Roost's bus (automations with an event trigger see it)."""
        self.gateway.bus.fire(msg["event_type"], msg["event_data"])
        return {"context": context(connection.user)}

    async def call_service(self, connection: Connection, msg: dict[str, Any]) -> dict[str, Any]:
        """Call one of the services get_services lists."""
        found = self.services.get((msg["domain"], msg["service"]))
        if found is None:
            raise CommandError("not_found", f"Service {msg['domain']}.{msg['service']} not found.")
        handler, description = found
        extra = next((key for key in msg["service_data"] if key not in description["fields"]), None)
        if extra is not None:  # as HA's service schemas: a misspelt field is refused, not ignored
            raise CommandError("invalid_format", f"extra keys not allowed @ data[{extra!r}]")
        if msg["return_response"] and "response" not in description:
            raise CommandError("service_validation_error", "Validation error: An action which does not return"
                               " responses can't be called with return_response=True.")
        response = await handler(connection, msg["service_data"], msg["return_response"])
        result: dict[str, Any] = {"context": context(connection.user)}
        if msg["return_response"]:
            result["response"] = response
        return result

    async def conversation_process(self, connection: Connection, msg: dict[str, Any]) -> dict[str, Any]:
        """HA's conversation/process: Roost answers as a conversation agent."""
        return await self._process(connection, msg, True)

    async def _send_message(self, connection: Connection, data: dict[str, Any], respond: bool) -> dict[str, Any]:
        """Stored once call_service returns; with return_response, also answered."""
        text, conversation_id = _text_and_conversation(data)
        conversation_id, replies = await self.conversations.converse(
            text, conversation_id, connection.user, connection, self.response_timeout if respond else None)
        return {"conversation_id": conversation_id, "replies": replies}

    async def _subscribe_conversation(self, connection: Connection, data: dict[str, Any], _respond: bool) -> None:
        await self.conversations.take_up(_conversation(data), connection)

    async def _cancel(self, _connection: Connection, data: dict[str, Any], _respond: bool) -> dict[str, Any]:
        return {"cancelled": self.gateway.cancel_runs(PLATFORM, _conversation(data))}

    async def _traces(self, _connection: Connection, data: dict[str, Any], _respond: bool) -> dict[str, Any]:
        limit, automation_id, run_id = data.get("limit", 10), data.get("automation_id"), data.get("run_id")
        if type(limit) is not int or not 1 <= limit <= 1000 or not isinstance(automation_id, str | None) \
                or not (run_id is None or is_run_prefix(run_id)):
            raise CommandError("invalid_format", "limit is a whole number from 1 to 1000; automation_id a string;"
                                                 " run_id the first hex digits of a run id")
        return {"traces": await self.gateway.traces(limit, automation_id, run_id)}

    async def _queue_stats(self, _connection: Connection, _data: dict[str, Any], _respond: bool) -> dict[str, Any]:
        return await self.gateway.queue_stats()

    async def _reload_automations(self, connection: Connection, _data: dict[str, Any], _respond: bool) -> None:
        if not connection.admin:
            raise CommandError("unauthorized", "Unauthorized")
        outcome = await reload_automations(self.gateway)
        if outcome.changes is None:
            raise CommandError("home_assistant_error", "\n".join(line for _level, line in outcome.lines()))

    async def _process(self, connection: Connection, data: dict[str, Any], _respond: bool) -> dict[str, Any]:
        """HA's conversation agent: always waits for the answer (it is the point of the call)."""
        text, conversation_id = _text_and_conversation(data)
        conversation_id, replies = await self.conversations.converse(
            text, conversation_id, connection.user, connection, self.response_timeout)
        return conversation_result(conversation_id, replies, str(data.get("language") or "en"))


def _text_and_conversation(data: dict[str, Any]) -> tuple[str, str | None]:
    text, conversation_id = data.get("text"), data.get("conversation_id")
    if not isinstance(text, str) or not text.strip():
        raise CommandError("invalid_format", "text is required and must be a non-empty string")
    if conversation_id is not None and not isinstance(conversation_id, str):
        raise CommandError("invalid_format", "conversation_id must be a string")
    if conversation_id is not None and conversation_id.startswith(UNTOLD):
        raise CommandError("invalid_format", f"a conversation_id may not begin with {UNTOLD!r}: Roost names the"
                                             " conversations it tells no one of so")
    return text, conversation_id


def _conversation(data: dict[str, Any]) -> str:
    """The conversation_id a service names (required)."""
    conversation_id = data.get("conversation_id")
    if not isinstance(conversation_id, str) or not conversation_id:
        raise CommandError("invalid_format", "conversation_id is required and must be a string")
    return conversation_id
