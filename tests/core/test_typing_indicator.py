"""core.typing_indicator: "typing…" shown again and again while an answer is written, and never a piece lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from core.errors import PermanentError, TransientError
from core.typing_indicator import typing_shown, typing_until_written


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
    got = [piece async for piece in typing_until_written(_answer(pieces, ended), typing_shown(typing, 0.1))]
    assert got == [" ", "first", " second", " third"] and ended == ["whole", "closed"]
    assert 3 <= len(shown) <= 6  # 0.55 s before the first text, every 0.1 s: none during the 0.5 s after it
    assert all(at - start < 0.6 for at in shown)


async def test_typing_stops_before_the_first_words_are_passed_on() -> None:
    loop = asyncio.get_running_loop()
    shown: list[float] = []

    async def typing() -> None:
        shown.append(loop.time())

    handed = 0.0
    async for piece in typing_until_written(_answer([(0.25, "first"), (0.0, " next")], []), typing_shown(typing, 0.05)):
        if piece == "first":
            handed = loop.time()
            await asyncio.sleep(0.3)  # the platform takes a while to show the first words
    assert shown and all(at < handed for at in shown)  # "typing…" would show again under them


async def test_typing_keeps_its_pace_though_the_platform_is_slow_to_answer() -> None:
    shown: list[float] = []

    async def slow_typing() -> None:
        shown.append(asyncio.get_running_loop().time())
        await asyncio.sleep(0.08)

    async with typing_shown(slow_typing, 0.1):
        await asyncio.sleep(0.55)
    assert len(shown) >= 5  # every 0.1 s, not every 0.18 s (the answer's wait and then the interval)


async def test_a_typing_that_fails_is_let_be() -> None:
    async def typing() -> None:
        raise TransientError("Telegram asks to wait", retry_after=1.0)

    got = [piece async for piece in typing_until_written(_answer([(0.25, "late")], []), typing_shown(typing, 0.05))]
    assert got == ["late"]


async def test_typing_refused_for_good_is_not_asked_again_for_that_answer() -> None:
    asked: list[float] = []

    async def refused() -> None:
        asked.append(asyncio.get_running_loop().time())
        raise PermanentError("Discord refused it (403, code 50013): Missing Permissions")

    async with typing_shown(refused, 0.05):
        await asyncio.sleep(0.3)
    assert len(asked) == 1  # each refusal counts toward Discord's limit of invalid requests


async def test_typing_ends_with_the_block_that_showed_it_though_the_block_was_cancelled() -> None:
    shown: list[float] = []

    async def typing() -> None:
        shown.append(asyncio.get_running_loop().time())

    async def gather() -> None:
        async with typing_shown(typing, 0.05):
            await asyncio.sleep(30)

    task = asyncio.create_task(gather())
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    count = len(shown)
    await asyncio.sleep(0.2)
    assert 3 <= count <= 6 and len(shown) == count
