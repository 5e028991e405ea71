"""One alert as it is kept: what was said, to whom, how often, and who acknowledged it."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import Any

from integrations.alert.config import Target

ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another when typed back (no 0/O, 1/I)."""
ID_LENGTH = 4


def new_alert_id(origin: str | None, taken: Collection[str]) -> str:
    """A short id like "K7QD": derived from origin when given (the same run gets the same id)."""
    salt = 0
    while True:
        if origin is None:
            candidate = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
        else:
            digest = hashlib.sha256(f"{origin}#{salt}".encode()).digest()
            candidate = "".join(ID_ALPHABET[b % len(ID_ALPHABET)] for b in digest[:ID_LENGTH])
        if candidate not in taken:
            return candidate
        salt += 1


@dataclass(slots=True)
class Alert:
    """An emergency broadcast and its state (the text is message content: stored encrypted)."""

    id: str
    text: str
    targets: list[Target]
    created_at: float
    priority: int
    repeat_seconds: float = 0.0
    max_repeats: int = 0
    repeats_sent: int = 0
    last_sent_at: float | None = None
    acked_by: str | None = None
    acked_at: float | None = None
    raised_by: str | None = None
    raised_in: str | None = None
    origin: str | None = None
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def acknowledged(self) -> bool:
        """True once someone answered the alert."""
        return self.acked_at is not None

    @property
    def repeating(self) -> bool:
        """True while reminders are still due (not acknowledged, repeats left)."""
        return (not self.acknowledged and self.repeat_seconds > 0
                and self.repeats_sent < self.max_repeats and self.last_sent_at is not None)

    def next_due(self) -> float | None:
        """When the next reminder is due (epoch seconds), or None when none is."""
        if not self.repeating:
            return None
        assert self.last_sent_at is not None
        return self.last_sent_at + self.repeat_seconds

    def as_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data."""
        data = asdict(self)
        data["targets"] = [list(t) for t in self.targets]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """Rebuild a record stored by as_dict."""
        values = dict(data)
        values["targets"] = [Target(str(p), str(c)) for p, c in values.get("targets", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})
