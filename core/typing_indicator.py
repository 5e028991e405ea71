""""typing…" shown in a chat while Roost writes its answer, again and again, as the platform lets it fade.

A model can take a while before its first words (reading a long prompt on a Pi) and longer for a
whole answer; a platform shows "typing…" only for seconds (Telegram 5, Discord ~10, WhatsApp 25).
So while an answer is gathered whole, and while a streamed one has shown nothing yet, the channel
(``core.channel.TypingChannel``) is asked to show it every ``typing_every`` seconds. One that fails
is let be: it only ever adorns the answer; one refused for good (a channel where the bot may not
write) is not asked again for that answer, as Discord counts refusals toward a ban.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from core.errors import PermanentError

_LOGGER = logging.getLogger(__name__)


@asynccontextmanager
async def typing_shown(show_typing: Callable[[], Awaitable[None]], every: float) -> AsyncIterator[None]:
    """Within the block: show_typing() at once and then every `every` seconds."""
    task = asyncio.ensure_future(_keep_showing(show_typing, every))
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def typing_until_written(chunks: AsyncIterator[str], typing: AbstractAsyncContextManager[Any]
                               ) -> AsyncIterator[str]:
    """chunks, within typing (typing_shown) until one that is not blank came: it is passed on once typing
    stopped, so that the platform does not show "typing…" again under the first words."""
    iterator = aiter(chunks)
    async with typing:
        async for chunk in iterator:
            if chunk.strip():
                break
            yield chunk
        else:
            return
    yield chunk
    async for chunk in iterator:
        yield chunk


async def _keep_showing(show_typing: Callable[[], Awaitable[None]], every: float) -> None:
    loop = asyncio.get_running_loop()
    due = loop.time()
    while True:
        try:
            await show_typing()
        except PermanentError as err:  # refused for good (no permission there): asking again only counts against us
            _LOGGER.debug("typing not shown, and not asked again for this answer: %s", err)
            return
        except Exception as err:  # an adornment: a platform that refuses it costs nothing
            _LOGGER.debug("typing not shown: %s", err)
        due += every  # every `every` seconds however long the platform took to answer
        await asyncio.sleep(max(0.0, due - loop.time()))
