"""A long reply's parts on a real store: each sent once across tries; a note that cannot be read or written."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from core.errors import NotItsTurn
from core.reply_parts import PARTS_KEY, send_parts
from core.store import Store
from core.store.errors import WriteAbortedError
from core.store.state import DomainState

PARTS = ["one", "  ", "two", "three"]


class Platform:
    """Takes parts in order; fails the sends it is told to (by the part's text), once each."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.fail = fail or set()
        self.sent: list[tuple[int, str]] = []

    async def send(self, index: int, part: str) -> str:
        if part in self.fail:
            self.fail.discard(part)
            raise ConnectionError(f"{part} was not taken")
        self.sent.append((index, part))
        return f"id-{part}"


async def test_a_try_after_a_failure_begins_at_the_part_that_failed(store: Store) -> None:
    state = store.state.of("chat")
    platform = Platform({"three"})
    with pytest.raises(ConnectionError):
        await send_parts(state, "reply-1", PARTS, platform.send)
    assert await state.get(PARTS_KEY + "reply-1") == [2, "id-two"]
    assert await send_parts(state, "reply-1", PARTS, platform.send) == "id-three"
    assert platform.sent == [(0, "one"), (1, "two"), (2, "three")]  # blank parts are not sent nor counted
    assert await state.keys() == []


async def test_a_part_that_would_wait_for_the_chats_turn_is_left_for_the_next_try(store: Store) -> None:
    state = store.state.of("chat")
    platform = Platform()
    for sent in (["one"], ["one", "two"]):
        with pytest.raises(NotItsTurn) as left:
            await send_parts(state, "reply-1", PARTS, platform.send, lambda: 0.7)
        assert left.value.wait == 0.7 and [part for _, part in platform.sent] == sent
    assert await send_parts(state, "reply-1", PARTS, platform.send, lambda: 0.7) == "id-three"
    assert await send_parts(state, "reply-2", PARTS, platform.send, lambda: 0.0) == "id-three"  # its turn: all at once
    assert [part for _, part in platform.sent] == ["one", "two", "three"] * 2 and await state.keys() == []


async def test_a_reply_of_one_part_writes_nothing(store: Store) -> None:
    state = store.state.of("chat")
    platform = Platform({"one"})
    with pytest.raises(ConnectionError):
        await send_parts(state, "reply-1", ["one"], platform.send)
    assert await send_parts(state, "reply-1", ["one", " "], platform.send) == "id-one"
    assert await send_parts(state, "reply-2", ["\n"], platform.send) == ""
    assert platform.sent == [(0, "one")] and await state.keys() == []


async def test_a_damaged_note_sends_the_reply_whole(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    state = store.state.of("chat")
    await state.set(PARTS_KEY + "reply-1", [2, "id-two"])
    await store.db.write(lambda c: c.execute("UPDATE state SET value = zeroblob(40) WHERE key = ?", (PARTS_KEY + "reply-1",)))
    platform = Platform()
    with caplog.at_level(logging.WARNING):
        assert await send_parts(state, "reply-1", PARTS, platform.send) == "id-three"
    assert [part for _, part in platform.sent] == ["one", "two", "three"]
    assert "could not be read" in caplog.text and await state.keys() == []


class FullDisk(DomainState):
    """The state of a store whose disk is full: nothing can be written."""

    async def set(self, key: str, value: Any, *, expires_at: float | None = None) -> None:
        raise WriteAbortedError("database or disk is full")


async def test_a_note_that_cannot_be_written_does_not_stop_the_reply(store: Store,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    platform = Platform()
    with caplog.at_level(logging.WARNING):
        assert await send_parts(FullDisk(store.state, "chat"), "reply-1", PARTS, platform.send) == "id-three"
    assert [part for _, part in platform.sent] == ["one", "two", "three"]
    assert "Part 1 of a long reply was sent but could not be noted" in caplog.text
