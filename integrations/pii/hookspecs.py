"""The hook the pii integration offers others: more recognizers (its ``HOOKSPECS``)."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookspec


@hookspec
def roost_recognizers() -> list[Any]:
    """Return extra PII recognizers (declare pii in after_dependencies, so it loads first)."""
