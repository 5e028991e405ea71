"""Streaming restoration: every split of a reply restores the same, held text stays bounded."""

from __future__ import annotations

import pytest
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


@pytest.mark.parametrize(
    ("written", "restored"),
    [
        ("Please, refer to your phone number, [phone_1].", "Please, refer to your phone number, 13812345678."),
        ("Welcome to the CARD_1 game!", "Welcome to the 4111111111111111 game!"),  # as the bundled model wrote them
        ("ID: [CN ID 1], or [cn-id-1], or [CNID1]", "ID: 11010519491231002X, or 11010519491231002X, or 11010519491231002X"),
        ("call [PHONE_1 now", "call 13812345678 now"),  # the closing bracket forgotten
        ("PHONE_12 and phone_1.", "13912345678 and 13812345678."),
        ("the phone 1 is new; PHONE1, xPHONE_1, PHONE_1x, [PHONE_1x", "the phone 1 is new; PHONE1, xPHONE_1, PHONE_1x, [PHONE_1x"),
    ],
)
def test_placeholders_as_models_write_them_back(written: str, restored: str) -> None:
    mapping = {**MAPPING, "[CARD_1]": "4111111111111111"}
    assert PlaceholderRestorer(mapping).restore(written) == restored
    for i in range(len(written) + 1):  # and streamed, cut anywhere
        assert run([written[:i], written[i:]], mapping) == restored, i


def test_placeholders_a_model_cannot_tell_apart_are_restored_only_as_given() -> None:
    mapping = {"[AB_12]": "x", "[AB1_2]": "y"}
    assert PlaceholderRestorer(mapping).restore("[AB_12] [AB1_2] [ab 12] AB_12") == "x y [ab 12] AB_12"


def test_a_whole_placeholder_is_not_held() -> None:
    restorer = PlaceholderRestorer(MAPPING)
    assert restorer.feed("call [PHONE_1]") == "call 13812345678"
    assert restorer.feed(" or PHONE_1") == " or "  # may become PHONE_12
    assert restorer.feed(".") == "13812345678."
