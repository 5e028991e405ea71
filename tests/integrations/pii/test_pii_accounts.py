"""Bank account numbers after their labels, in the languages people write them, and what is no account number."""

from __future__ import annotations

import pytest

from integrations.pii.policies import normalize
from integrations.pii.recognizers import default_registry


def accounts(text: str) -> list[tuple[str, float]]:
    """The BANK_ACCOUNT findings the whole registry keeps in text, with their confidence."""
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "BANK_ACCOUNT"]


@pytest.mark.parametrize(("text", "number"), [
    ("Account number: 31926819, sort code 60-16-13", "31926819"),
    ("my account no. is 00123456789", "00123456789"),
    ("Account: 123456789012", "123456789012"),
    ("acct # 000123456789", "000123456789"),
    ("please wire it to my checking account 123456789012, routing number 021000021.", "123456789012"),
    ("Savings account 98765432", "98765432"),
    ("A/c No. 30012345678 (SBI)", "30012345678"),
    ("Kontonummer 0532013000, BLZ 37040044", "0532013000"),
    ("Konto-Nr.: 1234567890", "1234567890"),
    ("Kto.-Nr. 123456789", "123456789"),
    ("numéro de compte : 12345678901", "12345678901"),
    ("número de cuenta 0123456789", "0123456789"),
    ("conto corrente n. 000012345678", "000012345678"),
    ("c/c 000012345678", "000012345678"),
    ("número da conta: 12345-6", "12345-6"),
    ("rekeningnummer 417164300", "417164300"),
    ("tilinumero 12345600000785", "12345600000785"),
    ("numer konta 61 1090 1014 0000 0712 1981 2874", "61 1090 1014 0000 0712 1981 2874"),
    ("číslo účtu 19-2000145399/0800", "19-2000145399/0800"),
    ("口座番号は1234567です", "1234567"),
    ("口座番号：1234567", "1234567"),
    ("계좌번호: 110-123-456789", "110-123-456789"),
    ("계좌번호는 123456-01-123456입니다", "123456-01-123456"),
    ("银行账号：6222 0212 3456 7890 123，谢谢", "6222 0212 3456 7890 123"),
    ("账号是123456789", "123456789"),
    ("номер счета 40817810099910004312", "40817810099910004312"),
    ("р/с 40817810099910004312", "40817810099910004312"),
])
def test_an_account_number_after_its_label_is_found(text: str, number: str) -> None:
    assert accounts(text) == [(number, 0.96)]


def test_the_label_outranks_a_card_and_a_phone() -> None:
    """A number a card's checks take, or a Chinese mobile's shape, is the account the label says it is."""
    assert accounts("my account number is 4111 1111 1111 1111") == [("4111 1111 1111 1111", 0.96)]
    assert accounts("account number 6222021234567890123") == [("6222021234567890123", 0.96)]  # fails Luhn
    assert accounts("Kontonummer: 16638907786") == [("16638907786", 0.96)]
    # A card's run of four groups inside an account's five is no card.
    assert accounts("checking account 3945 7193 2873 1937 6701") == [("3945 7193 2873 1937 6701", 0.96)]


@pytest.mark.parametrize("text", [
    "account ending in 1234",  # four digits identify no one
    "account 12345",
    "AWS account 123456789012 is ours",  # a cloud's account: "account" alone names a bank's only with "number"
    '"Id": "AWS::::Account:123456789012",',  # a part of a name in code
    "account 12345678 sort code 12-34-56",
    "the account 2023-2024 report",
    "account number: 2024-05-06",
    "account balance 1,234,567.89",
    "account no. 123456.78",
    "accounts: 3 of 12345678",
    "contact 12345678 about the container 87654321",
    "Your account has been locked since 20240506",
    "routing number 021000021",
    "sort code 12-34-56",
    "BSB 062-000",
    "Kontoauszug vom 03.12.2024",
    "account number 1234567890123456789012345678901",  # 31 digits: more than any bank writes
    "account number 12345678A9",
])
def test_what_is_no_account_number_stays(text: str) -> None:
    assert accounts(text) == []


def test_an_account_written_two_ways_is_one_value() -> None:
    """Placeholders compare account numbers without their spaces and dashes, as they do cards'."""
    assert normalize("BANK_ACCOUNT", "110-123-456789") == normalize("BANK_ACCOUNT", "110123456789")
    assert normalize("BANK_ACCOUNT", "6222 0212 3456") == "622202123456"
