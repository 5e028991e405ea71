"""What replaces a finding: a numbered placeholder, a mask, a keyed hash or a redaction."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .context import DEFAULT_THRESHOLD
from .typed_forms import plain

__all__ = [
    "DEFAULT_MASK",
    "FALLBACK_MASK",
    "PLACEHOLDER_RE",
    "POLICIES",
    "REDACTED",
    "EntityPolicy",
    "PlaceholderBook",
    "hash_token",
    "mask_value",
    "normalize",
    "scrub_tag",
]

POLICIES: tuple[str, ...] = ("placeholder", "mask", "hash", "redact")
REDACTED = "[REDACTED]"

#: A reversible placeholder such as ``[CN_ID_1]``: the entity type and a number.
PLACEHOLDER_RE = re.compile(r"\[([A-Z][A-Z0-9_]*)_([0-9]+)\]")

#: (keep_head, keep_tail) for the mask policy when the configuration does not say.
DEFAULT_MASK: dict[str, tuple[int, int]] = {
    "CN_ID": (0, 4),
    "PHONE": (3, 4),
    "EMAIL": (1, 0),
    "CARD": (0, 4),
    "IBAN": (2, 4),
    "IP": (0, 0),
    "SECRET": (0, 0),
    "PASSPORT": (1, 2),
    "TRAVEL_PERMIT": (1, 2),
}
FALLBACK_MASK = (0, 4)

_SEPARATORS = str.maketrans("", "", " -.()+:·")


@dataclass(frozen=True, slots=True)
class EntityPolicy:
    """How one entity type is treated: on or off, how sure a finding must be, which policy, the mask's shape."""

    enabled: bool = True
    policy: str = "placeholder"
    keep_head: int = 0
    keep_tail: int = 4
    mask_char: str = "*"
    hash_length: int = 8
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def for_entity(cls, entity: str, options: Mapping[str, object] | None = None) -> EntityPolicy:
        """Build from a validated config entry, filling the entity's mask defaults."""
        options = dict(options or {})
        head, tail = DEFAULT_MASK.get(entity, FALLBACK_MASK)
        options.setdefault("keep_head", head)
        options.setdefault("keep_tail", tail)
        return cls(**options)  # type: ignore[arg-type]


def normalize(entity: str, value: str) -> str:
    """The form under which equal values compare equal (separators, case and the form they are typed in ignored)."""
    value = plain(value)
    if entity in ("PHONE", "CARD", "IBAN", "CN_ID", "BANK_ACCOUNT", "DEVICE_ID", "VEHICLE_PLATE"):
        return value.translate(_SEPARATORS).upper()
    if entity == "EMAIL":
        return value.lower()
    return value


def mask_value(value: str, keep_head: int = 0, keep_tail: int = 4, mask_char: str = "*") -> str:
    """Replace letters and digits by mask_char except the first keep_head and last keep_tail.

    Separators stay, so ``138 1234 5678`` becomes ``138 **** 5678``. A value too short to
    keep anything and still hide something is masked completely.
    """
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    if len(positions) <= keep_head + keep_tail:
        hidden = positions
    else:
        hidden = positions[keep_head : len(positions) - keep_tail]
    chars = list(value)
    for i in hidden:
        chars[i] = mask_char
    return "".join(chars)


def hash_token(entity: str, value: str, key: bytes, length: int = 8) -> str:
    """A keyed HMAC-SHA256 tag like ``[EMAIL#a1b2c3d4]``: equal values match on this device."""
    digest = hmac.new(key, f"{entity}:{normalize(entity, value)}".encode(), hashlib.sha256)
    return f"[{entity}#{digest.hexdigest()[:length]}]"


def scrub_tag(entity: str) -> str:
    """The irreversible stand-in used in logs for an entity whose policy is a placeholder."""
    return f"[{entity}]"


class PlaceholderBook:
    """The placeholders of one scope: numbered per type, the same value keeps its placeholder."""

    def __init__(self, mapping: Mapping[str, str] | None = None) -> None:
        self.mapping: dict[str, str] = dict(mapping or {})
        self.changed = False
        self.lost = False
        """True when the scope's stored map was damaged and dropped: older placeholders are unknown."""
        self._by_value: dict[tuple[str, str], str] = {}
        self._counters: dict[str, int] = {}
        counters = self._counters
        for placeholder, value in self.mapping.items():
            entity, _, number = placeholder[1:-1].rpartition("_")
            if not number.isdigit() or not PLACEHOLDER_RE.fullmatch(placeholder):
                continue
            self._by_value.setdefault((entity, normalize(entity, value)), placeholder)
            if int(number) > counters.get(entity, 0):
                counters[entity] = int(number)

    def placeholder_for(self, entity: str, value: str) -> str:
        """Return the placeholder for value, numbering a new one if the scope has none yet."""
        key = (entity, normalize(entity, value))
        placeholder = self._by_value.get(key)
        if placeholder is None:
            number = self._counters.get(entity, 0) + 1
            self._counters[entity] = number
            placeholder = f"[{entity}_{number}]"
            self._by_value[key] = placeholder
            self.mapping[placeholder] = value
            self.changed = True
        return placeholder
