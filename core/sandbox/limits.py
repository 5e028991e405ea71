"""Resource limits for one sandboxed run, with defaults that suit short system commands."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": KIB, "m": MIB, "g": GIB, "t": 1024 * GIB}


def parse_size(value: int | str) -> int:
    """Bytes from an int or a size such as "512M", "16 MiB", "1g"; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"expected a size in bytes, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a size cannot be negative, got {value}")
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError(f"expected a size such as 512M or 16MiB, got {value!r}")
    number, unit, _ = match.groups()
    return int(float(number) * _UNITS[unit.lower()])


@dataclass(frozen=True)
class Limits:
    """Limits the child and everything it starts must live within.

    `max_output_bytes` caps what is kept of stdout and of stderr each; output beyond it is
    read and discarded so the child never blocks, and once `max_drain_bytes` have been read in
    all the run is killed (killed_reason "output").
    """

    wall_seconds: float = 30.0
    cpu_seconds: int = 10
    memory_bytes: int = 512 * MIB
    file_size_bytes: int = 16 * MIB
    max_processes: int = 64
    max_open_files: int = 256
    max_output_bytes: int = 1 * MIB
    max_drain_bytes: int = 64 * MIB
    tmp_bytes: int = 64 * MIB

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"limit {f.name} must be a number, got {value!r}")
            if value <= 0:
                raise ValueError(f"limit {f.name} must be positive, got {value!r}")
        if self.max_drain_bytes < self.max_output_bytes:
            raise ValueError(
                f"max_drain_bytes ({self.max_drain_bytes}) must be at least "
                f"max_output_bytes ({self.max_output_bytes})"
            )

    def with_changes(self, **changes: Any) -> Limits:
        """A copy with some limits changed (sizes may be given as "16M")."""
        return replace(self, **_coerce(changes))

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None, base: Limits | None = None) -> Limits:
        """Limits from a configuration mapping, on top of `base` (or the defaults)."""
        return (base or cls()).with_changes(**(data or {}))


_SIZE_FIELDS = frozenset(f.name for f in fields(Limits) if f.name.endswith("_bytes"))


def _coerce(changes: dict[str, Any]) -> dict[str, Any]:
    known = {f.name for f in fields(Limits)}
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in known:
            raise ValueError(f"unknown limit {key!r}; known limits: {', '.join(sorted(known))}")
        out[key] = parse_size(value) if key in _SIZE_FIELDS else value
    return out
