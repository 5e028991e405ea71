"""An answer shown as it is written by editing a message (Telegram's and Discord's ``streaming: edits``).

One message is edited at most every interval; past the platform's limit the message keeps what
fits and the rest starts a new one; the last edit is whole. An edit on the way that fails with a
TransientError (a 429, a dropped connection) is skipped, after the wait a 429 asks for: the next
edit shows its text too, so a blip does not end the answer. The last edit that meets a 429 is
tried once more after the wait asked for (up to LAST_EDIT_WAIT), so the answer stays one message.
The first message of an answer, a message filled to the limit, a last edit that still fails and
an edit refused for good (the message was deleted) end the stream, and the outbound path sends the
answer whole instead.

The messages an answer posts are noted in the channel's durable state under the reply's
idempotency key until the answer is whole: when Roost stops (past ``stop_timeout``) or is killed
while it is written, the run's next try edits those messages instead of posting new ones beside them,
and deletes those it did not need (the model's new answer was shorter). So does the reply when it
goes whole through the outbox instead (the stream failed on the way, or the channel was not online
yet when the try after a restart answered): ``write_into_shown``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from core.errors import PermanentError, TransientError
from core.reply_parts import NOTE_KEPT
from core.textsplit import split

if TYPE_CHECKING:
    from core.store.state import DomainState

_LOGGER = logging.getLogger(__name__)
M = TypeVar("M")
LAST_EDIT_WAIT = 10.0
"""The longest wait a 429 may ask for before the last edit is tried again (longer: the answer is sent whole)."""
SHOWN_KEY = "messages shown:"


async def show_as_written(state: DomainState, key: str, chunks: AsyncIterator[str],
                          show: Callable[[str, M | None, str, int], Awaitable[M]], *,
                          limit: int, parse_mode: str, interval: float,
                          delete: Callable[[M], Awaitable[None]] | None = None) -> M | None:
    """Show chunks as they come with show(text, message_id or None for a new message, text shown, part), which
    returns the message's id, editing the messages an earlier try of this reply (key) posted and deleting with
    delete(message_id) those it did not need; the id of the last message (None: nothing to show)."""
    messages: _Messages[M] = _Messages(state, SHOWN_KEY + key)
    await messages.read()
    text, shown, part = "", "", 0
    message_id: M | None = messages.of(part)
    shown_at = 0.0
    async for chunk in chunks:
        text += chunk
        if len(text) > limit:  # full: this message keeps what fits, the rest starts a new one
            head, *rest = split(text, parse_mode, limit)
            await messages.posted(part, await show(head, message_id, shown, part))
            text, shown, part = "".join(rest), "", part + 1
            message_id = messages.of(part)
            continue
        if text.strip() and time.monotonic() - shown_at >= interval:
            shown_at = time.monotonic()
            try:
                message_id = await messages.posted(part, await show(text, message_id, shown, part))
                shown = text
            except TransientError as err:
                if message_id is None:
                    raise
                _LOGGER.debug("An edit of a streamed answer was skipped: %s", err)
                shown_at += err.retry_after or 0.0
    if text.strip():
        try:
            message_id = await messages.posted(part, await show(text, message_id, shown, part))
        except TransientError as err:
            if message_id is None or not err.retry_after or err.retry_after > LAST_EDIT_WAIT:
                raise
            await asyncio.sleep(err.retry_after)
            message_id = await show(text, message_id, shown, part)
    if delete is not None:
        await messages.delete_after(part, delete)
    await messages.forget()
    return message_id


async def write_into_shown(state: DomainState, key: str, text: str,
                           show: Callable[[str, M | None, str, int], Awaitable[M]],
                           delete: Callable[[M], Awaitable[None]], *, limit: int, parse_mode: str) -> M | None:
    """A reply sent whole whose earlier try was shown as it was written (its messages noted under key): its parts
    go into those messages (one that is gone is posted anew) and those left over are deleted; the id of the last
    message, or None when no message was noted (send it as any other reply)."""
    messages: _Messages[M] = _Messages(state, SHOWN_KEY + key)
    await messages.read()
    if messages.of(0) is None:
        return None
    parts = [part for part in split(text, parse_mode, limit) if part.strip()]
    if not parts:
        return None
    message_id: M | None = None
    for part, piece in enumerate(parts):
        noted = messages.of(part)
        try:
            message_id = await show(piece, noted, "", part)
        except PermanentError:
            if noted is None:
                raise
            # Deleted meanwhile (by the user): the rest goes in new messages, below, and the ones above them go.
            await messages.delete_after(part, delete)
            messages.truncate(part)
            message_id = await show(piece, None, "", part)
        await messages.posted(part, message_id)
    await messages.delete_after(len(parts) - 1, delete)
    await messages.forget()
    return message_id


class _Messages(Generic[M]):
    """The messages of one answer by part, as noted in the channel's state (a note that cannot be read or written
    costs at worst a message posted beside the one an earlier try left)."""

    def __init__(self, state: DomainState, key: str) -> None:
        self._state, self._key = state, key
        self._ids: list[M] = []

    async def read(self) -> None:
        try:
            self._ids = list(await self._state.get(self._key) or [])
        except Exception as err:
            _LOGGER.warning("The messages an earlier try of an answer posted could not be read (%s); it posts anew", err)

    def of(self, part: int) -> M | None:
        return self._ids[part] if part < len(self._ids) else None

    async def posted(self, part: int, message_id: M) -> M:
        """Note message_id as the part's message (a write when it is new to the note); message_id."""
        if part >= len(self._ids) or self._ids[part] != message_id:
            if part < len(self._ids):
                self._ids[part] = message_id
            else:
                self._ids.append(message_id)
            try:
                await self._state.set(self._key, self._ids, expires_at=time.time() + NOTE_KEPT)
            except Exception as err:
                _LOGGER.warning("A streamed answer's message could not be noted (%s); if Roost stops before the"
                                " answer is whole, its next try posts anew", err)
        return message_id

    async def delete_after(self, part: int, delete: Callable[[M], Awaitable[None]]) -> None:
        """Delete the noted messages past part (an earlier try's answer was longer, or they stood below one the user
        deleted)."""
        for message_id in self._ids[part + 1:]:
            try:
                await delete(message_id)
            except (TransientError, PermanentError) as err:  # gone already, or too old: it stays as it was
                _LOGGER.info("A message an earlier try of a streamed answer left could not be deleted: %s", err)

    def truncate(self, part: int) -> None:
        """Forget the messages from part on (the note is written with the next one posted)."""
        del self._ids[part:]

    async def forget(self) -> None:
        if self._ids:
            try:
                await self._state.delete(self._key)
            except Exception as err:  # it expires
                _LOGGER.debug("a note of a streamed answer's messages stays until it expires: %s", err)
