"""Phone numbers in national form, as people write them, and the numbers of documentation and logs that are none."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import default_registry


@pytest.mark.parametrize(("text", "phone"), [
    ("phone:07700900123", "07700900123"),  # a phone word and its colon, no space
    ("phoneNumber:206-555-1111", "206-555-1111"),
    ("(+44) 7700 900123", "(+44) 7700 900123"),  # the country code in brackets
    ("call (+1) 415-555-0132 now", "(+1) 415-555-0132"),
])
def test_a_phone_number_right_after_its_words_colon_or_with_its_country_code_in_brackets(text: str, phone: str) -> None:
    assert [(f.entity, f.text) for f in default_registry().analyze(text)] == [("PHONE", phone)]


@pytest.mark.parametrize("text", ["ArXiv:0905.4913 [Math]", "at 12:30:07700900123", "x (+44) 12"])
def test_digits_after_another_colon_are_no_phone_number(text: str) -> None:
    assert [f for f in default_registry().analyze(text) if f.entity == "PHONE"] == []


def test_a_block_of_digits_is_a_national_phone_only_after_a_phone_word() -> None:
    registry = default_registry()
    assert [f.text for f in registry.analyze("Tel. 4155550132")] == ["4155550132"]
    assert registry.analyze("ref 4155550132") == [] and registry.analyze("共 4155550132 次") == []


@pytest.mark.parametrize("text", [
    "// Prints: <Buffer 01 02 03 04 05 06 07 08>",  # a dump of bytes, not a French number in pairs
    "51 Franklin Street, Fifth Floor, Boston, MA 02110-1301, USA.",  # a ZIP+4 code
    "(merge 0650614982 cy/completion-typofix later to maint).",  # a commit's hash of digits only
    "* [`0847954331`](https://github.com/nodejs/node/commit/0847954331) - deps",  # code, and a URL's path
    'numchars = "0123456789"',  # digits that count up: the digits code lists, a placeholder
    "digits 01 23 45 67 89 or 9876543210",
    "main term = (-30190318549.138656312556 - 13964804384.624622876523j)",  # a decimal number's integer part
])
def test_numbers_of_documentation_and_logs_are_no_phones(text: str) -> None:
    assert [f for f in default_registry().analyze(text) if f.entity == "PHONE"] == []


def test_a_zip_plus_4_shape_after_a_phone_word_is_a_phone() -> None:
    assert [f.text for f in default_registry().analyze("Tel: 02110-1301")] == ["02110-1301"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Office (235) 337-4068 x124, thanks", "(235) 337-4068 x124"),
        ("desk 212-555-0187 ext. 12 until five", "212-555-0187 ext. 12"),
        ("Berlin 030/12345678", "030/12345678"),
        ("Telefon 030 / 123 456 78", "030 / 123 456 78"),
        ("Bruxelles 02/ 345 67 89", "02/ 345 67 89"),
        ("（07700900123）", "07700900123"),  # one block from a trunk 0: how national numbers are written
        ("请拨打0912345678联系我", "0912345678"),
        ("手机 9876543210", "9876543210"),  # an Indian mobile, without its trunk 0
        ("from abroad 0044 20 7946 0958", "0044 20 7946 0958"),  # a country code after the 00 prefix
        ("（0412 345 678）", "0412 345 678"),  # grouped as in Australia
        ("Madrid 612 34 56 78", "612 34 56 78"),  # grouped as in Spain
        ("电话 21 43 65 87", "21 43 65 87"),  # a Hong Kong number grouped otherwise, after a phone word
    ],
)
def test_national_phones_as_people_write_them(text: str, expected: str) -> None:
    assert [f.text for f in default_registry().analyze(text)] == [expected]


@pytest.mark.parametrize(
    ("text", "lookalike"),
    [("Reach me on 9876543210", "9876543210"), ("timestamp 1704441045 电话 010-62345678", "1704441045"),
     ("screen 1920x1080 pixels", "1920x1080"), ("page 12/345678", "12/345678"), ("ratio 3/4567890", "3/4567890"),
     ("score 0/1234567", "0/1234567"), ("订单号 07700900123 已发货", "07700900123"),
     ("0012025550132 is a padded id", "0012025550132"), ("the codes 21 43 65 87 are", "21 43 65 87"),
     ("坐标 31 23 45 67", "31 23 45 67"), ("ABA 094504512", "094504512"), ("UPC 067153348373 in stock", "067153348373")],
)
def test_national_phone_lookalikes(text: str, lookalike: str) -> None:
    found = [f.text for f in default_registry().analyze(text)]
    assert not any(lookalike in value or value in lookalike for value in found), found


def test_a_phone_threshold_of_075_keeps_numbers_with_a_word_or_of_the_first_region() -> None:
    registry = default_registry()
    texts_ = ["（07911 123456）", "Call 07911 123456", "415-555-0132 alone", "一串 01065432178"]
    assert [[f.text for f in registry.analyze(t)] for t in texts_] == [
        ["07911 123456"], ["07911 123456"], ["415-555-0132"], ["01065432178"]]
    strict = [[f.text for f in registry.analyze(t, thresholds={"PHONE": 0.75})] for t in texts_]
    assert strict == [[], ["07911 123456"], ["415-555-0132"], []]


@pytest.mark.parametrize(("text", "phone"), [
    ("call me at 555-0132", "555-0132"),
    ("Can someone call me on 450 0840? I have questions", "450 0840"),
    ("my number is 467 3395", "467 3395"),
    ("Phone:\n467 3395\n\nE-mail:", "467 3395"),  # a form's value on the line after its label
])
def test_a_local_number_without_its_area_code_is_found_after_a_phone_word(text: str, phone: str) -> None:
    assert [(f.entity, f.text) for f in default_registry().analyze(text)] == [("PHONE", phone)]


@pytest.mark.parametrize("text", [
    "see 555-0132 below",  # no phone word: a range, a part's number
    "room 467 3395",
    "call 4673395 now",  # one block of 7 digits: no grouping says phone
])
def test_seven_digits_are_no_phone_without_a_phone_word_and_groups(text: str) -> None:
    assert [f for f in default_registry().analyze(text) if f.entity == "PHONE"] == []


def test_a_desks_number_is_a_phone() -> None:
    assert [f.text for f in default_registry().analyze("Mobile: 737 219 628\nDesk: 5403926876")][-1] == "5403926876"
