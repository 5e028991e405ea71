"""Streaming restoration: every split of a reply restores the same, held text stays bounded."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from integrations.pii.restore import PlaceholderRestorer

MAPPING = {
    "[PHONE_1]": "13812345678",
    "[PHONE_12]": "13912345678",
    "[CN_ID_1]": "11010519491231002X",
    "[EMAIL_1]": "alice@example.com",
}
REPLY = "好的，[PHONE_1] 和 [PHONE_12]，证件 [CN_ID_1]；[PHONE_9] 未知，[EMAIL_1]] [x] [PHONE_"
EXPECTED = "好的，13812345678 和 13912345678，证件 11010519491231002X；[PHONE_9] 未知，alice@example.com] [x] [PHONE_"


def run(chunks: list[str], mapping: dict[str, str] = MAPPING) -> str:
    """Feed the chunks through a fresh restorer and collect everything it emits."""
    restorer = PlaceholderRestorer(mapping)
    return "".join(restorer.feed(c) for c in chunks) + restorer.flush()


def test_whole_reply() -> None:
    assert run([REPLY]) == EXPECTED
    assert PlaceholderRestorer(MAPPING).restore(REPLY) == EXPECTED


def test_every_split_point() -> None:
    for i in range(len(REPLY) + 1):
        assert run([REPLY[:i], REPLY[i:]]) == EXPECTED, i
        for j in range(i, len(REPLY) + 1, 5):
            assert run([REPLY[:i], REPLY[i:j], REPLY[j:]]) == EXPECTED, (i, j)


def test_character_by_character() -> None:
    assert run(list(REPLY)) == EXPECTED


def test_split_placeholder_is_held_then_replaced() -> None:
    restorer = PlaceholderRestorer(MAPPING)
    assert restorer.feed("call [PHO") == "call "
    assert restorer.pending == "[PHO"
    assert restorer.feed("NE_1] now") == "13812345678 now"
    assert restorer.pending == ""


def test_unknown_bracket_is_not_held() -> None:
    restorer = PlaceholderRestorer(MAPPING)
    assert restorer.feed("array[0") == "array[0"
    assert restorer.feed(" [see") == " [see"
    assert restorer.feed(" [PHONE_1") == " "
    assert restorer.feed("x") == "[PHONE_1x"  # cannot become a placeholder any more


def test_hold_is_bounded_by_the_longest_placeholder() -> None:
    restorer = PlaceholderRestorer(MAPPING)
    longest = max(map(len, MAPPING))
    for ch in "[CN_ID_1" + "z" * 50:
        restorer.feed(ch)
        assert len(restorer.pending) < longest


def test_empty_mapping_passes_through() -> None:
    restorer = PlaceholderRestorer({})
    assert restorer.feed("[PHO") == "[PHO"
    assert restorer.flush() == ""


def test_restored_value_is_not_restored_again() -> None:
    mapping = {"[SECRET_1]": "[PHONE_1]", "[PHONE_1]": "13812345678"}
    assert run(["[SECRET_1]"], mapping) == "[PHONE_1]"


@given(st.lists(st.integers(min_value=0, max_value=len(REPLY)), max_size=12))
def test_any_chunking(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    chunks = [REPLY[a:b] for a, b in zip([0, *points], [*points, len(REPLY)], strict=True)]
    assert run(chunks) == EXPECTED
