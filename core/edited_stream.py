"""An answer shown as it is written by editing a message (Telegram's and Discord's ``streaming: edits``).

One message is edited at most every interval; past the platform's limit the message keeps what
fits and the rest starts a new one; the last edit is whole. An edit on the way that fails with a
TransientError (a 429, a dropped connection) is skipped, after the wait a 429 asks for: the next
edit shows its text too, so a blip does not end the answer. The last edit that meets a 429 is
tried once more after the wait asked for (up to LAST_EDIT_WAIT), so the answer stays one message.
The first message of an answer, a message filled to the limit, a last edit that still fails and
an edit refused for good (the message was deleted) end the stream, and the outbound path sends the
answer whole instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from core.errors import TransientError
from core.textsplit import split

_LOGGER = logging.getLogger(__name__)
M = TypeVar("M")
LAST_EDIT_WAIT = 10.0
"""The longest wait a 429 may ask for before the last edit is tried again (longer: the answer is sent whole)."""


async def show_as_written(chunks: AsyncIterator[str], show: Callable[[str, M | None, str, int], Awaitable[M]], *,
                          limit: int, parse_mode: str, interval: float) -> M | None:
    """Show chunks as they come with show(text, message_id or None for a new message, text shown, part), which
    returns the message's id; the id of the last message (None: nothing to show)."""
    text, shown, message_id, shown_at, part = "", "", None, 0.0, 0
    async for chunk in chunks:
        text += chunk
        if len(text) > limit:  # full: this message keeps what fits, the rest starts a new one
            head, *rest = split(text, parse_mode, limit)
            await show(head, message_id, shown, part)
            text, shown, message_id, part = "".join(rest), "", None, part + 1
            continue
        if text.strip() and time.monotonic() - shown_at >= interval:
            shown_at = time.monotonic()
            try:
                message_id = await show(text, message_id, shown, part)
                shown = text
            except TransientError as err:
                if message_id is None:
                    raise
                _LOGGER.debug("An edit of a streamed answer was skipped: %s", err)
                shown_at += err.retry_after or 0.0
    if text.strip():
        try:
            message_id = await show(text, message_id, shown, part)
        except TransientError as err:
            if message_id is None or not err.retry_after or err.retry_after > LAST_EDIT_WAIT:
                raise
            await asyncio.sleep(err.retry_after)
            message_id = await show(text, message_id, shown, part)
    return message_id
