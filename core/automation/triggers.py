"""The built-in trigger types: message, event, schedule and startup."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as dtime
from typing import Any

import voluptuous as vol

from core import events
from core.automation.actions import duration
from core.automation.conditions import regex, string_list, time_of_day
from core.automation.matcher import MessageTrigger
from core.automation.registry import TriggerType

_LOGGER = logging.getLogger(__name__)

CLOCK_CHECK = 1.0
"""Seconds a schedule trigger sleeps at most before it looks at the clock again."""
_BASE = {vol.Required("trigger"): str, vol.Optional("id"): vol.Coerce(str), vol.Optional("alias"): str}


def _lower_commands(value: Any) -> list[str]:
    return [c.lstrip("/!").lower() for c in string_list(value)]


MESSAGE_SCHEMA = vol.Schema({
    **_BASE,
    vol.Optional("platform"): string_list,
    vol.Optional("command"): _lower_commands,
    vol.Optional("pattern"): regex,
    vol.Optional("contains"): string_list,
    vol.Optional("mention"): bool,
    vol.Optional("chat"): string_list,
    vol.Optional("sender"): string_list,
    vol.Optional("fallback"): bool,
})


def _attach_message(config: dict[str, Any], automation: Any, engine: Any) -> Callable[[], None]:
    def frozen(key: str) -> frozenset[str] | None:
        return frozenset(config[key]) if config.get(key) else None

    trigger = MessageTrigger(
        automation=automation,
        index=config["_index"],
        platforms=frozen("platform"),
        commands=frozen("command"),
        pattern=config.get("pattern"),
        contains=tuple(config.get("contains", ())),
        mention=config.get("mention", False),
        chats=frozen("chat"),
        senders=frozen("sender"),
        fallback=config.get("fallback", False),
        max_text=engine.compiler.regex_max_text,
    )
    engine.message_index.add(trigger)
    return lambda: engine.message_index.remove(trigger)


EVENT_SCHEMA = vol.Schema({
    **_BASE, vol.Required("event_type"): str, vol.Optional("event_data", default={}): dict,
})


def _attach_event(config: dict[str, Any], automation: Any, engine: Any) -> Callable[[], None]:
    wanted = dict(config["event_data"])
    index = config["_index"]

    def matches(data: Any) -> bool:
        return all(data.get(k) == v for k, v in wanted.items())

    def handle(event: Any) -> None:
        variables = {
            "trigger": "event", "idx": index, "event_type": event.event_type,
            "event": dict(event.data), "platform": event.data.get("platform"),
            "chat_id": event.data.get("chat_id"),
        }
        engine.trigger(automation, variables)

    return engine.gateway.bus.listen(config["event_type"], handle, matches)


def _croniter() -> Any:
    """croniter, imported only once a cron trigger is configured: it and dateutil take 3 MiB of
    the gateway's memory (measured with scripts/bench.py memory) that most setups never use."""
    from croniter import croniter

    return croniter


def _next_cron(expression: str, now: float) -> float:
    """The next time after now that a cron expression names on this machine's clock, in its time zone.

    A wall-clock time that occurs twice (clocks going back) fires once, at its first occurrence; one that does not
    occur (clocks going forward) fires as the clocks jump past it (croniter's rule for zones with daylight saving).
    """
    from dateutil.tz import tzlocal  # croniter's own dependency: loaded with it

    croniter = _croniter()
    if not croniter.is_valid(expression):
        raise ValueError(f"invalid cron expression {expression!r}")
    zone = tzlocal()  # read now: the zone of the local time (TZ, /etc/localtime), with its daylight saving rules
    times = croniter(expression, datetime.fromtimestamp(now, zone))
    while True:
        fire = times.get_next(datetime)
        if fire.fold == 0 or not zone.is_ambiguous(fire):  # not the second pass of an hour that clocks repeat
            return fire.timestamp()


def cron_expression(value: Any) -> str:
    """Validate a cron expression (five fields, or six with seconds)."""
    text = str(value).strip()
    if len(text.split()) not in (5, 6) or not _croniter().is_valid(text):
        raise vol.Invalid("expected a cron expression like '*/5 * * * *'")
    return text


SCHEDULE_SCHEMA = vol.All(
    vol.Schema({
        **_BASE,
        vol.Exclusive("cron", "when"): cron_expression,
        vol.Exclusive("every", "when"): vol.All(duration, vol.Range(min=0.01)),
        vol.Exclusive("at", "when"): vol.All(string_list, [time_of_day]),
    }),
    vol.Any(
        vol.Schema({vol.Required("cron"): object}, extra=vol.ALLOW_EXTRA),
        vol.Schema({vol.Required("every"): object}, extra=vol.ALLOW_EXTRA),
        vol.Schema({vol.Required("at"): object}, extra=vol.ALLOW_EXTRA),
        msg="a schedule trigger needs one of cron, every or at",
    ),
)


def next_fire(config: dict[str, Any], now: float) -> float:
    """The next time (epoch seconds) a schedule trigger of clock times (cron or at) fires after now."""
    if "cron" in config:
        return _next_cron(config["cron"], now)
    today = datetime.fromtimestamp(now).date()
    candidates = []
    for at in config["at"]:
        clock = dtime(at.hour, at.minute, at.second)
        when = _comes(datetime.combine(today, clock))
        if when <= now:  # tomorrow at the same wall-clock time (23 or 25 hours on a DST change)
            when = _comes(datetime.combine(today + timedelta(days=1), clock))
        candidates.append(when)
    return min(candidates)


def _comes(wall: datetime) -> float:
    """When a local wall-clock time comes: its first occurrence, or, for one the clocks skip going forward, the
    moment they jump past it (as cron's times do)."""
    after = wall.timestamp()  # the first occurrence; for a skipped time, where it would be had the clocks not jumped
    if datetime.fromtimestamp(after) == wall:
        return after
    before = wall.replace(fold=1).timestamp()  # where it would be by the new offset: before the jump
    while after - before > 0.001:  # the jump is where the local time passes wall: found by halving
        middle = (before + after) / 2
        before, after = (before, middle) if datetime.fromtimestamp(middle) > wall else (middle, after)
    return float(round(after))


def _attach_schedule(config: dict[str, Any], automation: Any, engine: Any) -> Callable[[], None]:
    index = config["_index"]

    async def loop() -> None:
        while True:
            if "every" in config:  # a duration: the clock's jumps neither shorten nor stretch it
                await asyncio.sleep(config["every"])
            else:
                fire_at = next_fire(config, time.time())
                # Woken every CLOCK_CHECK seconds to look at the clock: one that jumps forward (a Pi reaching its
                # time server after a power cut) would otherwise have the run wait out the old distance.
                while (left := fire_at - time.time()) > 0:
                    await asyncio.sleep(min(left, CLOCK_CHECK))
            engine.trigger(automation, {"trigger": "schedule", "idx": index, "time": time.time()})

    task = engine.gateway.create_background_task(loop(), f"schedule {automation.id}")
    return task.cancel


def _attach_startup(config: dict[str, Any], automation: Any, engine: Any) -> Callable[[], None]:
    index = config["_index"]
    return engine.gateway.bus.listen_once(
        events.GATEWAY_STARTED,
        lambda _event: engine.trigger(automation, {"trigger": "startup", "idx": index}),
    )


def builtin_trigger_types() -> dict[str, TriggerType]:
    """The trigger types the core ships."""
    return {
        "message": TriggerType("message", MESSAGE_SCHEMA, _attach_message),
        "event": TriggerType("event", EVENT_SCHEMA, _attach_event),
        "schedule": TriggerType("schedule", SCHEDULE_SCHEMA, _attach_schedule),
        "startup": TriggerType("startup", vol.Schema(_BASE), _attach_startup),
    }
