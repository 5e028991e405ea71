"""A long reply sent as several messages, each of them once.

A platform's message limit splits a long reply into parts, sent one after the other. When a send
fails after some parts went out (a rate limit, the network, Roost stopping), the outbox tries the
whole reply again; so each part sent is noted in the channel's durable state under the reply's
idempotency key, and a later try, in this process or after a restart, begins at the first part
not sent. A reply of one part notes nothing.

Where the platform paces each chat (``PacedChannel.turn_in``), a part that would have to wait for
the chat's turn is not waited for here: the parts sent so far are noted and ``NotItsTurn`` hands
the reply back to the outbound queue, which sends to other chats meanwhile and goes on with this
one at its turn. So does a part the platform refuses for the chat's pace (a TransientError after
which turn_in() says to wait) once a part of this try went: a try that sent something has not
failed, and a long reply that meets the limit at every few parts is not given up after the
attempt limit. A try refused at its first part is a failed attempt (a limit that never lets go
ends at the attempt limit).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from core.errors import NotItsTurn, TransientError

if TYPE_CHECKING:
    from core.store.state import DomainState

_LOGGER = logging.getLogger(__name__)
PARTS_KEY = "parts sent:"
NOTE_KEPT = 30 * 86400
"""Seconds a channel's note of a reply's progress (its parts sent; a streamed answer's messages, core.edited_stream)
is kept for a reply that never goes whole (it is dead-lettered, or waits out a month-long outage); a try after
that begins anew."""


async def send_parts(state: DomainState, key: str, parts: list[str], send_part: Callable[[int, str], Awaitable[str]],
                     turn_in: Callable[[], float] | None = None) -> str:
    """Send the parts that are not blank in order with send_part(index, part), but those an earlier try of this reply
    sent; the id of the last. NotItsTurn when turn_in() says the chat's next turn is to come after a part went
    (before the next part, or once the platform refused it)."""
    parts = [part for part in parts if part.strip()]
    if len(parts) <= 1:
        return await send_part(0, parts[0]) if parts else ""
    noted = PARTS_KEY + key
    turn_to_come = turn_in or (lambda: 0.0)
    try:
        done, last = await state.get(noted) or (0, "")
    except Exception as err:  # a damaged note: sending a part twice beats not sending the reply
        _LOGGER.warning("The parts sent of a long reply could not be read (%s); it is sent whole", err)
        done, last = 0, ""
    for index in range(done, len(parts)):
        if index > done and (wait := turn_to_come()) > 0:
            raise NotItsTurn(wait)  # the next try begins here (noted below), at the chat's turn
        try:
            last = await send_part(index, parts[index])
        except TransientError as err:
            if index > done and (wait := turn_to_come()) > 0:
                _LOGGER.debug("part %d of a long reply waits for the chat's turn: %s", index + 1, err)
                raise NotItsTurn(wait) from None  # refused for the chat's pace: not a failed attempt
            raise
        if index + 1 < len(parts):
            try:
                await state.set(noted, [index + 1, last], expires_at=time.time() + NOTE_KEPT)
            except Exception as err:  # the store cannot write now (a full disk): the rest still goes
                _LOGGER.warning("Part %d of a long reply was sent but could not be noted (%s); if a later part"
                                " fails, it is sent again", index + 1, err)
    try:
        await state.delete(noted)
    except Exception as err:  # it expires
        _LOGGER.debug("a note of parts sent stays until it expires: %s", err)
    return last
