"""After start the gateway freezes its heap: the garbage with it after a usual start, collected first after a long one."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from core.cli.run_commands import FREEZE_UNCOLLECTED_UP_TO, settle_heap


class _Cycle:
    """An object that refers to itself: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def paused() -> Iterator[None]:
    """The collector paused as during a start; afterwards as it was, nothing left frozen."""
    threshold = gc.get_threshold()
    gc.collect()
    gc.disable()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    gc.enable()


def test_after_a_usual_start_the_garbage_is_frozen_with_the_heap(paused: None) -> None:
    probe = weakref.ref(_Cycle())
    settle_heap()
    assert gc.isenabled()
    gc.collect()
    assert probe() is not None, "frozen: no collection looks at it"


def test_after_a_start_that_made_more_than_a_load_the_garbage_is_collected_first(paused: None) -> None:
    probe = weakref.ref(_Cycle())
    for _ in range(FREEZE_UNCOLLECTED_UP_TO):
        _Cycle()
    assert gc.get_count()[0] > FREEZE_UNCOLLECTED_UP_TO
    settle_heap()
    assert gc.isenabled()
    assert probe() is None
