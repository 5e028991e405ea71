"""What makes Roost lose nothing: the store, the task scheduler and outbox delivery, wired together."""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import voluptuous as vol

from core.crypto import Cipher, NullCipher, load_or_create
from core.delivery import DeliveryWorker
from core.errors import PermanentError, TransientError
from core.instance import InstanceLock, require_key_for
from core.message import Message
from core.run_cache import RunCache
from core.runs import (
    HELD_REPLIES,
    RUN_TASK,
    HeldReplies,
    ReplySweeper,
    decode_run,
    encode_run,
    message_extra,
    stored_message,
)
from core.scheduler import Completion, Scheduler
from core.store import InboxEntry, Store
from core.store.batching import BatchedLookup
from core.store.process import StoreProcessError
from core.store.tasks import Task

if TYPE_CHECKING:
    from core.automation.engine import RunRequest
    from core.gateway import Gateway

_LOGGER = logging.getLogger(__name__)

STORE_SCHEMA = vol.Schema(vol.Any(None, {
    vol.Optional("path", default="roost.db"): str,
    vol.Optional("encryption", default=True): bool,
    vol.Optional("synchronous", default="FULL"): vol.All(str, vol.Upper, vol.In(["FULL", "NORMAL"])),
    # process: SQLite writes run in a child process, beside the event loop (see core.store.process).
    vol.Optional("writer", default="process"): vol.In(["process", "thread"]),
    vol.Optional("trace_days", default=7.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("keep_days", default=7.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("traces_per_automation", default=100): vol.All(int, vol.Range(min=1)),
    vol.Optional("delivery_max_attempts", default=20): vol.All(int, vol.Range(min=1)),
}))


TRACE_FLUSH_SECONDS = 0.25


def _run_key(inbox_id: int, automation_id: str, trigger_index: int) -> str:
    """The idempotency key of the run a stored message started (the same on redispatch)."""
    return f"msg:{inbox_id}:{automation_id}:{trigger_index}"


def _request_key(inbox_id: int, request: RunRequest) -> str:
    return _run_key(inbox_id, request.automation.id, request.trigger.get("idx", 0))


def _chat_key(request: RunRequest) -> str:
    """The task's order key: queued mode keeps order per automation and chat; the other modes
    decide at run time, so their runs do not wait for each other."""
    automation = request.automation
    if automation.mode == "queued":
        return f"{automation.id}|{request.chat_key}"
    return f"{automation.id}|{request.chat_key}|{request.run_id}"


def open_cipher(config_dir: Path, encryption: bool, database: Path | None = None) -> Any:
    """The cipher for data at rest: AES-256-GCM with the device-bound key, or none.

    A new key is made only for a new database: an existing one without its key file is an error.
    """
    if not encryption:
        return NullCipher()
    if database is not None:
        require_key_for(config_dir, database)
    keyring = load_or_create(config_dir, os.environ.get("ROOST_PASSPHRASE") or None)
    return Cipher(keyring)


class Durability:
    """The gateway's durable path: inbox on ingest, tasks for runs, outbox for sends."""

    def __init__(self, gateway: Gateway, store_config: dict[str, Any], scheduler_config: dict[str, Any]) -> None:
        self.gateway = gateway
        self.config = store_config
        self.scheduler_config = scheduler_config
        self._lock: InstanceLock | None = None
        self.store: Store | None = None
        self.scheduler: Scheduler | None = None
        self.workers: dict[str, DeliveryWorker] = {}
        self._pending_writes: set[asyncio.Task[Any]] = set()
        self._done: list[int] = []
        self._ready = asyncio.Event()  # set once interrupted ingests are dispatched again
        self._runs = RunCache()  # first attempts run the request kept in memory
        self._messages: BatchedLookup[int, InboxEntry] | None = None  # inbox rows of runs rebuilt from the store
        self._traces: dict[str, collections.deque[Any]] = {}  # automation id -> newest finished traces
        self._trace_flush: asyncio.TimerHandle | None = None
        self._sweeper: ReplySweeper | None = None

    @property
    def path(self) -> Path:
        """The database file."""
        path = Path(self.config["path"]).expanduser()
        return path if path.is_absolute() else self.gateway.config_dir / path

    async def open(self) -> None:
        """Open the key and the database (before integrations set up: they may keep state)."""
        self._lock = InstanceLock(self.gateway.config_dir)
        self._lock.acquire()  # one gateway per configuration: recovery assumes no other writer
        cipher = await asyncio.to_thread(open_cipher, self.gateway.config_dir, self.config["encryption"], self.path)
        try:
            self.store = await Store.open(self.path, cipher, synchronous=self.config["synchronous"],
                                          writer=self.config["writer"])
        except StoreProcessError as err:  # e.g. no way to start a child here: slower, still durable
            _LOGGER.warning("%s; writing from a thread of this process instead", err)
            self.store = await Store.open(self.path, cipher, synchronous=self.config["synchronous"])
        self._messages = BatchedLookup(self.store.inbox.get_many)
        self.scheduler = Scheduler(self.store, self.scheduler_config, self.gateway.scrub)
        self.scheduler.register(RUN_TASK, self._run_task)
        self.scheduler.payload_known = self._runs  # first attempts run the request kept in memory

    async def start(self) -> None:
        """Start delivery for every channel, then the scheduler, then finish interrupted ingests."""
        assert self.store is not None and self.scheduler is not None
        reset = await self.store.outbox.reset_sending()
        if reset:
            _LOGGER.info("%d replies were being sent when Roost stopped; they are pending again", reset)
        policy = self.scheduler.policy
        for platform, channel in self.gateway.channels.items():
            worker = DeliveryWorker(self.store, channel, policy, scrub=self.gateway.scrub,
                                    max_attempts=self.config["delivery_max_attempts"],
                                    on_sent=self._sent)
            self.workers[platform] = worker
            worker.start()
        # Runs are the only tasks and take their automation's priority. When every automation
        # has the same one, leasing runs ahead of free workers cannot change which priority
        # goes first (see Scheduler._lease_loop); with mixed priorities leases wait for a worker.
        priorities = {a.priority for a in self.gateway.engine.automations.values()}
        self.scheduler.lease_ahead_floor = priorities.pop() if len(priorities) == 1 else None
        await self.scheduler.start()
        # Messages stored before the last stop but never turned into tasks are dispatched once
        # the automations are attached (gateway_started); ingest waits for that, so a chat's
        # older message is always queued before its newer ones.
        self.gateway.bus.listen_once("gateway_started", self._on_started)
        self.gateway.create_background_task(self._prune_loop(), "trace pruning")

    def _on_started(self, _event: Any) -> None:
        self.gateway.create_background_task(self._resume(), "redispatch")

    async def _resume(self) -> None:
        try:
            await self._redispatch()
        except Exception:
            _LOGGER.exception("Dispatching messages stored before the last stop failed")
        finally:
            self._ready.set()

    def _keep(self, coro: Any) -> None:
        """Run a write in the background; close() waits for it (stop does not cancel it)."""
        task = self.gateway.create_background_task(coro, "store write", keep=False)
        self._pending_writes.add(task)
        task.add_done_callback(self._pending_writes.discard)

    async def _redispatch(self) -> None:
        """Queue the runs of stored messages not marked done: those whose task was never written.

        A message's runs have keys msg:<inbox id>:<automation>:<trigger>; runs already queued
        before the stop are left alone (not triggered again, so not counted twice by the
        automation's mode).
        """
        assert self.store is not None
        engine = self.gateway.engine
        entries = await self.store.inbox.pending()
        queued = 0
        for entry in entries:
            message = stored_message(entry)
            prefix = f"msg:{entry.id}:"
            existing = {row[0] for row in await self.store.db.fetchall(
                "SELECT idempotency_key FROM tasks WHERE idempotency_key >= ? AND idempotency_key < ?",
                (prefix, prefix[:-1] + ";"),
            )}
            for trigger, variables in engine.message_index.match(message):
                key = _run_key(entry.id, trigger.automation.id, variables.get("idx", 0))
                if key in existing:
                    continue
                request = engine.trigger(trigger.automation, variables, message, dispatch=False)
                if request is not None:
                    await self.enqueue_run(request, key, inbox_id=entry.id)
                    queued += 1
            self._mark_done(entry.id)
        if queued:
            _LOGGER.info("Queued %d runs of messages that arrived before the last stop", queued)

    async def ingest(self, message: Message) -> bool:
        """Store the message and the runs it triggers durably, in one write; False for a redelivery.

        The runs are prepared (matched, conditions checked, admitted by their mode) before the
        write and announced after it; for a redelivery nothing is written and they are abandoned.
        """
        store = self.store
        assert store is not None and self.scheduler is not None
        if not self._ready.is_set():
            await self._ready.wait()
        extra = message_extra(message)
        inbox_id = store.db.ids.take("inbox") or await store.inbox.new_id()
        engine = self.gateway.engine
        items = engine.prepare_message(message)
        requests = [request for request, _ in items if request is not None]
        payloads = [encode_run(request, message_stored=True) for request in requests]
        stored = None
        try:
            tasks = [
                await store.tasks.prepare(
                    RUN_TASK, payload, priority=request.automation.priority,
                    chat_key=_chat_key(request), lane=request.automation.lane,
                    idempotency_key=_request_key(inbox_id, request), inbox_id=inbox_id,
                )
                for request, payload in zip(requests, payloads, strict=True)
            ]
            stored = await store.inbox.receive(
                message.platform, message.id, message.chat_id, message.sender, message.text, extra,
                message.time, tasks=tasks, id=inbox_id,
            )
        finally:
            if stored is None:  # a redelivery, or the write failed: these runs will not happen
                for request in requests:
                    engine.abandon(request)
        if stored is None:
            return False
        if tasks:
            keep = self._runs.keep
            for task, request, payload in zip(tasks, requests, payloads, strict=True):
                keep(task.id, request, payload)
            self.scheduler.wake()
        engine.start_message(items)
        return True

    def _mark_done(self, inbox_id: int) -> None:
        """Mark a dispatched message done, in one background write per loop turn.

        The runs are durable tasks already; a mark lost in a crash only means the message is
        dispatched again on the next start, where the runs' idempotency keys find the tasks.
        """
        if not self._done:
            asyncio.get_running_loop().call_soon(self._flush_done)
        self._done.append(inbox_id)

    def _flush_done(self) -> None:
        ids, self._done = self._done, []
        if ids and self.store is not None:
            self._keep(self.store.inbox.mark_many(ids, "done"))

    def dispatch_later(self, request: RunRequest) -> None:
        """Queue a run from a synchronous trigger (event, schedule, startup)."""
        self._keep(self.enqueue_run(request, None, remember=True))

    async def enqueue_run(self, request: RunRequest, idempotency_key: str | None, *,
                          remember: bool = False, inbox_id: int | None = None) -> int:
        """Queue an automation run as a durable task with the automation's priority.

        remember: the task is certainly new (its key was never used), so its first run may
        take the request from memory instead of decoding the stored payload.
        inbox_id: the stored message the run answers (the payload then leaves it out).
        """
        assert self.scheduler is not None
        automation = request.automation
        payload = encode_run(request, message_stored=inbox_id is not None)
        task_id = await self.scheduler.enqueue(
            RUN_TASK, payload, priority=automation.priority, chat_key=_chat_key(request),
            lane=automation.lane, idempotency_key=idempotency_key, inbox_id=inbox_id,
        )
        if remember:
            self._runs.keep(task_id, request, payload)
        return task_id

    async def _run_task(self, task: Task) -> Completion:
        """Run an automation-run task; its replies are written with its completion (HeldReplies)."""
        assert self.store is not None
        # The first attempt in this process runs the request it was queued with; a retry, or a
        # task from before a restart, is rebuilt from its durable payload.
        request = self._runs.take(task.id, self.gateway.engine)
        if request is None or task.attempts != 1:
            request = await self._rebuild(task)
        if self._sweeper is None:
            self._sweeper = ReplySweeper(asyncio.get_running_loop())
        held = HeldReplies(self.store.outbox, self._wake_delivery, self._sweeper)
        token = HELD_REPLIES.set(held)
        try:
            # The scheduler runs a queued automation's runs one at a time per chat, in order.
            await self.gateway.engine.execute(request, ordered=True)
        except BaseException:
            await asyncio.shield(held.flush())  # what the run sent stays sent
            raise
        finally:
            HELD_REPLIES.reset(token)
        if request.error is not None:
            await held.flush()
            if not isinstance(request.error, TransientError):
                await self._tell_failure(request)
            raise request.error
        return held.complete

    async def _rebuild(self, task: Task) -> RunRequest:
        """The run request of a task, from its payload and (when the payload leaves it out) its inbox row."""
        if not task.payload:  # leased as "held in memory", but no longer is (closing)
            raise TransientError("the run's request was not at hand; it runs again from the store")
        message = None
        if task.inbox_id is not None:
            assert self._messages is not None
            entry = await self._messages.get(task.inbox_id)
            if entry is None:
                raise PermanentError(
                    f"the message this run answers (inbox row {task.inbox_id}) is no longer stored"
                    " or cannot be read")
            message = stored_message(entry)
        request = decode_run(task.payload, self.gateway.engine, message)
        if request is None:
            raise PermanentError("the automation of this run no longer exists")
        return request

    async def _tell_failure(self, request: RunRequest) -> None:
        """A run that failed for good says so in its chat (once), instead of going silent."""
        message = request.message
        text = self.gateway.config.core.get("failure_reply", "")
        if message is None or not text or message.platform not in self.gateway.channels:
            return
        try:
            await self.gateway.send(
                message.platform, message.chat_id, text.format(run=request.run_id[:8]),
                reply_to=message.id, idempotency_key=f"{request.run_id}:failed",
            )
        except Exception:  # telling about a failure must not hide the failure itself
            _LOGGER.exception("Could not tell chat %s that run %s failed", message.chat_key, request.run_id)

    async def send(self, platform: str, chat_id: str, text: str, idempotency_key: str,
                   priority: int = 0, *, reply_to: str | None = None) -> str:
        """Put a reply in the outbox and wake the channel's delivery (higher priority first).

        Outside a task run the entry is durable when this returns. Inside one it is held and
        written with the task's completion (see HeldReplies): the run is at-least-once, so a
        crash before that commit runs it again and queues the reply again. The reference names
        the entry's id (for a held reply whose key is already stored, the stored entry wins).
        reply_to: the platform message id the reply answers (the channel threads it).
        """
        store = self.store
        assert store is not None
        held = HELD_REPLIES.get()
        if held is not None and not held.closed and held.outbox is store.outbox:
            entry = await store.outbox.prepare(platform, chat_id, text, idempotency_key,
                                               priority=priority, reply_to=reply_to)
            held.hold(entry)
            worker = self.workers.get(platform)
            if worker is not None:
                worker.remember(entry.id, text)  # a fresh id: its row will hold exactly this text
            return f"outbox:{entry.id}"
        entry_id = await store.outbox.add(platform, chat_id, text, idempotency_key,
                                          priority=priority, reply_to=reply_to)
        self._wake_delivery(platform, priority)
        return f"outbox:{entry_id}"

    def _wake_delivery(self, platform: str, priority: int) -> None:
        worker = self.workers.get(platform)
        if worker is not None:
            worker.wake(priority)

    async def record_delivered(self, platform: str, chat_id: str, text: str, idempotency_key: str,
                               platform_id: str) -> None:
        """Record an answer that was streamed straight to its channel."""
        assert self.store is not None
        await self.store.outbox.record_delivered(platform, chat_id, text, idempotency_key, platform_id)

    async def already_sent(self, idempotency_key: str) -> bool:
        """True when the outbox holds an entry with this idempotency key (or this run holds it)."""
        assert self.store is not None
        held = HELD_REPLIES.get()
        if held is not None and held.holds(idempotency_key):
            return True
        return await self.store.outbox.find(idempotency_key) is not None

    def _sent(self, entry: Any, platform_id: str) -> None:
        self.gateway.bus.fire("message_sent", {"platform": entry.platform, "chat_id": entry.chat_id,
                                               "message_id": platform_id, "outbox_id": entry.id})

    def channel_state(self, platform: str, online: bool) -> None:
        """A channel went online or offline: wake its delivery when it is back."""
        worker = self.workers.get(platform)
        if worker is not None and online:
            worker.wake()

    def keep_trace(self, trace: Any) -> None:
        """Store a finished trace soon, in the background (sanitized by the trace's scrub).

        Traces are gathered for a moment and only the newest traces_per_automation of each
        automation are kept and written: older ones would fall to the retention anyway (and
        are let go at once, not held until the next write).
        """
        if self.store is None:
            return
        kept = self._traces.get(trace.automation_id)
        if kept is None:
            kept = self._traces[trace.automation_id] = collections.deque(
                maxlen=self.config["traces_per_automation"])
        kept.append(trace)
        if self._trace_flush is None:
            self._trace_flush = self.gateway.loop.call_later(TRACE_FLUSH_SECONDS, self._flush_traces)

    def _flush_traces(self) -> None:
        if self._trace_flush is not None:
            self._trace_flush.cancel()
            self._trace_flush = None
        traces, self._traces = self._traces, {}
        if self.store is None:
            return
        for kept in traces.values():
            for trace in kept:
                self._keep(self.store.traces.add(trace.automation_id, trace.run_id, trace.started,
                                                 trace.finished, trace.status, trace.as_dict()))

    async def idle(self, platform: str | None = None, chat_id: str | None = None) -> bool:
        """True when nothing is queued, running or waiting to be sent to an online channel.

        With platform and chat_id: only what is owed to that chat counts (its runs, its
        replies), so work for other chats, such as a reply to a channel that keeps failing,
        does not count.
        """
        assert self.store is not None and self.scheduler is not None
        if self._traces or self._done:
            self._flush_traces()
            self._flush_done()
            return False
        if self._pending_writes:
            return False
        if platform is not None and chat_id is not None:
            return await self._chat_idle(platform, chat_id)
        if self.scheduler.busy or any(w.busy for w in self.workers.values()):
            return False
        if await self.store.tasks.open_count():
            return False
        for name, worker in self.workers.items():
            if worker._online() and await self.store.outbox.pending_count(name):
                return False
        return True

    async def _chat_idle(self, platform: str, chat_id: str) -> bool:
        assert self.store is not None
        if await self.store.tasks.open_count(key_part=f"{platform}:{chat_id}"):
            return False  # a run for this chat is queued or running
        worker = self.workers.get(platform)
        if worker is None or not worker._online():
            return True  # replies wait in the store for the channel
        return not worker.busy and not await self.store.outbox.pending_count(platform, chat_id)

    async def _prune_loop(self) -> None:
        """Hourly: drop old traces, finished tasks, delivered replies and handled messages, so roost.db stays small."""
        assert self.store is not None
        while True:
            try:
                await self.store.traces.prune(
                    self.config["traces_per_automation"], time.time() - self.config["trace_days"] * 86400,
                )
                kept = self.config["keep_days"] * 86400
                await self.store.tasks.prune(kept)
                await self.store.outbox.prune(kept)
                await self.store.inbox.prune(kept)
            except Exception:
                _LOGGER.exception("Pruning the store failed")
            await asyncio.sleep(3600)

    async def stop(self, timeout: float) -> None:
        """Stop running tasks (unfinished ones run again next start), then stop delivery."""
        if self.scheduler is not None:
            await self.scheduler.stop(timeout)
        for worker in self.workers.values():
            await worker.stop()

    async def close(self) -> None:
        """Wait for background writes and close the database."""
        if self._sweeper is not None:
            self._sweeper.stop()
        self._flush_traces()
        self._flush_done()
        self._runs.clear()
        if self._pending_writes:
            await asyncio.gather(*self._pending_writes, return_exceptions=True)
        if self.store is not None:
            await self.store.close()
        if self._lock is not None:
            self._lock.release()

