"""One rule for every failure: transient errors back off, permanent ones and the attempt limit bury."""

from __future__ import annotations

import pytest

from core.automation.templates import TemplateError
from core.errors import ConfigError, ContextTooLong, PermanentError, RecipientGone, TransientError
from core.pipeline.retry import RetryPolicy, is_transient


@pytest.mark.parametrize(("error", "transient"), [
    (TransientError("rate limited"), True),
    (OSError("connection reset"), True),
    (RuntimeError("the channel library broke"), True),
    (ConfigError("no channel for platform 'x'"), False),
    (PermanentError("forbidden"), False),
    (TemplateError("template failed"), False),
    (ValueError("bad data"), False),
    (KeyError("missing"), False),
])
def test_which_failures_are_worth_retrying(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient


def test_unexpected_errors_retry_with_backoff_until_the_limit_then_bury_with_their_text() -> None:
    policy = RetryPolicy(base=1.0, cap=300.0, max_attempts=3)
    first = policy.decide(RuntimeError("socket closed"), 1)
    assert not first.bury and 0.5 <= first.delay <= 1.0 and first.reason == "RuntimeError: socket closed"
    second = policy.decide(RuntimeError("socket closed"), 2)
    assert not second.bury and 1.0 <= second.delay <= 2.0
    last = policy.decide(RuntimeError("socket closed"), 3)
    assert last.bury and last.reason == "gave up after 3 attempts: RuntimeError: socket closed"


def test_retry_after_is_a_floor_and_permanent_errors_are_buried_at_once() -> None:
    policy = RetryPolicy(base=1.0, cap=300.0, max_attempts=5)
    assert policy.decide(TransientError("429", retry_after=42.0), 1).delay == 42.0
    verdict = policy.decide(PermanentError("403 blocked"), 1)
    assert verdict.bury and verdict.letter and verdict.reason == "permanent error: 403 blocked"


def test_a_request_that_cannot_be_served_as_it_is_ends_without_a_dead_letter() -> None:
    verdict = RetryPolicy().decide(ContextTooLong("prompt too long: 3026 tokens"), 1)
    assert verdict.bury and not verdict.letter
    assert verdict.reason == "it cannot be served as it is: prompt too long: 3026 tokens"


def test_a_reply_no_one_can_receive_is_dropped_without_a_dead_letter() -> None:
    verdict = RetryPolicy().decide(RecipientGone("the client hung up"), 1)
    assert verdict.bury and not verdict.letter and verdict.reason == "no one can receive it: the client hung up"


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(base=1.0, cap=10.0, max_attempts=100)
    assert all(5.0 <= policy.decide(OSError("down"), n).delay <= 10.0 for n in range(5, 60))
