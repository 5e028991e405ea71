"""What alerts say in the chats, and how alert.list describes them."""

from __future__ import annotations

import time

from integrations.alert.record import Alert

TEXT_PREVIEW = 200


def alert_text(alert: Alert, reminder: int, ack_command: str) -> str:
    """The message a target receives: the alert, or its reminder number reminder (1, 2, ...)."""
    head = f"🚨 ALERT {alert.id}"
    if reminder:
        head += f" (reminder {reminder}/{alert.max_repeats})"
    return f"{head}: {alert.text}\nAnswer /{ack_command} {alert.id} to acknowledge."


def acknowledged_text(alert: Alert) -> str:
    """The message the other targets receive when someone acknowledged the alert."""
    return f"Alert {alert.id} was acknowledged by {alert.acked_by}."


def _clock(moment: float, *, date: bool = False) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S" if date else "%H:%M:%S", time.localtime(moment))


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:g} min" if minutes >= 1 else f"{seconds:g} s"


def alert_state(alert: Alert, now: float) -> str:
    """Where an alert stands, in a few words."""
    if alert.acknowledged:
        assert alert.acked_at is not None
        return f"acknowledged by {alert.acked_by} at {_clock(alert.acked_at)}"
    reminders = f"{alert.repeats_sent}/{alert.max_repeats} reminders sent"
    due = alert.next_due()
    if due is not None:
        return f"open, {reminders}, next in {_minutes(max(0.0, due - now))}"
    if alert.repeat_seconds > 0 and alert.max_repeats:
        return f"open, {reminders} (no more reminders)"
    return "open"


def summary(alert: Alert, failed: dict[str, str], ack_command: str) -> str:
    """What the person who raised the alert is told."""
    total = len(alert.targets)
    reached = total - len(failed)
    text = (f"Alert {alert.id} sent to {reached} target{'s' if reached != 1 else ''}" if not failed
            else f"Alert {alert.id} sent to {reached} of {total} targets "
                 f"(not sent to {'; '.join(f'{t}: {why}' for t, why in failed.items())})")
    if alert.repeat_seconds > 0 and alert.max_repeats:
        text += (f", repeating every {_minutes(alert.repeat_seconds)} (at most {alert.max_repeats} times)"
                 f" until someone answers /{ack_command} {alert.id}")
    return text + "."


def listing(alerts: list[Alert], now: float) -> str:
    """A readable list of alerts, newest first, with their state."""
    if not alerts:
        return "No alerts yet."
    lines = ["Alerts, newest first:"]
    for alert in alerts:
        text = alert.text if len(alert.text) <= TEXT_PREVIEW else alert.text[:TEXT_PREVIEW] + "…"
        lines.append(f"{alert.id}  {_clock(alert.created_at, date=True)}  {alert_state(alert, now)}")
        lines.append(f"  {text}")
        to = f"  to {', '.join(str(t) for t in alert.targets)}"
        if alert.failed:
            to += f" (not delivered to {', '.join(alert.failed)})"
        lines.append(to)
    return "\n".join(lines)
