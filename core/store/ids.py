"""Row ids handed out before the insert, so values can be encrypted with their row id first.

Ids come from blocks reserved durably in the ``id_blocks`` table through the writer, so two
processes on the same database (the gateway and a ``roost`` command) never hand out the same
id. Within one process ids increase in the order they are taken; a block is fetched ahead of
need, so taking an id almost never waits. Ids of writes that failed or of blocks left unused
at exit are simply skipped (gaps are harmless).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from core.store.schema import reserve_ids


class _Sequence:
    __slots__ = ("low", "high", "spare", "pending")

    def __init__(self) -> None:
        self.low = 0
        self.high = 0
        self.spare: tuple[int, int] | None = None
        self.pending: asyncio.Future[None] | None = None


class IdAllocator:
    """Hands out increasing integer ids per table from durably reserved blocks."""

    def __init__(self, write: Callable[..., Awaitable[Any]], *, block: int = 4096) -> None:
        self._write = write
        self._block = block
        self._low_water = block // 2
        self._sequences: dict[str, _Sequence] = {}

    def take(self, name: str) -> int:
        """Return a new id at once if one is reserved, else 0 (then await ``next``)."""
        seq = self._sequences.get(name)
        if seq is None or seq.low >= seq.high:
            return 0
        value = seq.low
        seq.low += 1
        if seq.spare is None and seq.pending is None and seq.high - seq.low <= self._low_water:
            self._start_reservation(name, seq)
        return value

    async def next(self, name: str) -> int:
        """Return a new id for table `name` (unique across processes sharing the file)."""
        seq = self._sequences.get(name)
        if seq is None:
            seq = self._sequences[name] = _Sequence()
        while True:
            if seq.low < seq.high:
                value = seq.low
                seq.low += 1
                if (
                    seq.spare is None
                    and seq.pending is None
                    and seq.high - seq.low <= self._low_water
                ):
                    self._start_reservation(name, seq)
                return value
            if seq.spare is not None:
                seq.low, seq.high = seq.spare
                seq.spare = None
                continue
            if seq.pending is None:
                self._start_reservation(name, seq)
            assert seq.pending is not None
            await asyncio.shield(seq.pending)

    async def settle(self) -> None:
        """Wait for block reservations in flight (before the writer closes)."""
        pending = [seq.pending for seq in self._sequences.values() if seq.pending is not None]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    def _start_reservation(self, name: str, seq: _Sequence) -> None:
        seq.pending = asyncio.ensure_future(self._reserve(name, seq))
        seq.pending.add_done_callback(_consume_exception)

    async def _reserve(self, name: str, seq: _Sequence) -> None:
        try:
            seq.spare = await self._write(reserve_ids, name, self._block)
        finally:
            seq.pending = None


def _consume_exception(fut: asyncio.Future[None]) -> None:
    """A failed background reservation is reported to the caller that waits; never leak it."""
    if not fut.cancelled():
        fut.exception()
