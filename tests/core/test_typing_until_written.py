"""core.edited_stream.typing_until_written: "typing…" shown again until an answer begins, and never a piece lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from core.edited_stream import typing_until_written
from core.errors import TransientError


async def _answer(pieces: list[tuple[float, str]], ended: list[str]) -> AsyncIterator[str]:
    try:
        for pause, piece in pieces:
            await asyncio.sleep(pause)
            yield piece
        ended.append("whole")
    finally:
        ended.append("closed")


async def test_typing_is_shown_every_interval_until_a_piece_with_text_and_every_piece_passes() -> None:
    shown: list[float] = []
    loop = asyncio.get_running_loop()

    async def typing() -> None:
        shown.append(loop.time())

    ended: list[str] = []
    start = loop.time()
    pieces = [(0.25, " "), (0.3, "first"), (0.5, " second"), (0.0, " third")]
    got = [piece async for piece in typing_until_written(_answer(pieces, ended), typing, 0.1)]
    assert got == [" ", "first", " second", " third"] and ended == ["whole", "closed"]
    assert 4 <= len(shown) <= 6  # 0.55 s before the first text, every 0.1 s: none during the 0.5 s after it
    assert all(at - start < 0.6 for at in shown)


async def test_a_typing_that_fails_is_let_be() -> None:
    async def typing() -> None:
        raise TransientError("Telegram asks to wait", retry_after=1.0)

    ended: list[str] = []
    got = [piece async for piece in typing_until_written(_answer([(0.25, "late")], ended), typing, 0.05)]
    assert got == ["late"]


async def test_a_stop_while_waiting_for_the_first_piece_ends_the_answer_too() -> None:
    async def typing() -> None:
        return None

    ended: list[str] = []

    async def consume() -> None:
        async for _piece in typing_until_written(_answer([(30.0, "never")], ended), typing, 0.05):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)
    assert ended == ["closed"]  # the model's stream is not left waiting on its own
