"""Who may talk to Roost through a chat channel: the access keys of its config section and the rules they make.

``core.pipeline.access`` applies them to each message (pairing codes, allowlists, groups).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import voluptuous as vol

DM_POLICIES = ("pairing", "allowlist", "open", "disabled")
GROUP_POLICIES = ("allowlist", "open", "disabled")
ACCESS_SCHEMA = {
    vol.Optional("dm_policy", default="pairing"): vol.In(DM_POLICIES, msg=f"expected one of {', '.join(DM_POLICIES)}"),
    vol.Optional("allow_from", default=[]): [vol.Coerce(str)],
    vol.Optional("group_policy", default="allowlist"): vol.In(
        GROUP_POLICIES, msg=f"expected one of {', '.join(GROUP_POLICIES)}"),
    vol.Optional("groups", default=[]): [vol.Coerce(str)],
}
"""The keys a chat channel's config section adds for access (merge into its schema); applied by core.pipeline.access."""


@dataclass(frozen=True, slots=True)
class AccessRules:
    """A chat channel's rules: who may write directly, and in which groups Roost listens."""

    dm_policy: str = "pairing"
    allow_from: frozenset[str] = frozenset()
    group_policy: str = "allowlist"
    groups: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AccessRules:
        """The rules of a config section validated with ACCESS_SCHEMA."""
        return cls(config["dm_policy"], frozenset(config["allow_from"]), config["group_policy"],
                   frozenset(config["groups"]))
