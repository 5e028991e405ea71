"""The scheduler: runs durable tasks by priority then age, per-chat in order, within limits."""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import voluptuous as vol

from core.errors import ConfigError, PermanentError, TransientError
from core.store.tasks import Task

_LOGGER = logging.getLogger(__name__)

SCHEDULER_SCHEMA = vol.Schema(vol.Any(None, {
    vol.Optional("workers", default=8): vol.All(int, vol.Range(min=1, max=256)),
    vol.Optional("lanes", default=dict): {str: vol.All(int, vol.Range(min=1))},
    vol.Optional("max_attempts", default=5): vol.All(int, vol.Range(min=1)),
    vol.Optional("lease_seconds", default=300.0): vol.All(vol.Coerce(float), vol.Range(min=1)),
    vol.Optional("backoff_base", default=1.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("backoff_max", default=300.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
}))

Handler = Callable[[Task], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter, honouring a server's retry_after."""

    base: float = 1.0
    cap: float = 300.0
    max_attempts: int = 5

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt number attempts + 1."""
        backoff = min(self.cap, self.base * (2 ** max(0, attempts - 1)))
        delay = random.uniform(backoff / 2, backoff)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay


class Scheduler:
    """Leases due tasks from the store and runs them with a handler per task kind."""

    def __init__(self, store: Any, config: dict[str, Any], scrub: Callable[[str], str] = str) -> None:
        self.store = store
        self.workers = config["workers"]
        self.lanes: dict[str, int] = dict(config["lanes"])
        self.lease_seconds = config["lease_seconds"]
        self.policy = RetryPolicy(config["backoff_base"], config["backoff_max"], config["max_attempts"])
        self.handlers: dict[str, Handler] = {}
        self.scrub = scrub
        self._running: dict[int, asyncio.Task[None]] = {}
        self._active = 0  # handlers running now (a finished one's bookkeeping write no longer counts)
        self._retries: list[float] = []  # due times of retries this scheduler set (a heap)
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._accepting = True

    def register(self, kind: str, handler: Handler) -> None:
        """Run tasks of kind with handler (raise TransientError/PermanentError to retry/bury)."""
        self.handlers[kind] = handler

    def wake(self) -> None:
        """Look for work now (a task was queued)."""
        self._wake.set()

    @property
    def busy(self) -> bool:
        """True while tasks are running or their outcome is being recorded."""
        return bool(self._running)

    async def start(self) -> None:
        """Recover tasks whose lease expired in a crash, then start leasing."""
        recovered = await self.store.tasks.recover_expired(time.time() + self.lease_seconds * 2)
        if recovered:
            _LOGGER.info("Recovered %d interrupted tasks; they run again", recovered)
        self._loop_task = asyncio.get_running_loop().create_task(self._lease_loop(), name="scheduler")

    async def enqueue(
        self, kind: str, payload: bytes, *, priority: int, chat_key: str, lane: str,
        idempotency_key: str | None = None, available_at: float | None = None,
    ) -> int:
        """Queue a task durably and wake the workers."""
        task_id = await self.store.tasks.enqueue(
            kind, payload, priority=priority, chat_key=chat_key, lane=lane,
            idempotency_key=idempotency_key, available_at=available_at,
        )
        self._wake.set()
        return task_id

    async def _lease_loop(self) -> None:
        while self._accepting:
            self._wake.clear()  # before leasing: a task queued meanwhile sets it again
            free = self.workers - self._active
            tasks: list[Task] = []
            if free > 0:
                try:
                    tasks = await self.store.tasks.lease(
                        time.time(), self.lease_seconds, free, lanes_capacity=self.lanes or None,
                    )
                except Exception:
                    _LOGGER.exception("Leasing tasks failed; trying again shortly")
                    await asyncio.sleep(1.0)
                    continue
            for task in tasks:
                self._active += 1
                runner = asyncio.get_running_loop().create_task(self._run(task), name=f"task {task.id}")
                self._running[task.id] = runner
                runner.add_done_callback(lambda _t, tid=task.id: self._finished(tid))
            if tasks and self._active < self.workers:
                continue
            try:
                async with asyncio.timeout(self._idle_wait()):
                    await self._wake.wait()
            except TimeoutError:
                pass

    def _idle_wait(self) -> float:
        """Seconds to sleep when nothing is leasable: until the next retry this scheduler set, at most 1 s.

        Tasks queued from elsewhere wake the loop through enqueue(); a dead letter put back by
        `roost queue retry` in another process is found by the once-a-second look.
        """
        now = time.time()
        retries = self._retries
        if retries and retries[0] <= now:
            while retries and retries[0] <= now:
                heapq.heappop(retries)
            return 0.0  # one became due: look now
        return min(1.0, retries[0] - now) if retries else 1.0

    def _finished(self, task_id: int) -> None:
        self._running.pop(task_id, None)
        self._wake.set()

    def _release(self) -> None:
        """The handler is done: its worker slot is free while its outcome is written.

        The next lease is submitted to the store's single writer after this task's
        complete/retry/bury, so it already sees the chat's next task promoted.
        """
        self._active -= 1
        self._wake.set()

    async def _run(self, task: Task) -> None:
        handler = self.handlers.get(task.kind)
        if handler is None:
            self._release()
            await self.store.tasks.bury(task.id, f"no handler for task kind '{task.kind}'")
            return
        try:
            await handler(task)
        except asyncio.CancelledError:
            self._release()
            # Stopping: give the task back so it runs again on the next start.
            await asyncio.shield(self.store.tasks.retry(task.id, time.time(), "interrupted by shutdown"))
            raise
        except (PermanentError, ConfigError) as err:  # retrying cannot fix a wrong request or setup
            self._release()
            await self._bury(task, f"permanent error: {err}")
        except TransientError as err:
            self._release()
            await self._retry(task, err, err.retry_after)
        except Exception as err:
            self._release()
            await self._retry(task, err, None)
        else:
            self._release()
            await self.store.tasks.complete(task.id)

    async def _retry(self, task: Task, err: Exception, retry_after: float | None) -> None:
        attempts = task.attempts
        reason = self.scrub(f"{type(err).__name__}: {err}")
        if attempts >= self.policy.max_attempts:
            await self._bury(task, f"gave up after {attempts} attempts: {reason}")
            return
        delay = self.policy.delay(attempts, retry_after)
        _LOGGER.warning("Task %d (%s) failed, attempt %d; retrying in %.1f s: %s",
                        task.id, task.kind, attempts, delay, reason)
        due = time.time() + delay
        await self.store.tasks.retry(task.id, due, reason)
        heapq.heappush(self._retries, due)

    async def _bury(self, task: Task, reason: str) -> None:
        reason = self.scrub(reason)
        letter = await self.store.tasks.bury(task.id, reason)
        _LOGGER.error("Task %d (%s) moved to dead letters (#%s): %s", task.id, task.kind, letter, reason)

    async def stop(self, timeout: float) -> None:
        """Stop leasing; let running tasks finish up to timeout, then give the rest back."""
        self._accepting = False
        self._wake.set()
        if self._loop_task is not None:
            await asyncio.gather(self._loop_task, return_exceptions=True)
        running = list(self._running.values())
        if running:
            _done, pending = await asyncio.wait(running, timeout=timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
