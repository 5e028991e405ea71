"""The scheduler: leases durable tasks by priority then turn, one at a time per chat, within limits.

A task that takes Roost down each time it runs (an abort in a model's native code, the kernel killing Roost for its
memory) must not take it down forever under a service manager that starts it again. Each lease counts an attempt,
and a start finds the tasks that were running when Roost ended still leased. Once a task has been running at
max_attempts of its failures and ends of Roost, it gets one more attempt, alone: the tasks run with it would
otherwise be counted with it. If Roost ends during that run too, the next start gives it up (a dead letter, its
chat told). A stop is no failed attempt: its running tasks are given back uncounted.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import heapq
import logging
import time
from collections.abc import Awaitable, Callable, Container
from typing import Any, Protocol

import voluptuous as vol

from core.pipeline.retry import EndedMidRun, RetryPolicy, Verdict, describe
from core.store.errors import WriteAbortedError
from core.store.tasks import Lease, Task, TaskQueue
from core.validation import removed

_LOGGER = logging.getLogger(__name__)

SCHEDULER_SCHEMA = vol.Schema(vol.All(
    removed("lease_seconds", section="scheduler", why="a run holds its task until it ends, and a start runs"
            " again every run a crash left unfinished"),
    vol.Any(None, {
        vol.Optional("workers", default=8): vol.All(int, vol.Range(min=1, max=256)),
        vol.Optional("lanes", default=dict): {str: vol.All(int, vol.Range(min=1))},
        vol.Optional("max_attempts", default=5): vol.All(int, vol.Range(min=1)),
        vol.Optional("backoff_base", default=1.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
        vol.Optional("backoff_max", default=300.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    }),
))

Completion = Callable[[int], Awaitable[Any]]
"""Completes a task by its id together with the handler's last writes (one commit for both)."""
LEASES_IN_FLIGHT = 2
"""Lease requests out at once (each waits for a commit)."""
ALONE_SECONDS = 30.0
"""How long a task's last attempt runs alone before the others start beside it (a crash comes soon, or not)."""


class TaskHandler(Protocol):
    """Runs the tasks of one kind."""

    async def run(self, task: Task) -> Completion | None:
        """Run a task; return None (the scheduler marks it done) or a Completion; raise to fail."""
        ...

    async def failed(self, task: Task, error: BaseException, verdict: Verdict) -> None:
        """A run of the task failed; the verdict says whether it is retried or buried."""
        ...


class Scheduler:
    """Leases due tasks from the store and runs them with a handler per task kind."""

    def __init__(self, tasks: TaskQueue, config: dict[str, Any], scrub: Callable[[str], str],
                 on_ended: Callable[[], None] = lambda: None) -> None:
        self.tasks = tasks
        self.on_ended = on_ended  # a task's outcome (done, retry, buried) is written
        self.workers: int = config["workers"]
        self.lanes: dict[str, int] = dict(config["lanes"])
        self.policy = RetryPolicy(config["backoff_base"], config["backoff_max"], config["max_attempts"])
        self.scrub = scrub
        self.handlers: dict[str, TaskHandler] = {}
        self._running: dict[int, asyncio.Task[None]] = {}
        self._active = 0  # handlers running now (a finished one's bookkeeping write no longer counts)
        self._leasing = 0  # tasks asked for by lease requests not answered yet
        self._ready: collections.deque[Task] = collections.deque()  # leased ahead, waiting for a worker
        self._lease_calls: set[asyncio.Future[Lease]] = set()
        # The last lease left nothing queued and nothing was queued since: a finished task (which
        # only frees a worker) needs no lease. A lone chat message made six store round trips
        # (inbox, three leases, completion, delivery); without the two empty leases, and with its
        # lease carried by the message's write (lease_now), it makes three.
        self._drained = False
        self._wakes = 0  # wake() calls so far: a lease sent before the latest one cannot say drained
        self._paused_until = 0.0  # after a failed lease, wait a moment before the next
        self._retries: list[float] = []  # due times of retries this scheduler set (a heap)
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._accepting = True
        self._alone = False  # a task's last attempt runs alone: nothing else is leased
        self.payload_known: Container[int] = ()
        """Ids of tasks whose payload the handler holds in memory (not decrypted on their first lease)."""
        self.lease_ahead_floor: int | None = None
        """The highest priority a task can have, if known: tasks of it may be leased ahead."""

    def register(self, kind: str, handler: TaskHandler) -> None:
        """Run tasks of kind with handler."""
        self.handlers[kind] = handler

    def wake(self) -> None:
        """Look for work now (a task was queued)."""
        self._wakes += 1
        self._drained = False
        self._wake.set()

    def lease_now(self) -> None:
        """A task was just submitted for writing: lease for the free workers in the same transaction.

        A lease submitted right after the write that queues a message's task commits with it, so
        the task starts when that commit returns instead of one store round trip later.
        """
        self._wakes += 1
        self._drained = False
        free = self.workers - self._held
        if free > 0 and self._accepting and self._may_lease():
            self._lease(free, None)
        else:
            self._wake.set()  # the loop decides (leasing ahead, or when a request comes back)

    def wake_at(self, when: float) -> None:
        """Look for work at epoch time when (a task was queued to be due then)."""
        heapq.heappush(self._retries, when)
        self.wake()

    @property
    def busy(self) -> bool:
        """True while tasks are running or their outcome is being recorded (or being leased)."""
        return bool(self._running or self._lease_calls or self._ready)

    async def start(self) -> None:
        """Give up the tasks Roost ended on the attempt they ran alone, recover the others, then start leasing
        (first the last attempts, alone)."""
        for task in await self.tasks.left_leased(self.policy.max_attempts + 1):
            handler = self.handlers.get(task.kind)
            if handler is not None:  # else buried once leased, as any task of a kind no one runs
                await self._failed(handler, task, EndedMidRun())
        recovered = await self.tasks.recover_leased()
        if recovered:
            _LOGGER.info("Recovered %d interrupted tasks; they run again", recovered)
        self._loop_task = asyncio.get_running_loop().create_task(self._lease_loop(), name="scheduler")

    async def _last_attempts(self) -> None:
        """Run alone, one at a time, each task that has used its attempts but for one (see the module's docstring),
        for ALONE_SECONDS at most."""
        self._alone = True
        loop = asyncio.get_running_loop()
        try:
            while self._accepting and (task := await self.tasks.lease_alone(time.time(),
                                                                            self.policy.max_attempts)) is not None:
                _LOGGER.warning("Task %d (%s) was running when Roost last ended, after %d attempts; it gets one more,"
                                " alone: if Roost ends during it too, it is given up", task.id, task.kind,
                                task.attempts - 1)
                self._ready.append(task)
                self._start_ready()
                deadline = loop.time() + ALONE_SECONDS
                while task.id in self._running and self._accepting and loop.time() < deadline:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(deadline - loop.time()):
                            await self._wake.wait()  # set when a task ends, and at a stop
                if task.id in self._running:
                    return
        except Exception as err:  # the store is failing (a full disk): the normal leases take those tasks
            _LOGGER.warning("Running the last attempts alone failed: %s", err)
        finally:
            self._alone = False
            self._drained = False

    async def _lease_loop(self) -> None:
        """Ask for tasks whenever worker slots are free, without waiting for earlier requests.

        A lease is a write, so it returns after a commit; waiting for it only once a worker is
        free leaves every worker idle for a commit after each burst of finished tasks. So up
        to LEASES_IN_FLIGHT requests are out at once, and when ``lease_ahead_floor`` is set,
        up to ``workers`` more tasks of at least that priority are leased ahead: they wait
        (by priority, then turn) and start the moment a worker is free. The floor is the
        highest priority any task can have, so no task queued later could have gone first.
        Only a chat's oldest open task can be leased, so leasing ahead never lets a chat's
        tasks overlap; lanes count tasks leased ahead against their capacity. Once a lease left
        nothing queued, freed workers ask for nothing until a task is queued (``wake``), a retry
        is due, or the once-a-second look.
        """
        await self._last_attempts()
        while self._accepting:
            self._wake.clear()  # before leasing: a task queued meanwhile sets it again
            if self._may_lease():
                held = self._held
                if held < self.workers:
                    self._lease(self.workers - held, None)
                elif self.lease_ahead_floor is not None and held < 2 * self.workers:
                    self._lease(2 * self.workers - held, self.lease_ahead_floor)
            try:
                async with asyncio.timeout(self._idle_wait()):
                    await self._wake.wait()
            except TimeoutError:
                self._drained = False  # a retry is due, or the once-a-second look (another process may queue)
        if self._lease_calls:
            await asyncio.gather(*self._lease_calls, return_exceptions=True)

    @property
    def _held(self) -> int:
        """Worker slots taken: running handlers, tasks leased ahead, tasks asked for."""
        return self._active + len(self._ready) + self._leasing

    def _may_lease(self) -> bool:
        """Something may be leasable, a request may go out, and no failed lease is being waited out."""
        return (not self._drained and not self._alone and len(self._lease_calls) < LEASES_IN_FLIGHT
                and time.monotonic() >= self._paused_until)

    def _lease(self, count: int, min_priority: int | None) -> None:
        self._leasing += count
        call = asyncio.ensure_future(self.tasks.lease(
            time.time(), count, lanes_capacity=self.lanes or None,
            payload_known=self.payload_known, min_priority=min_priority,
        ))
        self._lease_calls.add(call)
        call.add_done_callback(lambda done, wakes=self._wakes: self._leased(done, count, wakes))

    def _leased(self, call: asyncio.Future[Lease], count: int, wakes: int) -> None:
        """A lease request answered: start its tasks."""
        self._lease_calls.discard(call)
        self._leasing -= count
        if call.cancelled():
            return
        error = call.exception()
        if error is not None:  # a lost write group the store has logged (a full disk: once, then every 10 min)
            log = _LOGGER.debug if isinstance(error, WriteAbortedError) else _LOGGER.error
            log("Leasing tasks failed; trying again shortly: %s", error)
            self._paused_until = time.monotonic() + 1.0
            self._wake.set()
            return
        tasks = call.result()
        if tasks.drained and wakes == self._wakes:
            self._drained = True
        self._ready.extend(tasks)
        if len(self._ready) > len(tasks):  # keep the order: priority, then turn (a lease's order; sorted is stable)
            self._ready = collections.deque(sorted(self._ready, key=lambda t: -t.priority))
        self._start_ready()
        if len(tasks) >= count:
            self._wake.set()  # there may be more: ask again for the slots still free

    def _start_ready(self) -> None:
        """Start leased tasks while workers are free; when stopping, give back the ones left over."""
        ready = self._ready
        loop = asyncio.get_running_loop()
        while ready and self._active < self.workers:
            task = ready.popleft()
            self._active += 1
            runner = loop.create_task(self._run(task), name=f"task {task.id}")
            self._running[task.id] = runner
            runner.add_done_callback(lambda _t, tid=task.id: self._finished(tid))
        if not self._accepting and ready:
            # Leased ahead, never started: back to the queue (attempt not counted), run next start.
            ids = [task.id for task in ready]
            ready.clear()
            back = loop.create_task(self.tasks.unlease(ids))
            self._running[-ids[0]] = back  # stop() waits for it like for a running task
            back.add_done_callback(lambda _t, key=-ids[0]: self._running.pop(key, None))

    def _idle_wait(self) -> float:
        """Seconds to sleep when nothing is leasable: until the next retry this scheduler set, at most 1 s.

        Tasks queued from elsewhere wake the loop through wake(); a dead letter put back by
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
        self.on_ended()

    def _release(self) -> None:
        """The handler is done: its worker slot is free while its outcome is written.

        The next lease is submitted to the store's single writer after this task's
        complete/retry/bury, so it already sees the chat's next task promoted.
        """
        self._active -= 1
        if self._ready:
            self._start_ready()
        self._wake.set()

    async def _run(self, task: Task) -> None:
        handler = self.handlers.get(task.kind)
        if handler is None:
            self._release()
            await self.tasks.bury(task.id, f"no handler for task kind '{task.kind}'")
            return
        try:
            finish = await handler.run(task)
        except asyncio.CancelledError:
            self._release()
            # Stopping: give the task back so it runs again on the next start (a stop is no failed attempt).
            await asyncio.shield(self.tasks.unlease([task.id]))
            raise
        except Exception as err:
            self._release()
            await self._failed(handler, task, err)
            return
        self._release()
        try:
            if finish is None:
                await self.tasks.complete(task.id)
            else:
                await finish(task.id)
        except Exception as err:  # the outcome was not stored: the task is still leased
            _LOGGER.warning("Task %d (%s) finished but could not be marked done: %s",
                            task.id, task.kind, self.scrub(describe(err)))
            await self._failed(handler, task, err)

    async def _failed(self, handler: TaskHandler, task: Task, err: Exception) -> None:
        verdict = self.policy.decide(err, task.attempts)
        reason = self.scrub(verdict.reason)
        await handler.failed(task, err, verdict)
        if verdict.bury and not verdict.letter:  # its chat was told, its trace keeps it: nothing to retry
            await self.tasks.complete(task.id)
            _LOGGER.warning("Task %d (%s) failed; not retried, no dead letter: %s", task.id, task.kind, reason)
            return
        if verdict.bury:
            letter = await self.tasks.bury(task.id, reason)
            _LOGGER.error("Task %d (%s) moved to dead letters (#%s): %s", task.id, task.kind, letter, reason)
            return
        assert verdict.delay is not None
        _LOGGER.warning("Task %d (%s) failed, attempt %d; retrying in %.1f s: %s",
                        task.id, task.kind, task.attempts, verdict.delay, reason)
        due = time.time() + verdict.delay
        await self.tasks.retry(task.id, due, reason)
        self.wake_at(due)

    async def stop(self, timeout: float) -> None:
        """Stop leasing; let running tasks finish up to timeout, then give the rest back."""
        self._accepting = False
        self._wake.set()
        if self._loop_task is not None:
            await asyncio.gather(self._loop_task, return_exceptions=True)
        self._start_ready()  # gives back what was leased ahead
        running = list(self._running.values())
        if running:
            _done, pending = await asyncio.wait(running, timeout=timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
