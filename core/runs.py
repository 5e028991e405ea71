"""Automation runs as durable task payloads: what is needed to run them again after a crash.

Also the replies a running task holds back to write them with its completion (``HeldReplies``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import orjson

from core.automation.matcher import message_variables
from core.automation.trace import Trace, trace_trigger
from core.message import Message

if TYPE_CHECKING:
    from core.automation.engine import AutomationEngine, RunRequest
    from core.store.inbox import InboxEntry
    from core.store.outbox import Outbox, PreparedEntry

RUN_TASK = "automation_run"
HOLD_SECONDS = 0.005
"""How long a running task may hold its replies back; a run still busy after that (a delay,
a model call) has them written at once, so holding never delays a reply noticeably."""

HELD_REPLIES: ContextVar[HeldReplies | None] = ContextVar("roost_held_replies", default=None)
"""The held replies of the task running in this context (None outside task runs)."""


class HeldReplies:
    """Replies of one running task, written together with the task's completion.

    A reply queued by a run is numbered and sealed at once but written with the task's
    "done" mark in one transaction: one commit instead of two, and no moment where the task
    is done without its replies or the other way round. Nothing is lost by holding: until
    that commit the task is not done, so after a crash it runs again and queues the same
    replies (same idempotency keys). Replies still held after HOLD_SECONDS, or when the run
    fails, are written on their own.
    """

    __slots__ = ("outbox", "wake", "sweeper", "entries", "writes", "closed", "since")

    def __init__(self, outbox: Outbox, wake: Callable[[str, int], None], sweeper: ReplySweeper) -> None:
        self.outbox = outbox
        self.wake = wake  # wake(platform, priority) once entries are durable
        self.sweeper = sweeper
        self.entries: list[PreparedEntry] = []
        self.writes: list[asyncio.Future[Any]] = []
        self.closed = False
        self.since = 0.0

    def hold(self, entry: PreparedEntry) -> None:
        """Keep a prepared reply for the completion (written anyway after HOLD_SECONDS)."""
        if not self.entries:
            self.sweeper.watch(self)
        self.entries.append(entry)

    def holds(self, idempotency_key: str) -> bool:
        """True when a reply with this key is held (not yet written)."""
        return any(entry.idempotency_key == idempotency_key for entry in self.entries)

    def _take(self) -> list[PreparedEntry]:
        entries, self.entries = self.entries, []
        if entries:
            self.sweeper.holding.discard(self)
        return entries

    def release(self) -> None:
        """Write the held replies now, on their own (the run goes on, or failed)."""
        entries = self._take()
        if entries:
            self.writes.append(asyncio.ensure_future(self._write(entries, None)))

    async def _write(self, entries: list[PreparedEntry], task_id: int | None) -> None:
        await self.outbox.add_prepared(entries, complete_task=task_id)
        woken: dict[str, int] = {}
        for entry in entries:
            if entry.priority > woken.get(entry.platform, entry.priority - 1):
                woken[entry.platform] = entry.priority
        for platform, priority in woken.items():
            self.wake(platform, priority)

    async def flush(self) -> None:
        """Write what is held and wait for every earlier write (raising the first failure)."""
        self.release()
        self.closed = True
        writes, self.writes = self.writes, []
        if writes:
            await asyncio.gather(*writes)

    async def complete(self, task_id: int) -> None:
        """Write the held replies and mark the task done, in one transaction (a scheduler Completion)."""
        self.closed = True
        entries = self._take()
        writes, self.writes = self.writes, []
        if writes:  # replies written on their own must be durable before the task is done
            await asyncio.gather(*writes)
        if entries:
            await self._write(entries, task_id)
        else:
            await self.outbox.add_prepared((), complete_task=task_id)


class ReplySweeper:
    """Writes replies held longer than HOLD_SECONDS (one timer for all runs of a loop, not one per run)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.holding: set[HeldReplies] = set()
        self.timer: asyncio.TimerHandle | None = None

    def watch(self, held: HeldReplies) -> None:
        """Start the clock for a run that now holds replies."""
        held.since = self.loop.time()
        self.holding.add(held)
        if self.timer is None:
            self.timer = self.loop.call_later(HOLD_SECONDS, self.sweep)

    def sweep(self) -> None:
        """Release what was held too long; look again later while anything is held."""
        self.timer = None
        due = self.loop.time() - HOLD_SECONDS
        for held in list(self.holding):
            if not held.entries:
                self.holding.discard(held)
            elif held.since <= due:
                self.holding.discard(held)
                held.release()
        if self.holding:
            self.timer = self.loop.call_later(HOLD_SECONDS, self.sweep)

    def stop(self) -> None:
        """Cancel the timer (the loop is shutting down)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


PAYLOAD_FORMAT = 3
"""Format 3 leaves the message out when the inbox holds it (the task names its inbox row and
the caller passes the stored message to ``decode_run``): a message trigger's run is then a
short array (``COMPACT_MESSAGE_RUN``), any other run an object marked ``message_stored``.
Format 2 stores the message once: the trigger variables a message trigger copies from it are
left out and rebuilt on decoding. Payloads of formats 1 and 2 still decode."""


COMPACT_MESSAGE_RUN = "m"
"""First item of a compact payload: [kind, automation id, run id, trigger index, match, groups,
conditions], for a message trigger's run whose message the inbox holds."""


def encode_run(request: RunRequest, *, message_stored: bool = False) -> bytes:
    """The payload of an automation-run task (small: it is written and rewritten with the task row).

    message_stored: the run's message is in the inbox and the task names its row; the payload
    then leaves the message out.
    """
    message = request.message
    data: dict[str, Any] = {
        "format": PAYLOAD_FORMAT, "automation_id": request.automation.id, "run_id": request.run_id,
    }
    if request.trace.conditions:
        data["conditions"] = request.trace.conditions
    trigger = request.trigger
    if message is None:
        data["trigger"] = trigger
        return orjson.dumps(data, default=str)
    if message_stored:
        compact = _compact(request, message)
        if compact is not None:
            return compact
        data["message_stored"] = True
    else:
        data["message"] = _message_fields(message)
    shared = message.as_dict()
    if all(key in trigger and trigger[key] == value for key, value in shared.items()):
        data["trigger"] = {key: value for key, value in trigger.items() if key not in shared}
        data["trigger_extends_message"] = True
    else:
        data["trigger"] = trigger
    return orjson.dumps(data, default=str)


def _compact(request: RunRequest, message: Message) -> bytes | None:
    """A message trigger's run as a short array, when its variables are exactly what the trigger made."""
    trigger = request.trigger
    if trigger.get("trigger") != "message":
        return None
    rebuilt = message_variables(message, trigger.get("idx"), trigger.get("match"), trigger.get("groups"))
    if rebuilt != trigger or list(rebuilt) != list(trigger):
        return None
    return orjson.dumps([
        COMPACT_MESSAGE_RUN, request.automation.id, request.run_id, trigger["idx"], trigger["match"],
        trigger["groups"], request.trace.conditions,
    ], default=str)


def _message_fields(message: Message) -> dict[str, Any]:
    """The fields needed to rebuild the message; optional ones only when they are not the default."""
    fields: dict[str, Any] = {
        "id": message.id, "platform": message.platform, "chat_id": message.chat_id,
        "sender": message.sender, "text": message.text, "time": message.time,
    }
    if message.reply_to is not None:
        fields["reply_to"] = message.reply_to
    if message.mentions_bot:
        fields["mentions_bot"] = True
    if message.command is not None:
        fields["command"] = message.command
    if message.args:
        fields["args"] = list(message.args)
    raw = jsonable(message.raw)
    if raw is not None:
        fields["raw"] = raw
    return fields


def decode_run(payload: bytes, engine: AutomationEngine, message: Message | None = None) -> RunRequest | None:
    """Rebuild a run request; None when its automation no longer exists.

    message: the stored message of the task's inbox row, for a payload that leaves it out.
    """
    from core.automation.engine import RunRequest

    data = orjson.loads(payload)
    if isinstance(data, list):
        return _decode_compact(data, engine, message)
    automation = engine.automations.get(data["automation_id"])
    if automation is None:
        return None
    if data.get("message_stored"):
        if message is None:
            raise _needs_message()
    elif data.get("message"):
        message = _message(data["message"])
    else:
        message = None
    trigger = data["trigger"]
    if data.get("trigger_extends_message") and message is not None:
        trigger = {**message.as_dict(), **trigger}
    trace = _trace(automation, data["run_id"], trigger, data.get("conditions", []), engine)
    return RunRequest(automation, trigger, trace, message, data["run_id"])


def _decode_compact(data: list[Any], engine: AutomationEngine, message: Message | None) -> RunRequest | None:
    from core.automation.engine import RunRequest

    kind, automation_id, run_id, index, match, groups, conditions = data
    if kind != COMPACT_MESSAGE_RUN:
        raise ValueError(f"unknown run payload kind {kind!r}")
    if message is None:
        raise _needs_message()
    automation = engine.automations.get(automation_id)
    if automation is None:
        return None
    trigger = message_variables(message, index, match, groups)
    return RunRequest(automation, trigger, _trace(automation, run_id, trigger, conditions, engine),
                      message, run_id)


def _needs_message() -> ValueError:
    return ValueError("this run's payload leaves its message to the inbox; pass the stored message")


def _trace(automation: Any, run_id: str, trigger: dict[str, Any], conditions: list[Any],
           engine: AutomationEngine) -> Trace:
    trace = Trace(automation.id, run_id, trace_trigger(trigger), priority=automation.priority,
                  scrub=engine.gateway.scrub)
    for description, passed in conditions:
        trace.condition(description, passed)
    return trace


def _message(m: dict[str, Any]) -> Message:
    return Message(
        platform=m["platform"], chat_id=m["chat_id"], sender=m["sender"], text=m["text"],
        id=m["id"], time=m["time"], reply_to=m.get("reply_to"), mentions_bot=m.get("mentions_bot", False),
        command=m.get("command"), args=tuple(m.get("args") or ()), raw=m.get("raw"),
    )


def message_extra(message: Message) -> bytes:
    """What the inbox keeps beside a message's text (its raw column): the fields to rebuild it."""
    return orjson.dumps({
        "reply_to": message.reply_to, "mentions_bot": message.mentions_bot,
        "command": message.command, "args": list(message.args), "raw": jsonable(message.raw),
    })


def stored_message(entry: InboxEntry) -> Message:
    """The message an inbox row holds, as it was ingested (see ``message_extra``)."""
    extra = orjson.loads(entry.raw) if entry.raw else {}
    return Message(
        platform=entry.platform, chat_id=entry.chat_id, sender=entry.sender, text=entry.text,
        id=entry.platform_msg_id, time=entry.received_at, reply_to=extra.get("reply_to"),
        mentions_bot=extra.get("mentions_bot", False), command=extra.get("command"),
        args=tuple(extra.get("args") or ()), raw=extra.get("raw"),
    )


def jsonable(value: Any) -> Any:
    """The value when it can be stored as JSON, else None."""
    if value is None:
        return None
    try:
        orjson.dumps(value)
    except TypeError:
        return None
    return value
