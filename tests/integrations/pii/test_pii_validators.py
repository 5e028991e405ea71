"""Validators: check digits, dates and regions decide, and every single-digit change is caught."""

from __future__ import annotations

import datetime as dt
import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from integrations.pii.numeric import CardRecognizer, CnIdRecognizer
from integrations.pii.validators import (
    CN_PROVINCE_CODES,
    IBAN_LENGTHS,
    cn_id_check_char,
    is_valid_cn_id,
    is_valid_cn_id15,
    is_valid_iban,
    is_valid_ipv4,
    is_valid_ipv6,
    luhn_check_digit,
    luhn_valid,
)

TODAY = dt.date(2024, 6, 1)
DIGITS = "0123456789"


@st.composite
def cn_ids(draw: st.DrawFn) -> str:
    """A valid 18-character resident ID built from a random body."""
    region = draw(st.sampled_from(sorted(CN_PROVINCE_CODES))) + draw(
        st.text(DIGITS, min_size=4, max_size=4)
    )
    born = draw(st.dates(min_value=dt.date(1901, 1, 1), max_value=TODAY))
    serial = draw(st.text(DIGITS, min_size=3, max_size=3))
    body = f"{region}{born:%Y%m%d}{serial}"
    return body + cn_id_check_char(body)


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    """A valid card number: a real issuer prefix, a random body, the Luhn digit."""
    prefix, length = draw(
        st.sampled_from([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15),
                         ("37", 15), ("6011", 16), ("62", 16), ("62", 19), ("3530", 16)])
    )  # fmt: skip
    body = prefix + draw(
        st.text(DIGITS, min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1)
    )
    return body + luhn_check_digit(body)


def substitutions(value: str, alphabet: str) -> list[str]:
    """Every string that differs from value in exactly one character taken from alphabet."""
    return [
        value[:i] + ch + value[i + 1 :]
        for i in range(len(value))
        for ch in alphabet
        if ch != value[i]
    ]


def test_known_ids_pass_and_fail() -> None:
    assert is_valid_cn_id("11010519491231002X")
    assert is_valid_cn_id("11010519491231002x")
    assert not is_valid_cn_id("110105194912310021")  # wrong check character
    assert not is_valid_cn_id("11010519491231002")  # 17 characters


@given(cn_ids())
def test_valid_cn_ids_pass(value: str) -> None:
    assert is_valid_cn_id(value, today=TODAY)


@given(cn_ids())
def test_every_single_character_change_of_an_id_fails(value: str) -> None:
    for changed in substitutions(value[:17], DIGITS):
        assert not is_valid_cn_id(changed + value[17], today=TODAY), changed
    for check in "0123456789X":
        if check != value[17].upper():
            assert not is_valid_cn_id(value[:17] + check, today=TODAY)


@given(cn_ids())
def test_recognizer_finds_valid_ids_and_no_changed_one(value: str) -> None:
    recognizer = CnIdRecognizer()
    found = list(recognizer.find(f"身份证号{value}。"))
    assert [(f.entity, f.text) for f in found] == [("CN_ID", value)]
    for changed in substitutions(value, DIGITS)[::7]:
        assert not list(recognizer.find(f"身份证号{changed}。")), changed


def test_id_birth_date_must_be_real_past_and_after_1900() -> None:
    def make(date: str, region: str = "110105") -> str:
        """A well-formed ID with this birth date and a correct check character."""
        body = f"{region}{date}123"
        return body + cn_id_check_char(body)

    assert is_valid_cn_id(make("20000229"), today=TODAY)  # leap day
    assert not is_valid_cn_id(make("19000229"), today=TODAY)  # 1900 is no leap year (and too old)
    assert not is_valid_cn_id(make("20230229"), today=TODAY)
    assert not is_valid_cn_id(make("19901332"), today=TODAY)
    assert not is_valid_cn_id(make("19900431"), today=TODAY)
    assert not is_valid_cn_id(make("19000101"), today=TODAY)
    assert not is_valid_cn_id(make("20240602"), today=TODAY)  # tomorrow
    assert is_valid_cn_id(make("20240601"), today=TODAY)


def test_id_region_must_be_a_province() -> None:
    for region in ("000000", "100000", "160000", "390000", "720000", "990000"):
        body = f"{region}19900101123"
        assert not is_valid_cn_id(body + cn_id_check_char(body))
    body = "91000019900101123"
    assert is_valid_cn_id(body + cn_id_check_char(body))


def test_legacy_15_digit_ids() -> None:
    assert is_valid_cn_id15("110105491231002")
    assert not is_valid_cn_id15("110105491331002")  # month 13
    assert not is_valid_cn_id15("990105491231002")  # no such region
    found = list(CnIdRecognizer(legacy=True).find("旧证 110105491231002 号"))
    assert [f.text for f in found] == ["110105491231002"]
    assert not list(CnIdRecognizer(legacy=False).find("旧证 110105491231002 号"))


def test_luhn_known_numbers() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("4111-1111")  # not only digits
    assert luhn_check_digit("7992739871") == "3"


@given(card_numbers())
def test_valid_cards_pass_and_every_single_digit_change_fails(value: str) -> None:
    assert luhn_valid(value)
    for changed in substitutions(value, DIGITS):
        assert not luhn_valid(changed), changed


@given(card_numbers())
def test_card_recognizer_finds_valid_cards_and_no_changed_one(value: str) -> None:
    recognizer = CardRecognizer()
    grouped = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    for shown in (value, grouped):
        assert [f.text for f in recognizer.find(f"pay with {shown} now")] == [shown]
    for changed in substitutions(value, DIGITS):  # no context word: UnionPay needs Luhn too
        assert not list(recognizer.find(f"pay with {changed} now")), changed


def test_a_13_digit_card_needs_a_word_that_says_card() -> None:
    # 4006381333924 is also a German EAN-13 barcode with its check digit; it passes Luhn too.
    recognizer = CardRecognizer()
    assert [f.text for f in recognizer.find("card 4000000000006, exp 12/27")] == ["4000000000006"]
    assert not list(recognizer.find("pay with 4000000000006 now"))
    assert not list(recognizer.find("EAN 4006381333924 im Lager"))


def test_known_ibans() -> None:
    for iban in ("DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606",
                 "NL91ABNA0417164300", "BE68539007547034", "CH9300762011623852957"):  # fmt: skip
        assert is_valid_iban(iban), iban
    assert not is_valid_iban("DE89370400440532013001")
    assert not is_valid_iban("DE8937040044053201300")  # one short for Germany
    assert not is_valid_iban("ZZ89370400440532013000")  # no such country


@given(st.data())
def test_every_single_character_change_of_an_iban_fails(data: st.DataObject) -> None:
    country = data.draw(st.sampled_from(sorted(IBAN_LENGTHS)))
    bban = data.draw(
        st.text(DIGITS, min_size=IBAN_LENGTHS[country] - 4, max_size=IBAN_LENGTHS[country] - 4)
    )
    check = 98 - int("".join(str(int(ch, 36)) for ch in bban + country + "00")) % 97
    iban = f"{country}{check:02d}{bban}"
    assert is_valid_iban(iban)
    for i in range(2, len(iban)):
        for ch in DIGITS:
            if ch != iban[i]:
                assert not is_valid_iban(iban[:i] + ch + iban[i + 1 :])


@given(st.ip_addresses(v=4))
def test_ipv4_matches_ipaddress(address: ipaddress.IPv4Address) -> None:
    assert is_valid_ipv4(str(address))


@given(st.text("0123456789.", max_size=16))
def test_ipv4_agrees_with_ipaddress_on_random_text(text: str) -> None:
    try:
        ipaddress.IPv4Address(text)
        expected = True
    except ValueError:
        expected = False
    assert is_valid_ipv4(text) == expected


@given(st.ip_addresses(v=6))
def test_ipv6_matches_ipaddress(address: ipaddress.IPv6Address) -> None:
    assert is_valid_ipv6(str(address))
    assert is_valid_ipv6(address.exploded)


def test_ip_rejects() -> None:
    assert not is_valid_ipv4("256.1.1.1")
    assert not is_valid_ipv4("01.2.3.4")
    assert not is_valid_ipv4("1.2.3")
    assert not is_valid_ipv6("12:30:45")
    assert not is_valid_ipv6("00:1A:2B:3C:4D:5E")
