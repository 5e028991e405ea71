"""Fixtures for the pii tests: a sanitizer over an in-memory vault with a controllable clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from integrations.pii.engine import PiiSanitizer
from integrations.pii.vault import InMemoryVault

HASH_KEY = bytes(range(32))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    """A manual clock shared by the vault and the sanitizer."""
    return Clock()


@pytest.fixture
def vault(clock: Clock) -> InMemoryVault:
    """An empty in-memory vault on the manual clock."""
    return InMemoryVault(clock=clock)


@pytest.fixture
def make_sanitizer(vault: InMemoryVault, clock: Clock) -> Callable[..., PiiSanitizer]:
    """make_sanitizer(config=None): a PiiSanitizer over the shared vault and clock."""

    def make(config: dict[str, Any] | None = None, **kwargs: Any) -> PiiSanitizer:
        """A sanitizer for config (validated by the sanitizer itself)."""
        return PiiSanitizer(config, vault, HASH_KEY, clock=clock, **kwargs)

    return make


@pytest.fixture
def sanitizer(make_sanitizer: Callable[..., PiiSanitizer]) -> PiiSanitizer:
    """A sanitizer with the default configuration (every type on, placeholders)."""
    return make_sanitizer()
