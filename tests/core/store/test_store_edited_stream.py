"""A streamed answer's messages on a real store: a later try edits them; a note that cannot be read or written."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from core.edited_stream import SHOWN_KEY, show_as_written, write_into_shown
from core.errors import PermanentError
from core.store import Store
from core.store.errors import WriteAbortedError
from core.store.state import DomainState
from tests.core.store.test_store_reply_parts import FullDisk

LIMIT = 20


class Platform:
    """Posts and edits messages; stops the stream (as a stop of Roost would) after `cut` calls."""

    def __init__(self, cut: int | None = None) -> None:
        self.cut = cut
        self.messages: dict[int, str] = {}
        self.calls: list[tuple[str, int | None]] = []

    async def show(self, text: str, message_id: int | None, _shown: str, _part: int) -> int:
        if self.cut is not None and len(self.calls) == self.cut:
            raise WriteAbortedError("Roost stops")  # anything that ends the stream before the answer is whole
        self.calls.append(("post" if message_id is None else "edit", message_id))
        if message_id is not None and message_id not in self.messages:
            raise PermanentError("message to edit not found")
        if message_id is None:
            message_id = sum(call == "post" for call, _ in self.calls)  # ids are never used twice
        self.messages[message_id] = text
        return message_id

    async def delete(self, message_id: int) -> None:
        if message_id not in self.messages:
            raise PermanentError("message to delete not found")
        del self.messages[message_id]


async def words(count: int) -> AsyncIterator[str]:
    for n in range(count):
        yield f"w{n:02} "


async def stream(store: Store, platform: Platform, count: int, state: DomainState | None = None) -> int | None:
    return await show_as_written(state or store.state.of("chat"), "reply-1", words(count), platform.show,
                                 limit=LIMIT, parse_mode="none", interval=0, delete=platform.delete)


async def test_a_later_try_edits_the_messages_an_earlier_one_posted(store: Store) -> None:
    platform = Platform(cut=8)
    with pytest.raises(WriteAbortedError):
        await stream(store, platform, 12)  # 48 characters: three messages of 20 at the most
    posted = [message_id for call, message_id in platform.calls if call == "post"]
    assert posted == [None, None] and await store.state.of("chat").get(SHOWN_KEY + "reply-1") == [1, 2]
    platform.cut = None
    assert await stream(store, platform, 12) == 3
    assert sorted(platform.messages) == [1, 2, 3], "the try went on in messages 1 and 2, and posted only the third"
    assert "".join(platform.messages.values()).split() == [f"w{n:02}" for n in range(12)]
    assert await store.state.of("chat").keys() == []


async def test_the_messages_a_later_shorter_try_does_not_need_are_deleted(store: Store, caplog) -> None:
    platform = Platform(cut=12)
    with pytest.raises(WriteAbortedError):
        await stream(store, platform, 16)  # 64 characters: four messages, three posted when it was cut
    assert sorted(platform.messages) == [1, 2, 3]
    del platform.messages[3]  # the user deleted one of them meanwhile
    platform.cut = None
    with caplog.at_level(logging.INFO):
        assert await stream(store, platform, 3) == 1  # the model's new answer fits in one message
    assert platform.messages == {1: "w00 w01 w02 "}  # message 2 deleted, message 3 gone already
    assert "could not be deleted: message to delete not found" in caplog.text
    assert await store.state.of("chat").keys() == []


WHOLE = "".join(f"w{n:02} " for n in range(8)).strip()  # 31 characters: two messages of 20 at the most


async def whole_after_a_cut_stream(store: Store, platform: Platform, *, deleted: int | None = None) -> int | None:
    """The reply sent whole after its stream posted three messages and failed (one of them deleted by the user)."""
    with pytest.raises(WriteAbortedError):
        await stream(store, platform, 16)
    platform.cut = None
    if deleted is not None:
        del platform.messages[deleted]
    return await write_into_shown(store.state.of("chat"), "reply-1", WHOLE, platform.show, platform.delete,
                                  limit=LIMIT, parse_mode="none")


async def test_a_reply_sent_whole_goes_into_the_messages_its_stream_left(store: Store) -> None:
    platform = Platform(cut=12)
    assert await whole_after_a_cut_stream(store, platform) == 2
    assert sorted(platform.messages) == [1, 2]  # edited, and the third deleted
    assert (platform.messages[1] + platform.messages[2]).split() == WHOLE.split()
    assert await store.state.of("chat").keys() == []
    assert await write_into_shown(store.state.of("chat"), "reply-2", "never streamed", platform.show,
                                  platform.delete, limit=LIMIT, parse_mode="none") is None  # sent as any reply


async def test_after_a_message_the_user_deleted_the_rest_goes_below_in_order(store: Store) -> None:
    platform = Platform(cut=12)
    assert await whole_after_a_cut_stream(store, platform, deleted=1) == 5
    assert sorted(platform.messages) == [4, 5]  # 2 and 3 deleted: the parts posted anew, in order
    assert (platform.messages[4] + platform.messages[5]).split() == WHOLE.split()
    assert await store.state.of("chat").keys() == []


async def test_a_damaged_note_posts_the_answer_anew(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    state = store.state.of("chat")
    await state.set(SHOWN_KEY + "reply-1", [7])
    await store.db.write(lambda c: c.execute("UPDATE state SET value = zeroblob(40) WHERE key = ?",
                                             (SHOWN_KEY + "reply-1",)))
    platform = Platform()
    with caplog.at_level(logging.WARNING):
        assert await stream(store, platform, 3) == 1
    assert platform.calls[0] == ("post", None) and "could not be read" in caplog.text
    assert await state.keys() == []


async def test_a_note_that_cannot_be_written_does_not_stop_the_answer(store: Store,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    platform = Platform()
    with caplog.at_level(logging.WARNING):
        assert await stream(store, platform, 3, FullDisk(store.state, "chat")) == 1
    assert platform.messages == {1: "w00 w01 w02 "} and "could not be noted" in caplog.text
