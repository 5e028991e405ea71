"""Context words: questions about a window, and about the whole text answered for every kind at once."""

from __future__ import annotations

from integrations.pii import context
from integrations.pii.context import Words


def asked(*kinds: Words) -> tuple[Words, ...]:
    """kinds, each asked once, so that the next question scans for all of them together."""
    for kind in kinds:
        kind.anywhere("")
    return kinds


def test_a_word_is_found_anywhere_whatever_its_case() -> None:
    card = Words("card", "银行卡")
    assert card.anywhere("My CARD number follows")
    assert card.anywhere("请提供银行卡号")
    assert not card.anywhere("a discount cart")


def test_a_kind_whose_word_starts_another_kinds_word_at_the_same_place_is_found() -> None:
    card, holder = asked(Words("card"), Words("cardholder"))
    text = "the cardholder signs"
    assert holder.anywhere(text)
    assert card.anywhere(text)
    assert not holder.anywhere("the card signs")


def test_words_that_overlap_at_different_places_are_each_found() -> None:
    passport, sport = asked(Words("passport"), Words("sport"))
    assert sport.anywhere("my passport, please")
    assert passport.anywhere("my passport, please")
    assert not passport.anywhere("a sport, please")


def test_a_kind_asked_first_about_a_text_already_scanned_gets_its_own_answer() -> None:
    text = "call the fax desk"
    assert Words("call").anywhere(text)
    assert Words("fax desk").anywhere(text)  # a kind new to the scan: the text is scanned again
    assert not Words("telex").anywhere(text)


def test_in_text_looks_only_within_the_window() -> None:
    phone = Words("tel")
    text = "tel 123, then 456"
    assert phone.in_text(text, 0, 4)
    assert not phone.in_text(text, 4, len(text))
    assert not phone.in_text(text, 1, 4)  # the word must lie wholly inside


def test_occurrences_in_a_window_are_those_wholly_inside_it() -> None:
    card, account = asked(Words("card", "卡号"), Words("account"))
    text = "card 1, account 2, 卡号 3, Card 4" + " filler" * 1000 + " card 5"
    everywhere = card.occurrences(text)
    assert [at for at, _ in everywhere] == [0, 19, 25, len(text) - 6]
    assert card.occurrences(text, 1, 30) == [(19, "卡号"), (25, "card")]
    assert card.occurrences(text, 1, 28) == [(19, "卡号")]  # "Card" would end past the window
    assert card.occurrences(text, 0, 3) == []
    assert card.occurrences(text, 25, 29) == [(25, "card")]
    assert card.occurrences(text, len(text) - 7) == [(len(text) - 6, "card")]
    assert account.occurrences(text, 0, 30) == [(8, "account")]


def test_the_scan_is_made_once_for_every_kind_made_before_it() -> None:
    first, second = Words("zebra"), Words("yak")
    assert first.anywhere("a zebra")
    scan = context._SCAN._union
    assert second.anywhere("a yak") and not second.anywhere("a zebra")
    assert context._SCAN._union is scan  # the second kind was in it already: not made anew


def test_a_kind_searched_in_windows_joins_the_scan_only_when_asked_about_a_whole_text() -> None:
    windows = Words("okapi", scanned=False)
    assert windows.in_text("an okapi", 0, 8)
    Words("gnu").anywhere("a gnu")  # the scan made after the kind
    assert windows not in context._SCAN._union.joined
    assert windows.anywhere("an okapi") and not windows.anywhere("a gnu")
    assert windows in context._SCAN._union.joined
