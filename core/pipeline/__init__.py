"""The durable path of a message, read top-down.

``inbound`` (match, then store the message with its runs in one commit) → ``scheduler`` (lease
tasks by priority then turn, one at a time per chat) → ``runner`` (execute a run; its replies
are committed with its completion, see ``replies``) → ``outbound`` (the one path to a channel,
whole or streamed; ``channel_queue`` sends one channel's outbox). ``retry`` is the one rule
for failures, ``retention`` the one owner of pruning, ``codec`` the one payload format;
``timers`` runs integrations' durable timers on the same queue. ``clock_watch`` ends the waits
a clock set back would stretch; ``core.store.disk_space`` watches the room the store has left.

The pipeline is built with the store, the automation engine, the channel registry, the bus
and a few functions; it never calls back up into the gateway.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from core import events
from core.automation.engine import AutomationEngine
from core.bus import EventBus
from core.channel import Channel
from core.errors import TransientError
from core.logs import FirstTime
from core.message import Message
from core.pairing import DOMAIN as PAIRING
from core.pairing import Pairing
from core.pipeline.access import Gatekeeper
from core.pipeline.clock_watch import ClockWatch
from core.pipeline.codec import RUN_TASK
from core.pipeline.inbound import Inbound
from core.pipeline.outbound import Masker, Outbound
from core.pipeline.progress import Progress
from core.pipeline.retention import Retention
from core.pipeline.retry import RetryPolicy
from core.pipeline.runner import Runner
from core.pipeline.scheduler import SCHEDULER_SCHEMA, Scheduler
from core.pipeline.timers import TIMER_TASK, Timers
from core.pipeline.traces import TraceWriter
from core.store import OutboxEntry, Store
from core.store.disk_space import MIB, DiskSpace

__all__ = ["SCHEDULER_SCHEMA", "Pipeline"]

_LOGGER = logging.getLogger(__name__)


STOPPED = "Roost is stopping: the message is stored, and its automations run again when Roost is back"


class Pipeline:
    """Inbound, scheduler, runner, outbound, retention and the clock and disk space watches over one store."""

    def __init__(self, store: Store, engine: AutomationEngine, channels: Mapping[str, Channel], bus: EventBus,
                 *, store_settings: dict[str, Any], scheduler_settings: dict[str, Any],
                 scrub: Callable[[str], str], mask: Masker, failure_reply: str,
                 models: Mapping[str, Any] | None = None) -> None:
        self.store = store
        self.channels = channels
        self.models = models if models is not None else {}
        self.engine = engine
        self.bus = bus
        self.progress = Progress()
        """Told when a task ends, a reply goes out or its delivery is recorded (``Gateway.wait_idle`` for one
        chat waits on it)."""
        self.scheduler = Scheduler(store.tasks, scheduler_settings, scrub, on_ended=self.progress.notify)
        delivery = RetryPolicy(self.scheduler.policy.base, self.scheduler.policy.cap,
                               store_settings["delivery_max_attempts"])
        self.outbound = Outbound(store.outbox, channels, policy=delivery, scrub=scrub, mask=mask,
                                 on_sent=self._sent, on_failed=self._failed, progress=self.progress)
        self.runner = Runner(store.inbox, engine, self.outbound, failure_reply=failure_reply)
        self.scheduler.register(RUN_TASK, self.runner)
        self.scheduler.payload_known = self.runner  # first attempts run the request kept in memory
        self.inbound = Inbound(store, engine, self.scheduler, self.runner)
        self.timers = Timers(store.tasks, self.scheduler)
        self.scheduler.register(TIMER_TASK, self.timers)
        self.gatekeeper = Gatekeeper(
            lambda platform: getattr(channels.get(platform), "access", None), Pairing(store.state.of(PAIRING)),
            self._tell, lambda message, why: bus.fire(events.MESSAGE_REFUSED, {"platform": message.platform,
                                                                               "reason": why}))
        self.traces = TraceWriter(store.traces, store_settings["traces_per_automation"])
        self.retention = Retention(store, store_settings)
        self.disk_space = DiskSpace(store.db.path, store_settings["low_disk_mib"] * MIB)
        self.clock_watch = ClockWatch(store, TIMER_TASK)
        self._stopped = False
        self._first_unanswered = FirstTime()
        engine.dispatcher = self.inbound.dispatch
        engine.on_finished = self.traces.keep

    def automations_changed(self) -> None:
        """After a reload: runs are leased ahead only while every automation still has the priority it goes by."""
        floor = self.scheduler.lease_ahead_floor
        if floor is not None and any(a.priority != floor for a in self.engine.automations.values()):
            self.scheduler.lease_ahead_floor = None

    async def start(self) -> None:
        """Count the runs queued before the last stop against their modes, then start sending and running."""
        await self.store.catch_up_clock(time.time(), TIMER_TASK)
        for key, count in (await self.store.tasks.open_counts()).items():
            automation_id, _, chat_key = key.partition("|")
            if chat_key and "|" not in chat_key:  # a queued-mode key: automation|chat
                self.engine.count_queued(automation_id, chat_key, count)
        self.outbound.start()
        # Runs take their automation's priority. When every automation has the same one,
        # leasing runs ahead of free workers cannot change which priority goes first.
        priorities = {a.priority for a in self.engine.automations.values()}
        self.scheduler.lease_ahead_floor = priorities.pop() if len(priorities) == 1 else None
        # The model lane defaults to how many answers the local models give at once (their `parallel`).
        parallel = [model.parallel for model in self.models.values() if hasattr(model, "parallel")]
        if parallel:
            self.scheduler.lanes.setdefault("model", sum(parallel))
        await self.scheduler.start()
        self.retention.start()
        await self.disk_space.start()
        self.clock_watch.start()

    async def ingest(self, message: Message) -> bool:
        """Store a message with the runs it starts; False for a redelivery, a sender the channel's rules keep out,
        or a message Roost cannot read (its sender told so)."""
        if not await self.gatekeeper.admit(message):
            return False
        if message.unreadable is not None:
            await self._unreadable(message)
            return False
        runs = await self.inbound.ingest(message)
        if runs is None:
            return False
        if not runs and message.mentions_bot and self._first_unanswered(message.platform):
            _LOGGER.info("A %s message for Roost started no run: no automation's trigger matches it, or conditions or"
                         " modes let none start (`roost trace` shows those). Said once per platform",
                         message.platform)
        self.bus.fire(events.MESSAGE_RECEIVED, {"message": message, "platform": message.platform,
                                           "chat_id": message.chat_id, "runs": runs})
        return True

    async def send(self, platform: str, chat_id: str, text: str, *, idempotency_key: str,
                   priority: int = 0, reply_to: str | None = None) -> str:
        """Queue text for a chat outside any run; durable when this returns."""
        return await self.outbound.send(platform, chat_id, text, idempotency_key=idempotency_key,
                                        priority=priority, reply_to=reply_to)

    async def _tell(self, message: Message, text: str) -> None:
        await self.outbound.send(message.platform, message.chat_id, text, idempotency_key=f"access:{message.id}")

    async def _unreadable(self, message: Message) -> None:
        """A message Roost cannot read, from a sender let in: when it was for Roost, its sender is told so."""
        if not message.mentions_bot:
            return
        reply = getattr(self.channels.get(message.platform), "unsupported_reply", None)
        _LOGGER.info("A %s %s was not read: Roost reads text (%s)", message.platform, message.unreadable,
                     "its sender was told" if reply else "nothing told: unsupported_reply is off")
        if reply:
            await self.outbound.send(message.platform, message.chat_id, reply, reply_to=message.id,
                                     idempotency_key=f"unreadable:{message.platform}:{message.id}")

    def channel_state(self, platform: str, online: bool) -> None:
        """A channel went online or offline: say so on the bus, and send what waited when it is back."""
        self.bus.fire(events.CHANNEL_ONLINE if online else events.CHANNEL_OFFLINE, {"platform": platform})
        if online:
            self.outbound.wake(platform)

    def _sent(self, platform: str, chat_id: str, message_id: str | None, outbox_id: int) -> None:
        self.progress.notify()
        self.bus.fire(events.MESSAGE_SENT, {"platform": platform, "chat_id": chat_id, "message_id": message_id,
                                       "outbox_id": outbox_id})

    def _failed(self, entry: OutboxEntry, reason: str, retry: bool) -> None:
        self.bus.fire(events.MESSAGE_FAILED, {"platform": entry.platform, "chat_id": entry.chat_id,
                                         "outbox_id": entry.id, "reason": reason, "retry": retry})

    async def retry_dead(self, letter_id: int) -> tuple[str, int]:
        """Queue a dead letter's task or reply again (attempts reset) and start on it now; (source, ref_id)."""
        source, ref_id = await self.store.dead.retry(letter_id)
        if source == "task":
            self.scheduler.wake()
        elif (entry := await self.store.outbox.get(ref_id)) is not None:
            self.outbound.wake(entry.platform)
        return source, ref_id

    async def idle(self, platform: str | None = None, chat_id: str | None = None) -> bool:
        """True when nothing is queued, running or owed to an online channel (to one chat, if named:
        then traces still to be written do not count)."""
        if self.inbound.writing:
            return False
        if platform is not None and chat_id is not None:  # held replies (an offline channel) are not waited for
            return not await self.store.chat_busy(platform, chat_id, replies=self.outbound.delivers(platform))
        if self.traces.pending:
            self.traces.flush()
            await self.traces.close()
            return False
        if self.scheduler.busy or await self.store.tasks.open_count():
            return False
        return not await self.outbound.owed()

    async def settle(self, platform: str, chat_id: str, poll: float) -> None:
        """Wait until nothing is queued, running or owed to this chat: looked at once, then at each step (a
        task ends, a reply goes out or is recorded) and at least every poll seconds."""
        while True:
            await self.bus.drain()
            step = self.progress.next_step()  # before looking: a step taken while looking wakes us
            if not self.bus.busy and await self.idle(platform, chat_id):
                return
            await Progress.wait(step, poll)
            if self._stopped:  # what is still owed moves only after the next start: said at once
                raise TransientError(STOPPED)

    async def stop(self, timeout: float) -> None:
        """Stop running tasks (unfinished ones run again next start), then delivery and upkeep; whoever waits
        for a chat to settle is then told Roost is stopping."""
        await self.scheduler.stop(timeout)
        await self.outbound.stop()
        await self.retention.stop()
        await self.disk_space.stop()
        await self.clock_watch.stop()
        self._stopped = True
        self.progress.notify()

    async def close(self) -> None:
        """Finish the background writes (traces, runs being queued); the store stays open."""
        await self.inbound.close()
        await self.traces.close()
        self.runner.close()
