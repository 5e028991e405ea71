"""Unique ids: never repeated, in the order they were made, and told apart by their first digits."""

from __future__ import annotations

import os

import pytest

import core.ids
from core.ids import UniqueIds, new_id


def test_ids_are_unique_shaped_like_uuid_hex_and_their_first_digits_tell_them_apart() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert len(set(ids)) == 10_000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert len({i[:8] for i in ids}) == 10_000, "the short form chats and `roost trace` show"
    assert UniqueIds().new()[8:] != UniqueIds().new()[8:]  # each process (or reseed) takes a new suffix


def test_ids_made_in_a_row_sort_in_the_order_they_were_made() -> None:
    """What keeps the store's unique indexes growing at their right edge instead of all over."""
    ids = UniqueIds()
    made = [ids.new() for _ in range(1_000)]
    if made[0] > made[-1]:  # the count went round inside this run: start again from the new start
        made = [ids.new() for _ in range(1_000)]
    assert made == sorted(made)


def test_after_the_count_goes_round_the_suffix_changes_so_no_id_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core.ids, "_COUNT_SPAN", 16)
    ids = UniqueIds()
    made = [ids.new() for _ in range(50)]
    assert len(set(made)) == 50
    assert len({i[8:] for i in made}) == 4, "a new suffix each time round (16 ids each)"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_takes_a_new_suffix() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, new_id().encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert child[8:] != new_id()[8:]
