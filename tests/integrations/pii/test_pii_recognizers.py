"""Recognizers: what each finds, what it must leave alone, and which wins where two overlap."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import (
    CardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    default_registry,
)
from integrations.pii.validators import cn_id_check_char


def texts(recognizer: object, text: str) -> list[str]:
    """The matched texts, in order."""
    return [f.text for f in recognizer.find(text)]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("手机13812345678", ["13812345678"]),
        ("call 138-1234-5678 today", ["138-1234-5678"]),
        ("call 138 1234 5678 today", ["138 1234 5678"]),
        ("境外 +86 13812345678", ["+86 13812345678"]),
        ("境外 +8613812345678", ["+8613812345678"]),
        ("国际 0086-138-1234-5678", ["0086-138-1234-5678"]),
        ("Tel (+86) 13812345678", ["(+86) 13812345678"]),
        ("北京 010-12345678 深圳 0755-1234567", ["010-12345678", "0755-1234567"]),
        ("预约 (010)82345678", ["(010)82345678"]),
        ("座机 01065432178", ["01065432178"]),
        ("Phone No. 13812345678", ["13812345678"]),
        ("手机号码 13812345678", ["13812345678"]),
        ("SF +1 (415) 555-2671.", ["+1 (415) 555-2671"]),
        ("London +44 20 7946 0958", ["+44 20 7946 0958"]),
        ("一串数字 01065432178 没有标签也没有分隔符", ["01065432178"]),  # one block from a trunk 0: a fixed line
        ("总机 010-12345678转8008，或 (0755)1234567 分机 12", ["010-12345678转8008", "(0755)1234567 分机 12"]),
        ("010-12345678转账1000元", ["010-12345678"]),  # 转账 is a transfer of money, not an extension
        ("联系电话：0755-88888888-8008，或 01012345678-123", ["0755-88888888-8008", "01012345678-123"]),  # as on cards
        ("Sydney +61.2.9374.4000 or +61.430.792.440", ["+61.2.9374.4000", "+61.430.792.440"]),
        ("desk +1-780-563-6083x7783, home +1 212 555 0187 ext. 12", ["+1-780-563-6083x7783", "+1 212 555 0187 ext. 12"]),
    ],
)
def test_phone_positives(text: str, expected: list[str]) -> None:
    assert texts(PhoneRecognizer(), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12345678901 starts with 12",
        "订单号 13812345678901 is 14 digits",
        "订单号：15012345678",
        "Order No. 13812345678",
        "工单 13812345678 已关闭",
        "timestamp 1704441045123",
        "订单号 01065432178 已发货",
        "+1.5.3.20240105 is a version",
        "Saldo +12.345.678,90 EUR",
        "+5 points and +12.50 dollars",
        "SN13812345678 is a serial",
        "温度 +37 度",
    ],
)
def test_phone_negatives(text: str) -> None:
    assert texts(PhoneRecognizer(), text) == []


def test_cards_luhn_prefix_and_grouping() -> None:
    card = CardRecognizer()
    assert texts(card, "card 4111 1111 1111 1111 exp") == ["4111 1111 1111 1111"]
    assert texts(card, "card 4111-1111-1111-1111") == ["4111-1111-1111-1111"]
    assert texts(card, "Amex 3782 822463 10005.") == ["3782 822463 10005"]
    assert texts(card, "4111111111111111 12/25") == ["4111111111111111"]
    assert texts(card, "4111 1111 1111 1111 2024") == ["4111 1111 1111 1111"]
    assert texts(card, "paid 4111111111111111 1-05 at") == ["4111111111111111"]
    assert texts(card, "订单 4111111111111112 付款失败") == []  # fails Luhn
    assert texts(card, "0000 0000 0000 0000") == []
    assert texts(card, "timestamp 20240105123045 here") == []  # no issuer starts with 20
    assert texts(card, "ISBN 978-7-111-54742-6") == []
    assert texts(card, "1234-5678-9012-3456") == []


def test_unionpay_failing_luhn_needs_context() -> None:
    number = "6222021234567890123"
    card = CardRecognizer()
    found = list(card.find(f"银行卡号：{number}"))
    assert [(f.text, f.confidence) for f in found] == [(number, 0.75)]
    assert texts(card, f"my card {number}") == [number]
    assert texts(card, f"account {number}") == []  # an account's word: see test_pii_accounts.py
    assert texts(card, f"编号 {number} 的记录") == []
    assert texts(card, f"just a number {number} here") == []


def test_iban_compact_grouped_and_trailing_words() -> None:
    iban = IbanRecognizer()
    assert texts(iban, "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX") == [
        "DE89 3704 0044 0532 0130 00"
    ]
    assert texts(iban, "to GB82WEST12345698765432.") == ["GB82WEST12345698765432"]
    assert texts(iban, "FR14 2004 1010 0505 0001 3M02 606 merci") == [
        "FR14 2004 1010 0505 0001 3M02 606"
    ]
    assert texts(iban, "DE89 3704 0044 0532 0130 01") == []
    assert texts(iban, "XDE89370400440532013000") == []


@pytest.mark.parametrize("compact", ["DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606",
                                     "NL91ABNA0417164300", "MT84MALT011000012345MTLCAST001S",
                                     "KZ86125KZT5004100100", "RO49AAAA1B31007593840000", "BR1800360305000010009795493C1"])
def test_iban_found_through_its_prefilter_compact_and_in_groups(compact: str) -> None:
    """The registry asks applies() first: the account's digits follow the check digits or the bank's letters."""
    grouped = " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
    for written in (compact, grouped):
        found = default_registry().analyze(f"请汇款到 {written}，谢谢 / please pay to {written} today")
        assert [f.text for f in found if f.entity == "IBAN"] == [written, written]


@pytest.mark.parametrize(("text", "value"), [
    ("my iban is gb42nawi04454264788619", "gb42nawi04454264788619"),
    ("IBAN: de89370400440532013000", "de89370400440532013000"),
    ("iban gb42 nawi 0445 4264 7886 19", "gb42 nawi 0445 4264 7886 19"),
    ("Iban: De89370400440532013000", "De89370400440532013000"),
])
def test_an_iban_in_lower_case_is_found_after_its_label(text: str, value: str) -> None:
    assert [(f.entity, f.text) for f in default_registry().analyze(text)] == [("IBAN", value)]
    assert texts(IbanRecognizer(), value) == []  # no label: in lower case it is a hash or a name's letters as often


@pytest.mark.parametrize("text", ["iban: de89370400440532013001", "hash de89370400440532013000",
                                  "the IBAN is optional; the reference we were given is de89370400440532013000"])
def test_a_lower_case_iban_needs_its_label_near_and_its_check(text: str) -> None:
    assert [f.entity for f in default_registry().analyze(text) if f.entity == "IBAN"] == []


def test_email() -> None:
    email = EmailRecognizer()
    assert texts(email, "邮箱是zhangsan@example.com谢谢") == ["zhangsan@example.com"]
    assert texts(email, "<a.b+c@sub.example.co.uk>") == ["a.b+c@sub.example.co.uk"]
    assert texts(email, "..x@example.com") == ["x@example.com"]
    assert texts(email, "@someone please look") == []
    assert texts(email, "user@localhost") == []
    assert email.applies("no at sign here") is False


def test_an_email_address_written_out_against_harvesters() -> None:
    email = EmailRecognizer()
    assert texts(email, "contact: john [at] example [dot] com") == ["john [at] example [dot] com"]
    assert texts(email, "jane.doe(AT)mail.example.org, or bo@example.org") == ["jane.doe(AT)mail.example.org",
                                                                            "bo@example.org"]
    assert texts(email, "meet me (at) noon; look at this dot com") == []


def test_an_email_address_escaped_for_html() -> None:
    email = EmailRecognizer()  # as a web page's source or a mail's HTML writes it, copied into a message or a file
    for written in ("john&#64;example.com", "john&#x40;example.com", "john&commat;example&#46;com"):
        assert texts(email, f"<p>Contact: {written}</p>") == [written]
    assert texts(email, "see &#64;decorator and &amp; &#64; b") == []


def test_an_email_address_said_in_words() -> None:
    email = EmailRecognizer()
    assert texts(email, "write to john at example dot com") == ["john at example dot com"]
    assert texts(email, "email me at john dot doe at gmail dot com") == ["john dot doe at gmail dot com"]
    said = "john.doe AT mail DOT example DOT co DOT uk"
    assert texts(email, f"{said}, thanks") == [said]
    for prose in ("I worked at a dot com startup", "look at google dot com", "meet at the station dot com",
                  "arrive at 5 dot com", "the dot com bubble", "be at home dot later"):
        assert texts(email, prose) == [], prose


def test_an_email_address_with_accented_greek_or_cyrillic_letters_is_found_whole() -> None:
    email = EmailRecognizer()  # RFC 6531: a part of the address left out would be shown
    assert texts(email, "mail: müller@example.de, josé@correo.es") == ["müller@example.de", "josé@correo.es"]
    assert texts(email, "邮箱иван@пример.рф谢谢") == ["иван@пример.рф"]


def test_ip_versions_and_lookalikes() -> None:
    ip = IpRecognizer()
    assert texts(ip, "host 192.168.1.10:8080 up") == ["192.168.1.10"]
    assert texts(ip, "IP: 192.168.0.1.") == ["192.168.0.1"]
    assert texts(ip, "version 1.2.3.4") == []
    assert texts(ip, "版本 2.3.1.0 发布") == []
    assert texts(ip, "v1.2.3.4") == []
    assert texts(ip, "999.1.1.1 and 1.2.3.4.5") == []
    assert texts(ip, "configure alsa-topology-conf:all 1.2.5.1-2 <none>, libfoo 2.3.4.5-1ubuntu1") == []
    assert texts(ip, "range 10.0.0.1-10.0.0.20") == ["10.0.0.1", "10.0.0.20"]
    assert texts(ip, "Listening on http://127.0.0.1:8765 and 0.0.0.0:80, not 10.0.0.7") == ["10.0.0.7"]
    # Nobody's: a multicast group, the broadcast, a network with its prefix (a host's address with one is a host's).
    assert texts(ip, "mDNS 224.0.0.251, ff02::fb, 255.255.255.255, subnet 10.0.0.0/16, 2001:db8::/32") == []
    assert texts(ip, "host 10.0.1.41/24 and 2001:db8::7/64") == ["10.0.1.41", "2001:db8::7"]
    assert texts(ip, "via ::1 and 127.10.0.1, from 128.0.0.1") == ["128.0.0.1"]
    assert texts(ip, "addr 2001:db8::8a2e:370:7334, ok") == ["2001:db8::8a2e:370:7334"]
    assert texts(ip, "ip:2001:db8::1") == ["2001:db8::1"]
    mapped = "mapped ::ffff:192.0.2.128 here"
    assert "::ffff:192.0.2.128" in texts(ip, mapped)  # the IPv4 inside it too, until resolved:
    assert [f.text for f in default_registry().analyze(mapped)] == ["::ffff:192.0.2.128"]
    # Six groups and an IPv4 address: six colons, no "::" (the IPv4 address alone was found before).
    assert [f.text for f in default_registry().analyze("服务器2001:db8:1:2:3:4:192.0.2.1在线")] == [
        "2001:db8:1:2:3:4:192.0.2.1"]
    assert texts(ip, "std::vector and std::map") == []
    assert texts(ip, "at 12:30:45 MAC 00:1A:2B:3C:4D:5E ratio 1:2:3:4:5:6:7:8") == []


def test_url_credentials_win_over_email_inside_them() -> None:
    found = default_registry().analyze("git https://bob:pa55@example.com/x")
    assert [(f.entity, f.text) for f in found] == [("SECRET", "bob:pa55")]


def test_id_wins_over_a_unionpay_lookalike() -> None:
    body = "62010219900101123"  # a Gansu ID also starts with 62, like UnionPay cards
    value = body + cn_id_check_char(body)
    found = default_registry().analyze(f"银行卡和证件 {value} 号")
    assert [(f.entity, f.text) for f in found] == [("CN_ID", value)]


@pytest.mark.parametrize("written", ["110105 19491231 002X", "110105-19491231-002x"])
def test_an_id_in_the_groups_of_forms_is_one_finding(written: str) -> None:
    found = default_registry().analyze(f"身份证 {written} 请核对")
    assert [(f.entity, f.text) for f in found] == [("CN_ID", written)]


@pytest.mark.parametrize("written", ["110105 19491231-002X", "110105 19491231 0021", "110105 19491331 002X"])
def test_grouped_digits_are_no_id_with_mixed_separators_or_a_wrong_check(written: str) -> None:
    assert [f.entity for f in default_registry().analyze(f"编号 {written}")] == []


def test_national_phone_formats_follow_the_configured_regions() -> None:
    from integrations.pii.recognizers import default_registry

    everywhere = default_registry()
    only_uk = default_registry(phone_regions=("GB",))
    us, uk = "Call (415) 555-0132 today", "UK mobile: 07911 123456"
    assert [f.text for f in everywhere.analyze(us)] == ["(415) 555-0132"]
    assert [f.text for f in everywhere.analyze(uk)] == ["07911 123456"]
    assert only_uk.analyze(us) == [] and [f.text for f in only_uk.analyze(uk)] == ["07911 123456"]


def test_full_width_digits_and_cjk_neighbours_do_not_hide_anything() -> None:
    from integrations.pii.recognizers import default_registry

    found = default_registry().analyze("手机１３９１２３４５６７８，服务器ca2:df29:292c:4a1f:5db0:413:1d29:dd64在凌晨")
    assert [(f.entity, f.text) for f in found] == [
        ("PHONE", "１３９１２３４５６７８"), ("IP", "ca2:df29:292c:4a1f:5db0:413:1d29:dd64")]


def test_a_numbers_decimals_are_not_a_card_a_phone_or_an_id() -> None:
    from integrations.pii.recognizers import default_registry

    body = "11010519491231002"
    decimals = f"pi 3.14159265359, x = 2.374572300756703, 0.05461496450 and 1.{body}{cn_id_check_char(body)}"
    assert default_registry().analyze(decimals) == []  # a phone, a card, a fixed line and an ID by their digits
    assert default_registry().analyze("x = 13964804384.62 and 4111111111111111.5") == []  # their integer parts
    found = default_registry().analyze("paid 5.00. card 4111111111111111. ip 10.0.0.1")
    assert [(f.entity, f.text) for f in found] == [("CARD", "4111111111111111"), ("IP", "10.0.0.1")]


def test_an_address_or_a_passport_typed_in_full_width_is_read_as_ascii() -> None:
    from integrations.pii.recognizers import default_registry

    found = default_registry().analyze("他的邮箱ＡＢＣ＿１＠ｅｘａｍｐｌｅ．ｃｏｍ，护照号Ｅ１２３４５６７８。")
    assert [(f.entity, f.text) for f in found] == [("EMAIL", "ＡＢＣ＿１＠ｅｘａｍｐｌｅ．ｃｏｍ"), ("PASSPORT", "Ｅ１２３４５６７８")]


@pytest.mark.parametrize(("text", "entity", "value"), [
    ("mon numéro : 06\u202f12\u202f34\u202f56\u202f78, merci", "PHONE", "06\u202f12\u202f34\u202f56\u202f78"),
    ("my phone is +49\u00a0151\u00a023456789", "PHONE", "+49\u00a0151\u00a023456789"),
    ("call me on +1 (555) 123\u20134567", "PHONE", "+1 (555) 123\u20134567"),
    ("call +44\u20117700\u2011900123", "PHONE", "+44\u20117700\u2011900123"),
    ("card 4111\u20091111\u20091111\u20091111 exp 12/27", "CARD", "4111\u20091111\u20091111\u20091111"),
    ("IBAN DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000", "IBAN",
     "DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000"),
    ("my SSN is 123\u201145\u20116789", "SSN", "123\u201145\u20116789"),
    ("my e-mail: john\u200b@example.com", "EMAIL", "john\u200b@example.com"),
    ("write to j\u00adohn.doe@exam\u00adple.com", "EMAIL", "j\u00adohn.doe@exam\u00adple.com"),
    ("my phone is 07700\u2060900123 thanks", "PHONE", "07700\u2060900123"),
    ("\u200f\u2066+972-50-123-4567\u2069\u200f הטלפון שלי", "PHONE", "+972-50-123-4567"),
    ("رقم هاتفي +٩٦٦ ٥٠ ١٢٣ ٤٥٦٧", "PHONE", "+٩٦٦ ٥٠ ١٢٣ ٤٥٦٧"),
    ("my phone ۰۹۱۲۳۴۵۶۷۸۹", "PHONE", "۰۹۱۲۳۴۵۶۷۸۹"),
    ("बैंक कार्ड ४१११ ११११ ११११ ११११", "CARD", "४१११ ११११ ११११ ११११"),
])
def test_a_value_typeset_or_with_invisible_characters_is_found_as_written(text: str, entity: str, value: str) -> None:
    # Spaces that do not break, dashes that are not hyphen-minus (macOS, iOS, French typography, a word processor),
    # characters that show nothing (a soft hyphen, a zero-width space, a direction mark) in or around a value, and
    # the digits of Arabic, Persian and Hindi keyboards.
    from integrations.pii.recognizers import default_registry

    found = default_registry().analyze(text)
    assert [(f.entity, f.text) for f in found] == [(entity, value)]
    assert text[found[0].start:found[0].end] == value


def test_ssns_follow_the_ssa_rules() -> None:
    from integrations.pii.national import ssn_valid

    assert ssn_valid("536-22-8745") and ssn_valid("123456789")
    for number in ("000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000", "078-05-1120",
                   "12-345-6789", "12345678"):
        assert not ssn_valid(number), number


def test_a_character_that_lower_cases_to_two_shifts_no_finding() -> None:
    # "İ".lower() is two characters: words and triggers are searched in a lowered copy that must keep offsets.
    text = "İİ password=hunter2x, card 4111 1111 1111 1111, 电话 4155550132"
    found = default_registry().analyze(text)
    assert [(f.entity, f.text) for f in found] == [
        ("SECRET", "hunter2x"), ("CARD", "4111 1111 1111 1111"), ("PHONE", "4155550132")]
