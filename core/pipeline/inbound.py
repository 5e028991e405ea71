"""The door of the durable path: a message is matched, then stored with its runs in one commit.

Text is made storable once, here: lone surrogates (a platform's JSON with ``"\\ud800"``, a byte
that is not UTF-8 typed into a terminal) become U+FFFD. A message that still cannot be stored
is refused with a PermanentError the channel acknowledges and moves past, never retried forever.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from typing import Any

from core.automation.engine import AutomationEngine, RunRequest
from core.errors import PermanentError
from core.message import Message
from core.pipeline.codec import RUN_TASK, encode_run, message_extra
from core.pipeline.runner import Runner
from core.pipeline.scheduler import Scheduler
from core.store import Store

_LOGGER = logging.getLogger(__name__)
_SURROGATE = re.compile("[\ud800-\udfff]")
# A text longer than this is matched in a worker thread, so that the event loop (other chats'
# messages) runs between its triggers' and conditions' patterns; shorter ones are matched in
# place. Measured with the example's automations: matching 200 / 2,048 / 8,192 characters takes
# 63 / 126 / 347 µs, the hop to a thread and back 120 µs. One pattern's search holds the
# interpreter lock to its end: `roost: regex_max_text` is what bounds it.
OFF_LOOP_TEXT = 2048


def storable_text(text: str) -> str:
    """Text with every lone surrogate replaced by U+FFFD (the replacement character)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def _storable(value: Any) -> Any:
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_storable(v) for v in value)
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value


def storable(message: Message) -> Message:
    """The message with every text field storable (the same object when it already is)."""
    fields = (message.text, message.sender, message.chat_id, message.id, message.command or "", *message.args)
    try:
        "".join(fields).encode("utf-8")
    except UnicodeEncodeError:
        message = replace(message, text=storable_text(message.text), sender=storable_text(message.sender),
                          chat_id=storable_text(message.chat_id), id=storable_text(message.id),
                          command=None if message.command is None else storable_text(message.command),
                          args=tuple(storable_text(a) for a in message.args))
    if message.raw is not None and not isinstance(message.raw, bytes | bytearray):
        raw = _storable(message.raw)
        if raw != message.raw:
            message = replace(message, raw=raw)
    return message


def _unstorable(message: Message, err: Exception) -> PermanentError:
    return PermanentError(f"the message from {message.platform} cannot be stored ({type(err).__name__}: {err})")


def queue_key(request: RunRequest) -> str:
    """The task's order key: queued mode keeps order per automation and chat; the other modes
    decide at run time, so their runs do not wait for each other."""
    automation = request.automation
    if automation.mode == "queued":
        return f"{automation.id}|{request.chat_key}"
    return f"{automation.id}|{request.chat_key}|{request.run_id}"


def run_key(inbox_id: int, request: RunRequest) -> str:
    """The idempotency key of a run a stored message started."""
    return f"msg:{inbox_id}:{request.automation.id}:{request.trigger.get('idx', 0)}"


class Inbound:
    """Stores each message with the runs it starts, then hands the runs to the scheduler."""

    def __init__(self, store: Store, engine: AutomationEngine, scheduler: Scheduler, runner: Runner) -> None:
        self.store = store
        self.engine = engine
        self.scheduler = scheduler
        self.runner = runner
        self._writes: set[asyncio.Task[Any]] = set()

    async def ingest(self, message: Message) -> list[str] | None:
        """Store the message and the runs it triggers durably, in one write; their run ids, None for a redelivery.

        The runs are prepared (matched, conditions checked, admitted by their mode) before the
        write and announced after it; for a redelivery nothing is written and they are abandoned.
        """
        try:
            message = storable(message)
        except (TypeError, ValueError) as err:  # a field that is not text where text belongs
            raise _unstorable(message, err) from err
        store = self.store
        inbox_id = await store.inbox.new_id()
        if len(message.text) > OFF_LOOP_TEXT:
            matched = await asyncio.to_thread(self.engine.match_message, message)
            items = self.engine.prepare_message(message, matched)
        else:
            items = self.engine.prepare_message(message)
        requests = [request for request, _ in items if request is not None]
        stored = None
        try:
            payloads = [encode_run(request) for request in requests]
            tasks = [
                await store.tasks.prepare(
                    RUN_TASK, payload, priority=request.automation.priority, chat_key=queue_key(request),
                    lane=request.automation.lane, idempotency_key=run_key(inbox_id, request), inbox_id=inbox_id,
                )
                for request, payload in zip(requests, payloads, strict=True)
            ]
            stored = await store.inbox.receive(
                message.platform, message.id, message.chat_id, message.sender, message.text,
                message_extra(message), message.time, tasks=tasks, id=inbox_id,
                alongside=self.scheduler.lease_now if tasks else None,
            )
        except (TypeError, ValueError) as err:  # e.g. a field orjson or SQLite cannot hold
            raise _unstorable(message, err) from err
        finally:
            if stored is None:  # a redelivery, or the write failed: these runs will not happen
                for request in requests:
                    self.engine.release(request)
        if stored is None:
            return None
        if tasks:
            keep = self.runner.keep
            for task, request, payload in zip(tasks, requests, payloads, strict=True):
                keep(task.id, request, payload)
        self.engine.start_message(items)
        return [request.run_id for request in requests]

    def dispatch(self, request: RunRequest) -> None:
        """Queue a run of a chat-less trigger (event, schedule, startup) as a durable task, soon."""
        task = asyncio.get_running_loop().create_task(self._enqueue(request), name="queue run")
        self._writes.add(task)
        task.add_done_callback(self._written)

    def _written(self, task: asyncio.Task[Any]) -> None:
        self._writes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _LOGGER.error("Queueing a run failed: %s", task.exception())

    async def _enqueue(self, request: RunRequest) -> None:
        automation = request.automation
        payload = encode_run(request)
        task_id = await self.store.tasks.enqueue(RUN_TASK, payload, priority=automation.priority,
                                                 chat_key=queue_key(request), lane=automation.lane)
        self.runner.keep(task_id, request, payload)
        self.scheduler.wake()

    @property
    def writing(self) -> bool:
        """True while runs of chat-less triggers are being queued."""
        return bool(self._writes)

    async def close(self) -> None:
        """Wait for the runs being queued."""
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
