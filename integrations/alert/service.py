"""Raising alerts, reminding until someone answers, and taking the answer."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from core.errors import ConfigError, PermanentError
from integrations.alert.book import AlertBook
from integrations.alert.config import DOMAIN, Target
from integrations.alert.messages import acknowledged_text, alert_text
from integrations.alert.record import Alert, new_alert_id

_LOGGER = logging.getLogger(__name__)
REMIND_TIMER = "alert.remind"
"""The durable timer that sends an alert's next reminder."""


class AlertNotFoundError(PermanentError):
    """No alert has the id that was given."""


class AlertService:
    """The alert integration's state and work: broadcast, reminders (durable timers), acknowledgements."""

    def __init__(self, gateway: Any, config: dict[str, Any]) -> None:
        self.gateway = gateway
        self.config = config
        self.ack_command: str = config["ack_command"]
        self.book = AlertBook(gateway.storage(DOMAIN), config["keep"])

    # -- lifecycle ---------------------------------------------------------------------

    async def load(self) -> None:
        """Read the alerts kept by earlier runs; make sure each one still reminding has its timer."""
        self.gateway.register_timer(REMIND_TIMER, self.remind)
        alerts = await self.book.load()
        pending = [a for a in alerts if a.repeating]
        for alert in pending:
            await self._schedule_reminder(alert)  # the same timer as before, when one is queued
        if pending:
            _LOGGER.info("%d alerts still wait for an acknowledgement; their reminders go on", len(pending))

    # -- broadcast ---------------------------------------------------------------------

    async def broadcast(
        self, text: str, *, targets: list[Target] | None = None, repeat_minutes: float | None = None,
        max_repeats: int | None = None, origin: str | None = None, raised_by: str | None = None,
        raised_in: str | None = None,
    ) -> tuple[Alert, dict[str, str]]:
        """Send text to every target at the alert priority; return the alert and the targets it missed.

        origin names the request (a run and its data): asking again with the same origin (a
        retried run) finds the same alert and sends nothing twice.
        """
        text = text.strip()
        if not text:
            raise PermanentError("alert.broadcast needs a text to send (data: text)")
        chosen = list(targets or self.config["targets"])
        if not chosen:
            raise PermanentError(
                "alert.broadcast has no targets: list them under alert: targets in configuration.yaml,"
                " or pass data: targets"
            )
        alert = self.book.by_origin(origin) if origin else None
        if alert is None:
            minutes = self.config["repeat_minutes"] if repeat_minutes is None else repeat_minutes
            alert = Alert(
                id=new_alert_id(origin, self.book.ids()), text=text, targets=chosen,
                created_at=time.time(), priority=self.config["priority"],
                repeat_seconds=minutes * 60.0,
                max_repeats=self.config["max_repeats"] if max_repeats is None else max_repeats,
                raised_by=raised_by, raised_in=raised_in, origin=origin,
            )
            await self.book.add(alert)
            _LOGGER.info("Alert %s raised for %d targets", alert.id, len(chosen))
        failed = await self._send_round(alert, 0)
        if alert.last_sent_at is None:
            alert.last_sent_at = time.time()
        await self.book.save(alert)
        await self._schedule_reminder(alert)
        return alert, failed

    async def _send_round(self, alert: Alert, reminder: int) -> dict[str, str]:
        """Queue the alert (or reminder number reminder) for every target; return the failures."""
        text = alert_text(alert, reminder, self.ack_command)
        failed: dict[str, str] = {}
        for target in alert.targets:
            key = f"alert:{alert.id}:{alert.created_at:.6f}:{reminder}:{target}"
            try:
                await self.gateway.send(target.platform, target.chat_id, text,
                                        idempotency_key=key, priority=alert.priority)
            except ConfigError as err:  # no channel for that platform is set up
                failed[str(target)] = err.message
        for target, reason in failed.items():
            _LOGGER.warning("Alert %s could not be queued for %s: %s", alert.id, target, reason)
        alert.failed.update(failed)
        return failed

    # -- reminders ---------------------------------------------------------------------

    async def _schedule_reminder(self, alert: Alert) -> None:
        """Queue the alert's next reminder as a durable timer (once per alert and reminder number)."""
        due = alert.next_due()
        if due is None:
            return
        number = alert.repeats_sent + 1
        await self.gateway.schedule(REMIND_TIMER, due, {"id": alert.id, "reminder": number},
                                    key=f"alert:{alert.id}:{alert.created_at:.6f}:remind:{number}",
                                    priority=alert.priority)

    async def remind(self, data: dict[str, Any]) -> None:
        """A reminder's timer is due: send it unless someone answered, then queue the next one."""
        alert = self.book.get(data["id"])
        if alert is None or not alert.repeating:
            return  # acknowledged, or out of reminders
        number = data["reminder"]
        if number > alert.repeats_sent:  # a timer run again after a crash sends nothing twice
            await self._send_round(alert, number)
            alert.repeats_sent = number
            alert.last_sent_at = time.time()
            await self.book.save(alert)
        await self._schedule_reminder(alert)

    # -- acknowledgements --------------------------------------------------------------

    async def acknowledge(self, alert_id: str, by: str, *, from_chat: Target | None = None) -> tuple[Alert, bool]:
        """Mark an alert acknowledged by someone; return it and whether this call did it.

        The other targets are told who answered. from_chat: the chat the answer came from,
        which is not told again.
        """
        alert = self.book.get(alert_id)
        if alert is None:
            raise AlertNotFoundError(f"there is no alert {alert_id.upper()}")
        if alert.acknowledged:
            return alert, False
        alert.acked_by, alert.acked_at = by, time.time()
        await self.book.save(alert)
        _LOGGER.info("Alert %s acknowledged by %s", alert.id, by)
        text = acknowledged_text(alert)
        for target in alert.targets:
            if target == from_chat:
                continue
            key = f"alert:{alert.id}:{alert.created_at:.6f}:ack:{target}"
            with contextlib.suppress(ConfigError):
                await self.gateway.send(target.platform, target.chat_id, text,
                                        idempotency_key=key, priority=alert.priority)
        return alert, True

    def may_acknowledge(self, alert: Alert, chat: Target) -> bool:
        """Whether an answer from this chat counts (ack_from: targets or anyone)."""
        if self.config["ack_from"] == "anyone":
            return True
        return chat in alert.targets or str(chat) == alert.raised_in

    async def answer(self, args: tuple[str, ...], chat: Target, by: str) -> str:
        """Handle "/ack [ID]" from a chat; return the reply."""
        if args:
            alert = self.book.get(args[0])
            if alert is None:
                return f"There is no alert {args[0].upper()}."
        else:
            open_alerts = [a for a in self.book.recent(self.config["keep"])
                           if not a.acknowledged and self.may_acknowledge(a, chat)]
            if not open_alerts:
                return "There is no open alert to acknowledge."
            if len(open_alerts) > 1:
                ids = ", ".join(a.id for a in open_alerts)
                return f"Several alerts are open ({ids}); answer /{self.ack_command} ID."
            alert = open_alerts[0]
        if not self.may_acknowledge(alert, chat):
            return f"Only the chats alert {alert.id} went to can acknowledge it."
        alert, done = await self.acknowledge(alert.id, by, from_chat=chat)
        if not done:
            return f"Alert {alert.id} was already acknowledged by {alert.acked_by}."
        return f"Alert {alert.id} acknowledged."
