"""One rule for every failure on the durable path: what is retried, when, and what is buried.

Runs (scheduler) and deliveries (outbound) both ask ``decide``: a TransientError waits with
exponential backoff and full jitter (a server's ``retry_after`` honoured); an error that a
retry cannot fix (a wrong request, a broken template, bad data) is buried at once; anything
unexpected is treated as transient until the attempt limit, then buried with its text. A RequestError (a
prompt longer than the model's context) ends the task without a dead letter: the one who asked is told. A
RecipientGone (no one can receive the reply any more) drops the reply without a dead letter. A task that Roost
itself ended while it ran (EndedMidRun: a crash, or killed for its memory) has used an attempt like any failure, so
one that takes Roost down each time it runs is given up at the limit instead of taking it down forever.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.automation.templates import TemplateError
from core.errors import RecipientGone, RequestError, RoostError, TransientError


class EndedMidRun(TransientError):
    """Roost ended while the task ran (it crashed or was killed): found still leased at a start."""

    def __init__(self) -> None:
        super().__init__("Roost ended while this ran (a crash, or killed: out of memory?)")


PERMANENT_TYPES: tuple[type[BaseException], ...] = (RoostError, TemplateError, ValueError, TypeError, LookupError)
"""Failures a retry cannot fix (RoostError counts unless it is a TransientError)."""


def is_transient(error: BaseException) -> bool:
    """Whether trying the same thing again later could succeed."""
    if isinstance(error, TransientError):
        return True
    return not isinstance(error, PERMANENT_TYPES)


def describe(error: BaseException) -> str:
    """The error as a dead letter or a log line names it: its text, with its type unless it is Roost's own."""
    return str(error) if isinstance(error, RoostError) else f"{type(error).__name__}: {error}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do after a failed attempt: retry after ``delay`` seconds, or bury with ``reason`` (in the dead
    letters unless ``letter`` is false: a request that cannot be served as it is, told to the one who asked, or a
    reply no one can receive)."""

    delay: float | None
    reason: str
    letter: bool = True

    @property
    def bury(self) -> bool:
        """True when the task is tried no more (kept as a dead letter when ``letter``)."""
        return self.delay is None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter, honouring a server's retry_after, up to max_attempts."""

    base: float = 1.0
    cap: float = 300.0
    max_attempts: int = 5

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt number attempts + 1."""
        backoff = min(self.cap, self.base * (2 ** max(0, attempts - 1)))
        delay = random.uniform(backoff / 2, backoff)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    def decide(self, error: BaseException, attempts: int) -> Verdict:
        """The verdict for a failure of attempt number ``attempts`` (1 for the first)."""
        if isinstance(error, RequestError):
            return Verdict(None, f"it cannot be served as it is: {describe(error)}", letter=False)
        if isinstance(error, RecipientGone):
            return Verdict(None, f"no one can receive it: {describe(error)}", letter=False)
        if not is_transient(error):
            return Verdict(None, f"permanent error: {describe(error)}")
        if attempts >= self.max_attempts:
            return Verdict(None, f"gave up after {attempts} attempts: {describe(error)}")
        retry_after = error.retry_after if isinstance(error, TransientError) else None
        return Verdict(self.delay(attempts, retry_after), describe(error))
