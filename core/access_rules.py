"""Who may talk to Roost through a chat channel: the access keys of its config section and the rules they make.

``core.pipeline.access`` applies them to each message (pairing codes, allowlists, groups).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import voluptuous as vol

_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
_LIMIT = re.compile(rf"(\d+)\s*/\s*({'|'.join(_PERIODS)})s?")


@dataclass(frozen=True, slots=True)
class SenderLimit:
    """At most count messages of one sender in a period of seconds are read (a burst of count at once)."""

    count: int
    seconds: float
    period: str
    """The period in words: second, minute, hour or day."""

    def __str__(self) -> str:
        return f"{self.count} per {self.period}"


def sender_limit(value: Any) -> SenderLimit | None:
    """A sender's limit as written, "20/minute", or None for off."""
    if isinstance(value, SenderLimit):  # validated before
        return value
    if value in (None, False, 0, "off", "0"):
        return None
    found = _LIMIT.fullmatch(str(value).strip().lower())
    if found is None or int(found[1]) < 1:
        raise vol.Invalid(f"expected messages per period, as 20/minute (second, minute, hour or day), or off; got"
                          f" {value!r}")
    return SenderLimit(int(found[1]), _PERIODS[found[2]], found[2])


DM_POLICIES = ("pairing", "allowlist", "open", "disabled")
GROUP_POLICIES = ("allowlist", "open", "disabled")
ACCESS_SCHEMA = {
    vol.Optional("dm_policy", default="pairing"): vol.In(DM_POLICIES, msg=f"expected one of {', '.join(DM_POLICIES)}"),
    vol.Optional("allow_from", default=[]): [vol.Coerce(str)],
    vol.Optional("group_policy", default="allowlist"): vol.In(
        GROUP_POLICIES, msg=f"expected one of {', '.join(GROUP_POLICIES)}"),
    vol.Optional("groups", default=[]): [vol.Coerce(str)],
    vol.Optional("sender_limit", default="off"): sender_limit,
}
"""The keys a chat channel's config section adds for access (merge into its schema); applied by core.pipeline.access."""


@dataclass(frozen=True, slots=True)
class AccessRules:
    """A chat channel's rules: who may write directly, in which groups Roost listens, and how often one sender may."""

    dm_policy: str = "pairing"
    allow_from: frozenset[str] = frozenset()
    group_policy: str = "allowlist"
    groups: frozenset[str] = frozenset()
    sender_limit: SenderLimit | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AccessRules:
        """The rules of a config section validated with ACCESS_SCHEMA."""
        return cls(config["dm_policy"], frozenset(config["allow_from"]), config["group_policy"],
                   frozenset(config["groups"]), config["sender_limit"])
