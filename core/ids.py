"""Ids that never repeat and, within a process, sort in the order they were made: runs, and messages a platform gave no id.

These ids end up at the front of keys in the store's unique indexes: a message's id, and the
idempotency keys of a run's replies (``{run id}:{step}``). An index takes keys made in order
at its right edge, a few leaf pages that each commit rewrites; random keys (uuid4) land on a
different leaf each time. Once the store held some 50,000 messages, a WAL checkpoint then wrote
~530 distinct pages instead of ~90 and held up the commit that ran it 6-7 ms, about six times a
second at 1,200 messages/s: `scripts/bench.py ws`'s p99 there went from 8.9-9.4 ms to 3.6-4.4 ms
(two interleaved pairs).

They are not secrets: one id tells its neighbours. Where naming an id grants something (a
conversation's replies), use an unguessable one (uuid4).
"""

from __future__ import annotations

import itertools
import os

_COUNT_SPAN = 1 << 32
"""Counts the first 8 hex digits hold."""


class UniqueIds:
    """32 hex digits: a count from a random start (8 digits), then a random suffix of this process (24).

    The first 8 digits, which chats and `roost trace` show for a run, tell ids apart: they step
    by one from id to id (from a random start, so that two processes rarely share them). The
    suffix is fresh in every process, after a fork and whenever the count has gone once round,
    so no id repeats, across restarts too. Cheaper than uuid4, which makes a system call per id.
    """

    __slots__ = ("_count", "_start", "_suffix")

    def __init__(self) -> None:
        self._suffix = ""
        self._start = 0
        self._count: itertools.count[int] = itertools.count()
        self.reseed()

    def reseed(self) -> None:
        """Take a new random suffix and start, and count again."""
        self._suffix = os.urandom(12).hex()
        self._start = int.from_bytes(os.urandom(4))
        self._count = itertools.count()

    def new(self) -> str:
        """A new id."""
        step = next(self._count)
        if step == _COUNT_SPAN:  # gone once round: the same count with a new suffix is a new id
            self.reseed()
            step = next(self._count)
        return f"{(self._start + step) % _COUNT_SPAN:08x}{self._suffix}"


_IDS = UniqueIds()
os.register_at_fork(after_in_child=_IDS.reseed)
new_id = _IDS.new
"""A new id from this process's UniqueIds."""
