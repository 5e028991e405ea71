"""What makes Roost lose nothing: the store, the task scheduler and outbox delivery, wired together."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import voluptuous as vol

from core.crypto import Cipher, NullCipher, load_or_create
from core.delivery import DeliveryWorker
from core.errors import PermanentError
from core.message import Message
from core.runs import RUN_TASK, decode_run, encode_run, jsonable
from core.scheduler import Scheduler
from core.store import Store
from core.store.tasks import Task

if TYPE_CHECKING:
    from core.automation.engine import RunRequest
    from core.gateway import Gateway

_LOGGER = logging.getLogger(__name__)

STORE_SCHEMA = vol.Schema(vol.Any(None, {
    vol.Optional("path", default="roost.db"): str,
    vol.Optional("encryption", default=True): bool,
    vol.Optional("synchronous", default="FULL"): vol.All(str, vol.Upper, vol.In(["FULL", "NORMAL"])),
    vol.Optional("trace_days", default=7.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("traces_per_automation", default=100): vol.All(int, vol.Range(min=1)),
    vol.Optional("delivery_max_attempts", default=20): vol.All(int, vol.Range(min=1)),
}))


RUN_CACHE_SIZE = 10_000
"""Run requests kept in memory for their first attempt (beyond that, payloads are decoded)."""
TRACE_FLUSH_SECONDS = 0.25


def _run_key(inbox_id: int, automation_id: str, trigger_index: int) -> str:
    """The idempotency key of the run a stored message started (the same on redispatch)."""
    return f"msg:{inbox_id}:{automation_id}:{trigger_index}"


def _request_key(inbox_id: int, request: RunRequest) -> str:
    return _run_key(inbox_id, request.automation.id, request.trigger.get("idx", 0))


def open_cipher(config_dir: Path, encryption: bool) -> Any:
    """The cipher for data at rest: AES-256-GCM with the device-bound key, or none."""
    if not encryption:
        return NullCipher()
    keyring = load_or_create(config_dir, os.environ.get("ROOST_PASSPHRASE") or None)
    return Cipher(keyring)


class Durability:
    """The gateway's durable path: inbox on ingest, tasks for runs, outbox for sends."""

    def __init__(self, gateway: Gateway, store_config: dict[str, Any], scheduler_config: dict[str, Any]) -> None:
        self.gateway = gateway
        self.config = store_config
        self.scheduler_config = scheduler_config
        self.store: Store | None = None
        self.scheduler: Scheduler | None = None
        self.workers: dict[str, DeliveryWorker] = {}
        self._pending_writes: set[asyncio.Task[Any]] = set()
        self._done: list[int] = []
        self._ready = asyncio.Event()  # set once interrupted ingests are dispatched again
        self._runs: dict[int, RunRequest] = {}
        self._traces: list[Any] = []
        self._trace_flush: asyncio.TimerHandle | None = None

    @property
    def path(self) -> Path:
        """The database file."""
        path = Path(self.config["path"]).expanduser()
        return path if path.is_absolute() else self.gateway.config_dir / path

    async def open(self) -> None:
        """Open the key and the database (before integrations set up: they may keep state)."""
        cipher = await asyncio.to_thread(open_cipher, self.gateway.config_dir, self.config["encryption"])
        self.store = await Store.open(self.path, cipher, synchronous=self.config["synchronous"])
        self.scheduler = Scheduler(self.store, self.scheduler_config, self.gateway.scrub)
        self.scheduler.register(RUN_TASK, self._run_task)

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
            extra = orjson.loads(entry.raw) if entry.raw else {}
            message = Message(
                platform=entry.platform, chat_id=entry.chat_id, sender=entry.sender, text=entry.text,
                id=entry.platform_msg_id, time=entry.received_at, reply_to=extra.get("reply_to"),
                mentions_bot=extra.get("mentions_bot", False), command=extra.get("command"),
                args=tuple(extra.get("args") or ()), raw=extra.get("raw"),
            )
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
                    await self.enqueue_run(request, key)
                    queued += 1
            self._mark_done(entry.id)
        if queued:
            _LOGGER.info("Queued %d runs of messages that arrived before the last stop", queued)

    async def ingest(self, message: Message) -> bool:
        """Store the message durably, then queue the runs it triggers; False for a redelivery."""
        assert self.store is not None
        if not self._ready.is_set():
            await self._ready.wait()
        extra = orjson.dumps({
            "reply_to": message.reply_to, "mentions_bot": message.mentions_bot,
            "command": message.command, "args": list(message.args), "raw": jsonable(message.raw),
        })
        entry = await self.store.inbox.add(
            message.platform, message.id, message.chat_id, message.sender, message.text, extra, message.time,
        )
        if entry is None:
            return False
        await self._dispatch(entry.id, message)
        return True

    async def _dispatch(self, inbox_id: int, message: Message) -> None:
        assert self.store is not None
        requests = self.gateway.engine.handle_message(message, dispatch=False)
        # The message was just stored, so its run keys are new: the first run may use the request.
        if len(requests) == 1:
            await self.enqueue_run(requests[0], _request_key(inbox_id, requests[0]), remember=True)
        elif requests:
            await asyncio.gather(*(self.enqueue_run(r, _request_key(inbox_id, r), remember=True)
                                   for r in requests))
        self._mark_done(inbox_id)

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
                          remember: bool = False) -> int:
        """Queue an automation run as a durable task with the automation's priority.

        remember: the task is certainly new (its key was never used), so its first run may
        take the request from memory instead of decoding the stored payload.
        """
        assert self.scheduler is not None
        automation = request.automation
        chat = request.chat_key
        # queued mode keeps order per automation and chat; the other modes decide at run time.
        chat_key = f"{automation.id}|{chat}" if automation.mode == "queued" else f"{automation.id}|{chat}|{request.run_id}"
        task_id = await self.scheduler.enqueue(
            RUN_TASK, encode_run(request), priority=automation.priority, chat_key=chat_key,
            lane=automation.lane, idempotency_key=idempotency_key,
        )
        if remember and len(self._runs) < RUN_CACHE_SIZE:
            self._runs[task_id] = request
        return task_id

    async def _run_task(self, task: Task) -> None:
        # The first attempt in this process runs the request it was queued with; a retry, or a
        # task from before a restart, is rebuilt from its durable payload.
        request = self._runs.pop(task.id, None)
        if request is None or task.attempts != 1:
            request = decode_run(task.payload, self.gateway.engine)
        if request is None:
            raise PermanentError("the automation of this run no longer exists")
        await self.gateway.engine.execute(request)
        if request.error is not None:
            raise request.error

    async def send(self, platform: str, chat_id: str, text: str, idempotency_key: str,
                   priority: int = 0) -> str:
        """Put a reply in the outbox (durably) and wake the channel's delivery (higher priority first)."""
        assert self.store is not None
        entry_id = await self.store.outbox.add(platform, chat_id, text, idempotency_key, priority=priority)
        worker = self.workers.get(platform)
        if worker is not None:
            worker.wake(priority)
        return f"outbox:{entry_id}"

    async def record_delivered(self, platform: str, chat_id: str, text: str, idempotency_key: str,
                               platform_id: str) -> None:
        """Record an answer that was streamed straight to its channel."""
        assert self.store is not None
        await self.store.outbox.record_delivered(platform, chat_id, text, idempotency_key, platform_id)

    async def already_sent(self, idempotency_key: str) -> bool:
        """True when the outbox holds an entry with this idempotency key."""
        assert self.store is not None
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
        automation are written: older ones would fall to the retention anyway.
        """
        if self.store is None:
            return
        self._traces.append(trace)
        if self._trace_flush is None:
            self._trace_flush = self.gateway.loop.call_later(TRACE_FLUSH_SECONDS, self._flush_traces)

    def _flush_traces(self) -> None:
        if self._trace_flush is not None:
            self._trace_flush.cancel()
            self._trace_flush = None
        traces, self._traces = self._traces, []
        if self.store is None:
            return
        keep = self.config["traces_per_automation"]
        kept: dict[str, int] = {}
        for trace in reversed(traces):  # newest first
            count = kept.get(trace.automation_id, 0)
            if count >= keep:
                continue
            kept[trace.automation_id] = count + 1
            self._keep(self.store.traces.add(trace.automation_id, trace.run_id, trace.started,
                                             trace.finished, trace.status, trace.as_dict()))

    async def idle(self) -> bool:
        """True when nothing is queued, running or waiting to be sent to an online channel."""
        assert self.store is not None and self.scheduler is not None
        if self._traces or self._done:
            self._flush_traces()
            self._flush_done()
            return False
        if self._pending_writes or self.scheduler.busy or any(w.busy for w in self.workers.values()):
            return False
        counts = await self.store.tasks.counts()
        if counts.get("queued", 0) or counts.get("leased", 0):
            return False
        for platform, worker in self.workers.items():
            if worker._online() and await self.store.outbox.pending_count(platform):
                return False
        return True

    async def _prune_loop(self) -> None:
        assert self.store is not None
        while True:
            try:
                await self.store.traces.prune(
                    self.config["traces_per_automation"], time.time() - self.config["trace_days"] * 86400,
                )
            except Exception:
                _LOGGER.exception("Pruning traces failed")
            await asyncio.sleep(3600)

    async def stop(self, timeout: float) -> None:
        """Stop running tasks (unfinished ones run again next start), then stop delivery."""
        if self.scheduler is not None:
            await self.scheduler.stop(timeout)
        for worker in self.workers.values():
            await worker.stop()

    async def close(self) -> None:
        """Wait for background writes and close the database."""
        self._flush_traces()
        self._flush_done()
        self._runs.clear()
        if self._pending_writes:
            await asyncio.gather(*self._pending_writes, return_exceptions=True)
        if self.store is not None:
            await self.store.close()

