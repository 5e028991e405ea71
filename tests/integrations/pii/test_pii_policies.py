"""Policies: masks keep the configured head and tail, hashes are keyed, placeholders are stable."""

from __future__ import annotations

from integrations.pii.policies import (
    PLACEHOLDER_RE,
    EntityPolicy,
    PlaceholderBook,
    hash_token,
    mask_value,
    normalize,
)

KEY = b"k" * 32


def test_mask_keeps_head_tail_and_separators() -> None:
    assert mask_value("13812345678", 3, 4) == "138****5678"
    assert mask_value("138 1234 5678", 3, 4) == "138 **** 5678"
    assert mask_value("4111-1111-1111-1111", 0, 4) == "****-****-****-1111"
    assert mask_value("a@b.com", 1, 0, "#") == "a@#.###"
    assert mask_value("abc", 2, 2) == "***"  # too short to keep anything safely
    assert mask_value("", 3, 4) == ""


def test_hash_is_keyed_short_and_normalized() -> None:
    token = hash_token("EMAIL", "Alice@Example.com", KEY)
    assert PLACEHOLDER_RE.fullmatch(token) is None
    assert token.startswith("[EMAIL#") and token.endswith("]") and len(token) == len("[EMAIL#]") + 8
    assert token == hash_token("EMAIL", "alice@example.com", KEY)
    assert token != hash_token("EMAIL", "alice@example.com", b"j" * 32)
    assert token != hash_token("EMAIL", "bob@example.com", KEY)
    assert hash_token("PHONE", "138 1234 5678", KEY) == hash_token("PHONE", "13812345678", KEY)
    assert len(hash_token("PHONE", "13812345678", KEY, 16)) == len("[PHONE#]") + 16


def test_normalize() -> None:
    assert normalize("CARD", "4111-1111 1111.1111") == "4111111111111111"
    assert normalize("CN_ID", "11010519491231002x") == "11010519491231002X"
    assert normalize("SECRET", "AbC") == "AbC"


def test_entity_policy_defaults_per_type() -> None:
    assert (
        EntityPolicy.for_entity("PHONE").keep_head,
        EntityPolicy.for_entity("PHONE").keep_tail,
    ) == (3, 4)
    assert EntityPolicy.for_entity("SECRET").keep_tail == 0
    assert EntityPolicy.for_entity("CUSTOM").keep_tail == 4
    assert EntityPolicy.for_entity("PHONE", {"keep_tail": 2}).keep_tail == 2


def test_placeholder_book_numbers_per_type_and_reuses() -> None:
    book = PlaceholderBook()
    assert book.placeholder_for("PHONE", "13812345678") == "[PHONE_1]"
    assert book.placeholder_for("EMAIL", "a@b.com") == "[EMAIL_1]"
    assert book.placeholder_for("PHONE", "139 1234 5678") == "[PHONE_2]"
    assert book.placeholder_for("PHONE", "138-1234-5678") == "[PHONE_1]"
    assert book.mapping == {
        "[PHONE_1]": "13812345678",
        "[EMAIL_1]": "a@b.com",
        "[PHONE_2]": "139 1234 5678",
    }
    again = PlaceholderBook(book.mapping)
    assert not again.changed
    assert again.placeholder_for("PHONE", "13912345678") == "[PHONE_2]"
    assert not again.changed
    assert again.placeholder_for("PHONE", "13712345678") == "[PHONE_3]"
    assert again.changed


def test_entity_names_with_underscores_and_digits_round_trip() -> None:
    book = PlaceholderBook()
    assert book.placeholder_for("CN_ID", "x") == "[CN_ID_1]"
    assert book.placeholder_for("EMPLOYEE_ID2", "y") == "[EMPLOYEE_ID2_1]"
    reread = PlaceholderBook(book.mapping)
    assert reread.placeholder_for("CN_ID", "z") == "[CN_ID_2]"
    assert reread.placeholder_for("EMPLOYEE_ID2", "y") == "[EMPLOYEE_ID2_1]"
