"""Durable timers: an integration's handler, run at a set time as a task of the durable queue.

``gateway.schedule(name, at, data, key=...)`` queues a task of kind ``timer`` due at ``at``; a
key makes it happen once (scheduling the same key again returns the first timer). Timers
survive restarts: one that came due while Roost was stopped runs at the next start. A handler
runs at least once, like every task: the timer is done when it returned, so a crash before
that runs it again; it retries and is dead-lettered by the same rule as runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from core.errors import ConfigError, PermanentError
from core.pipeline.retry import Verdict
from core.pipeline.scheduler import Scheduler
from core.store.tasks import Task, TaskQueue

TIMER_TASK = "timer"
TimerHandler = Callable[[Any], Awaitable[Any]]
"""Called with the timer's data (anything JSON can hold)."""


class Timers:
    """The registered timer handlers, and the task handler that runs them (kind ``timer``)."""

    def __init__(self, tasks: TaskQueue, scheduler: Scheduler) -> None:
        self.tasks = tasks
        self.scheduler = scheduler
        self.handlers: dict[str, TimerHandler] = {}

    def register(self, name: str, handler: TimerHandler) -> None:
        """Run handler(data) when a timer of this name is due."""
        if name in self.handlers:
            raise ConfigError(f"a timer handler named '{name}' is already registered")
        self.handlers[name] = handler

    async def schedule(self, name: str, at: float, data: Any = None, *, key: str | None = None,
                       priority: int = 0) -> int:
        """Queue a timer due at ``at`` (epoch seconds); return its id (the first one's for a known key)."""
        if name not in self.handlers:
            raise ConfigError(f"no timer handler named '{name}' is registered")
        floor = self.scheduler.lease_ahead_floor
        if floor is not None and priority > floor:  # it outranks every run: leasing ahead would hold it up
            self.scheduler.lease_ahead_floor = None
        task_id = await self.tasks.enqueue(
            TIMER_TASK, orjson.dumps([name, data]), priority=priority,
            chat_key=f"timer|{key or uuid.uuid4().hex}", lane="default",
            idempotency_key=None if key is None else f"timer:{key}", available_at=at,
        )
        self.scheduler.wake_at(at)
        return task_id

    async def run(self, task: Task) -> None:
        """Call the timer's handler with its data."""
        name, data = orjson.loads(task.payload)
        handler = self.handlers.get(name)
        if handler is None:
            raise PermanentError(f"no timer handler named '{name}' is registered (is its integration set up?)")
        await handler(data)

    async def failed(self, task: Task, error: BaseException, verdict: Verdict) -> None:
        """Nothing to tell: the scheduler logs the failure and retries or buries the timer."""
