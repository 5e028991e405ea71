"""A sender's limit: a burst of its count, then as its period allows; told once a stretch; parsed with clear errors."""

from __future__ import annotations

from typing import Any

import pytest
import voluptuous as vol

from core.access_rules import AccessRules, SenderLimit, sender_limit
from core.message import Message
from core.pipeline import access
from core.pipeline.access import Gatekeeper


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    clock = _Clock()
    monkeypatch.setattr(access.time, "monotonic", clock)
    return clock


Told = list[tuple[str, str]]


def _gatekeeper(limit: str, allow_from: frozenset[str] = frozenset()) -> tuple[Gatekeeper, Told, list[str]]:
    """A gatekeeper of open rules with limit; what it tells senders, and why each refused message was."""
    told: Told = []
    refused: list[str] = []

    async def tell(message: Message, text: str) -> None:
        told.append((message.sender, text))

    rules = AccessRules(dm_policy="open", allow_from=allow_from, sender_limit=sender_limit(limit))
    return Gatekeeper(lambda _platform: rules, pairing=None, tell=tell,  # open rules never ask for pairing
                      refused=lambda _message, why: refused.append(why)), told, refused


def _from(sender: str) -> Message:
    return Message.create("telegram", sender, sender, "hi")


async def test_a_burst_of_the_count_then_one_each_share_of_the_period(clock: _Clock) -> None:
    gatekeeper, told, refused = _gatekeeper("4/minute")
    assert [await gatekeeper.admit(_from("ana")) for _ in range(6)] == [True] * 4 + [False] * 2
    assert refused == ["sender_limit"] * 2
    assert len(told) == 1 and "at most 4 per minute" in told[0][1], "told once, not at each message over it"
    clock.now += 14  # not yet a quarter of the minute
    assert not await gatekeeper.admit(_from("ana"))
    clock.now += 1.5
    assert await gatekeeper.admit(_from("ana")) and not await gatekeeper.admit(_from("ana"))
    assert len(told) == 2, "a message read ends the stretch: the next one over the limit is told again"
    clock.now += 3600
    assert [await gatekeeper.admit(_from("ana")) for _ in range(5)] == [True] * 4 + [False], "never more than a burst"


async def test_a_sender_in_allow_from_has_no_limit(clock: _Clock) -> None:
    gatekeeper, told, _refused = _gatekeeper("2/minute", allow_from=frozenset({"owner"}))
    assert [await gatekeeper.admit(_from("owner")) for _ in range(5)] == [True] * 5
    assert [await gatekeeper.admit(_from("ana")) for _ in range(3)] == [True, True, False] and len(told) == 1

async def test_senders_back_to_a_full_allowance_are_forgotten_past_max_senders(clock: _Clock, monkeypatch) -> None:
    monkeypatch.setattr(access, "MAX_SENDERS", 3)
    gatekeeper, _told, _refused = _gatekeeper("2/second")
    for sender in ("a", "b", "c"):
        await gatekeeper.admit(_from(sender))
    clock.now += 1
    await gatekeeper.admit(_from("d"))
    await gatekeeper.admit(_from("e"))
    assert set(gatekeeper._allowances["telegram"]) == {"d", "e"}


async def test_a_flood_from_many_senders_keeps_the_latest_half(clock: _Clock, monkeypatch) -> None:
    monkeypatch.setattr(access, "MAX_SENDERS", 4)
    gatekeeper, _told, _refused = _gatekeeper("2/minute")
    for n in range(5):  # all within the minute: none is back to a full allowance
        clock.now += 1
        await gatekeeper.admit(_from(f"s{n}"))
    assert set(gatekeeper._allowances["telegram"]) == {"s3", "s4"}


@pytest.mark.parametrize(("written", "limit"), [
    ("20/minute", SenderLimit(20, 60.0, "minute")), ("1 / Seconds", SenderLimit(1, 1.0, "second")),
    ("500/day", SenderLimit(500, 86400.0, "day")), ("off", None), (False, None), (0, None),
])
def test_a_limit_is_written_as_messages_per_period(written: Any, limit: SenderLimit | None) -> None:
    assert sender_limit(written) == limit


@pytest.mark.parametrize("written", ["20", "20/week", "0/minute", "-1/hour", "many/minute", "20 per minute"])
def test_a_limit_that_is_not_one_says_how_to_write_it(written: str) -> None:
    with pytest.raises(vol.Invalid, match=r"expected messages per period, as 20/minute"):
        sender_limit(written)
