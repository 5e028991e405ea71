"""Runs one automation-run task: rebuild its request, execute it, complete it with its replies."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from core.automation.engine import AutomationEngine, RunRequest
from core.errors import PermanentError, TransientError
from core.message import Message
from core.pipeline.codec import decode_run, stored_message
from core.pipeline.replies import ReplySweeper, RunReplies
from core.pipeline.retry import EndedMidRun, Verdict
from core.store.batching import BatchedLookup
from core.store.inbox import Inbox, InboxEntry
from core.store.tasks import Task

if TYPE_CHECKING:
    from core.pipeline.outbound import Outbound
    from core.pipeline.scheduler import Completion

_LOGGER = logging.getLogger(__name__)

FULL_RUNS = 10_000
"""Run requests kept whole for their first attempt (1.85 KB each with a short message)."""
LEAN_RUNS = 40_000
"""Run requests kept as message and payload past FULL_RUNS (0.54 KB each)."""


class Runner:
    """The handler of automation-run tasks (see ``core.pipeline.scheduler.TaskHandler``)."""

    def __init__(self, inbox: Inbox, engine: AutomationEngine, outbound: Outbound, *, failure_reply: str) -> None:
        self.engine = engine
        self.outbound = outbound
        self.failure_reply = failure_reply
        # A task's first attempt in the process that queued it runs the request it was queued
        # with: nothing to decrypt, no inbox row to read (e2e benchmark, 3 interleaved pairs:
        # gateway CPU per message 277 us with it, 312 us without). Past FULL_RUNS the request is
        # kept lean (message and plain payload) and decoded when it runs (at 100,000 messages:
        # 99.7 -> 91.7 us against reading those runs back). Beyond both, the store rebuilds it.
        self._whole: dict[int, RunRequest] = {}
        self._lean: dict[int, tuple[bytes, Message | None]] = {}
        # Inbox rows of runs rebuilt from the store, read in one query per loop turn.
        self._messages: BatchedLookup[int, InboxEntry] = BatchedLookup(inbox.get_many)
        self._sweeper = ReplySweeper()
        self._failing: dict[int, RunRequest] = {}

    def keep(self, task_id: int, request: RunRequest, payload: bytes) -> None:
        """Keep a new task's request for its first attempt (payload: its plain stored payload)."""
        if len(self._whole) < FULL_RUNS:
            self._whole[task_id] = request
        elif len(self._lean) < LEAN_RUNS:
            # A copy: bytes made by orjson keep a 4 KB buffer each (measured with orjson 3.13).
            self._lean[task_id] = (bytes(memoryview(payload)), request.message)

    def __contains__(self, task_id: object) -> bool:
        """True when the request of this task is kept in memory (the scheduler skips its payload)."""
        return task_id in self._whole or task_id in self._lean

    async def run(self, task: Task) -> Completion:
        """Execute the task's run; its replies are written with its completion."""
        request = await self.request_for(task)
        replies = RunReplies(self.outbound, self._sweeper)
        try:
            await self.engine.execute(request, replies)
        except BaseException:
            await asyncio.shield(replies.flush())  # what the run sent stays sent
            raise
        if request.error is not None:
            await replies.flush()
            self._failing[task.id] = request
            raise request.error
        self.engine.release(request)
        return replies.complete

    async def request_for(self, task: Task) -> RunRequest:
        """The task's request: kept from queueing on a first attempt, else rebuilt from the store."""
        request = self._whole.pop(task.id, None)
        lean = self._lean.pop(task.id, None) if request is None else None
        if task.attempts == 1:
            if request is not None:
                return self._as_now(request)
            if lean is not None:
                rebuilt = decode_run(lean[0], self.engine, lean[1])
                if rebuilt is not None:
                    return rebuilt
        if not task.payload:  # leased as "held in memory", but no longer is (closing)
            raise TransientError("the run's request was not at hand; it runs again from the store")
        message = None
        if task.inbox_id is not None:
            entry = await self._messages.get(task.inbox_id)
            if entry is None:
                raise PermanentError(f"the message this run answers (inbox row {task.inbox_id}) is no"
                                     " longer stored or cannot be read")
            message = stored_message(entry)
        rebuilt = decode_run(task.payload, self.engine, message)
        if rebuilt is None:
            raise PermanentError("the automation of this run no longer exists")
        return rebuilt

    def _as_now(self, request: RunRequest) -> RunRequest:
        """A kept request with its automation as it is now: a reload may have changed it since it was queued."""
        automation = self.engine.automations.get(request.automation.id)
        if automation is None:
            self.engine.release(request)
            raise PermanentError("the automation of this run no longer exists")
        request.automation = automation
        return request

    async def failed(self, task: Task, error: BaseException, verdict: Verdict) -> None:
        """A run failed: when it is buried its mode lets the next one in and its chat is told."""
        request = self._failing.pop(task.id, None)
        if request is None and verdict.bury and isinstance(error, EndedMidRun):
            request = await self._ended_mid_run(task, verdict)
        if not verdict.bury or request is None:
            return
        self.engine.release(request)
        message = request.message
        channel = self.outbound.channels.get(message.platform) if message is not None else None
        if message is None or not self.failure_reply or channel is None or channel.info.reports_failures:
            return
        text = getattr(error, "advice", None) or self.failure_reply.format(run=request.run_id[:8])
        try:
            await self.outbound.send(message.platform, message.chat_id, text,
                                     reply_to=message.id, idempotency_key=f"{request.run_id}:failed")
        except Exception:  # telling about a failure must not hide the failure itself
            _LOGGER.exception("Could not tell chat %s that run %s failed", message.chat_key, request.run_id)

    async def _ended_mid_run(self, task: Task, verdict: Verdict) -> RunRequest | None:
        """The request of a run given up because Roost ended while it ran, its trace ended with why (the run never
        recorded one); None when it cannot be rebuilt (the dead letter says why it was given up)."""
        try:
            request = await self.request_for(task)
        except Exception as err:
            _LOGGER.debug("Run of task %d not rebuilt to tell its chat: %s", task.id, err)
            return None
        request.trace.started = task.created_at  # when its message came: this process never started it
        request.trace.finish("failed", verdict.reason)
        self.engine.record(request.trace)
        return request

    def close(self) -> None:
        """Forget the requests kept in memory (their tasks run from the store next time)."""
        self._sweeper.stop()
        self._whole.clear()
        self._lean.clear()
