"""Evaluate the pii recognizers on generated sentences they were not tuned on: recall and precision per type.

Values come from the algorithms that define them, not from the recognizers: Chinese resident IDs
with real region codes, birth dates and GB 11643 check characters; phone numbers from numbering
plans (Chinese mobiles, US/CA NANP, UK mobiles and London, French, German, Australian numbers)
written the way people write them; card numbers of every network with a Luhn check digit; IBANs
with mod-97 check digits; US SSNs under the SSA's rules; e-mail, IPv4 and IPv6 addresses (also
written against Chinese characters); API keys, passwords (stated in prose too, in markdown and quotes),
bearer tokens, HTTP Basic credentials, Telegram bot tokens, card security codes, one-time codes and PINs. Hard negatives: order and tracking numbers,
timestamps, dates, versions, amounts, IDs with a wrong check character, ISBNs, student numbers,
UPC barcodes, bank routing numbers, sets of two-digit codes.

With ``--values faker`` the values come from Faker instead, a library written by other hands for
test data: phone numbers of 15 locales as Faker writes them (kept when libphonenumber says they are
valid in the locale's region), card numbers of every network it knows, US SSNs, Chinese resident
IDs, IBANs of 13 countries, e-mail and IP addresses, US passport numbers, passwords, card security codes. API
keys, tokens, one-time codes
and travel permits, which Faker has no provider for, keep the values made here. The hard negatives gain
numbers Faker makes that are nobody's personal data: barcodes, ISBNs, timestamps, employer and
bank routing numbers, UUIDs, hashes, MAC addresses, licence plates, prices, coordinates, browser
user agents, postcodes, vehicle numbers, card expiry dates.

    python scripts/pii_eval.py [--sentences 10000] [--seed 7] [--values own|faker]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import string
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from integrations.pii.recognizers import default_registry  # noqa: E402

Value = tuple[str, str]  # (entity, text)
REGIONS = ["110101", "310104", "440305", "330106", "510107", "420102", "320102", "370202", "650102", "210102"]
WEIGHTS = [7, 9, 10, 7, 7, 6, 4, 2, 2]


def luhn_digit(body: str) -> str:
    """The Luhn check digit for body."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return str((10 - total % 10) % 10)


def cn_id(rng: random.Random, valid: bool = True) -> str:
    """A resident ID: region, birth date, sequence, GB 11643 check character (or a wrong one)."""
    body = (rng.choice(REGIONS) + f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            + f"{rng.randint(0, 999):03d}")
    total = sum(int(d) * w for d, w in zip(body, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], strict=True))
    check = "10X98765432"[total % 11]
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return body + check


def written_cn_id(rng: random.Random) -> str:
    """A valid resident ID, one time in four in the groups of forms ("110105 19491231 002X", or with dashes)."""
    value = cn_id(rng)
    if rng.random() < 0.25:
        sep = rng.choice(" -")
        value = sep.join((value[:6], value[6:14], value[14:]))
    return value


def card(rng: random.Random) -> str:
    """A card number of some network, grouped as printed."""
    prefix, length = rng.choice([("4", 16), ("51", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16),
                                 ("62", 16), ("62", 19), ("3528", 16), ("3566", 16), ("35", 16), ("1800", 15),
                                 ("2131", 15), ("36", 14), ("50", 12), ("56", 16), ("67", 12), ("63", 16), ("06", 12),
                                 ("2200", 16), ("4", 13)])
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    number = body + luhn_digit(body)
    style = rng.choice(["4", "plain", "dash"])
    if style == "plain":
        return number
    sep = " " if style == "4" else "-"
    return sep.join(number[i:i + 4] for i in range(0, len(number), 4))


def phone(rng: random.Random) -> str:
    """A phone number from a numbering plan, written as people write it."""
    kind = rng.randrange(8)
    if kind == 0:
        n = f"1{rng.choice('3456789')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
        return rng.choice([n, f"{n[:3]} {n[3:7]} {n[7:]}", f"{n[:3]}-{n[3:7]}-{n[7:]}", f"+86 {n}"])
    if kind in (1, 2):  # NANP: area and exchange 2-9, not N11, not 555-01xx
        area = rng.choice(["212", "415", "617", "312", "206", "303", "512", "646", "718", "416", "604"])
        exchange = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(2, 9)}"
        line = f"{rng.randint(0, 9999):04d}"
        return rng.choice([f"({area}) {exchange}-{line}", f"{area}-{exchange}-{line}", f"{area}.{exchange}.{line}",
                           f"+1 {area} {exchange} {line}", f"1-{area}-{exchange}-{line}", f"001 {area} {exchange} {line}"])
    if kind == 3:
        return rng.choice([f"07{rng.randint(400, 999)} {rng.randint(100000, 999999)}",
                           f"020 {rng.randint(7000, 8999)} {rng.randint(1000, 9999)}"])
    if kind == 4:  # French mobiles: 06, or 07 and then 3-9
        pairs = [f"{rng.randint(10, 99)}" for _ in range(4)]
        if rng.random() < 0.5:
            pairs[0] = f"{rng.randint(3, 9)}{rng.randint(0, 9)}"
            return "07 " + " ".join(pairs)
        return "06 " + " ".join(pairs)
    if kind == 5:
        return f"030 {rng.randint(10000000, 99999999)}"
    if kind == 6:
        return f"04{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    return f"{rng.choice(['+', '00'])}44 77{rng.randint(1, 7)}{rng.randint(0, 9)} {rng.randint(100000, 999999)}"  # 0771x-0777x


def ssn(rng: random.Random) -> str:
    """A US SSN under the SSA's rules: area 001-899 except 666, group 01-99, serial 0001-9999."""
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def bare_ssn(rng: random.Random) -> str:
    """An SSN written without its dashes, or with spaces."""
    return ssn(rng).replace("-", rng.choice(["", " "]))


def iban(rng: random.Random) -> str:
    """A German or French IBAN with mod-97 check digits."""
    country, bban = rng.choice([("DE", "".join(rng.choice(string.digits) for _ in range(18))),
                                ("FR", "".join(rng.choice(string.digits) for _ in range(23)))])
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def email(rng: random.Random) -> str:
    """An e-mail address."""
    name = rng.choice(["li.wei", "zhang_san", "j.smith", "anna-k", "m.rossi", "wang88"])
    return f"{name}{rng.randint(1, 999)}@{rng.choice(['example.com', 'mail.cn', 'corp.co.uk', 'qq.com'])}"


def ipv4(rng: random.Random) -> str:
    """A dotted quad, not this device's (127.x.x.x is loopback, not anyone's address)."""
    return ".".join(str(rng.choice([n for n in range(1, 255) if n != 127]) if i == 0 else rng.randint(1, 254))
                    for i in range(4))


def ipv6(rng: random.Random) -> str:
    """A full IPv6 address."""
    return ":".join(f"{rng.randint(1, 0xFFFF):x}" for _ in range(8))


def api_key(rng: random.Random) -> str:
    """An API key in a well-known shape."""
    alphabet = string.ascii_letters + string.digits
    prefix, chars, length = rng.choice([("sk-proj-", alphabet, 48), ("ghp_", alphabet, 36),
                                        ("AKIA", string.ascii_uppercase + string.digits, 16)])
    return prefix + "".join(rng.choice(chars) for _ in range(length))


def password(rng: random.Random) -> str:
    """A password as sign-up forms ask for one: 8-16 letters, digits and symbols, a digit among them."""
    chars = [rng.choice(string.ascii_letters + string.digits + "!@#$%^&*") for _ in range(rng.randint(7, 15))]
    chars.insert(rng.randint(0, len(chars)), rng.choice(string.digits))
    return "".join(chars)


def telegram_token(rng: random.Random) -> str:
    """A Telegram bot token as BotFather gives it: the bot's id, ":", 35 URL-safe characters starting "AA"."""
    rest = "".join(rng.choice(string.ascii_letters + string.digits + "_-") for _ in range(33))
    return f"{rng.randint(10**7, 10**10 - 1)}:AA{rest}"


def security_code(rng: random.Random) -> str:
    """A card's security code: 3 digits, 4 on American Express cards."""
    return f"{rng.randint(0, 999):03d}" if rng.random() < 0.8 else f"{rng.randint(0, 9999):04d}"


def one_time_code(rng: random.Random) -> str:
    """A code sent by SMS or shown by an authenticator (6 digits, sometimes 4), or a PIN."""
    return f"{rng.randint(0, 999999):06d}" if rng.random() < 0.7 else f"{rng.randint(0, 9999):04d}"


def bearer_token(rng: random.Random) -> str:
    """An opaque OAuth access token: 32 random URL-safe characters (RFC 6750's b64token)."""
    return "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(32))


def basic_credentials(rng: random.Random) -> str:
    """HTTP Basic credentials: base64 of "user:password" (RFC 7617)."""
    user = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 10)))
    return base64.b64encode(f"{user}:{password(rng)}".encode()).decode()


LETTERS_NO_IO = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def passport(rng: random.Random) -> str:
    """A Chinese passport number (E or G and 8 digits, or E, a letter and 7 digits), or another country's
    usual shape (two letters and 7 digits, or 9 digits)."""
    digits = lambda n: "".join(rng.choice(string.digits) for _ in range(n))  # noqa: E731
    return rng.choice([lambda: rng.choice("EG") + digits(8), lambda: "E" + rng.choice(LETTERS_NO_IO) + digits(7),
                       lambda: rng.choice(["GB", "DE", "FR"]) + digits(7), lambda: str(rng.randint(1, 9)) + digits(8)])()


def travel_permit(rng: random.Random) -> str:
    """A permit for Hong Kong and Macau (C and 8 digits, or C, a letter and 7), a home return permit (H or M and
    8 or 10 digits), or a Taiwan permit (T and 8 digits, or 8 digits)."""
    digits = lambda n: "".join(rng.choice(string.digits) for _ in range(n))  # noqa: E731
    return rng.choice([lambda: "C" + digits(8), lambda: "C" + rng.choice(LETTERS_NO_IO) + digits(7),
                       lambda: rng.choice("HM") + digits(rng.choice([8, 10])), lambda: "T" + digits(8),
                       lambda: digits(8)])()


POSITIVE: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("CN_ID", written_cn_id, ["我的身份证号是{v}，请核对。", "身份证：{v}", "ID number {v} belongs to the applicant.",
                      "申请人{v}已审核"]),
    ("PHONE", phone, ["请拨打{v}联系我", "Call me at {v} tonight.", "电话：{v}", "my number is {v}",
                      "（{v}）", "手机{v}。", "Reach Anna on {v}, thanks!"]),
    ("CARD", card, ["我的银行卡号是{v}", "card {v} was charged", "Please refund to card number {v}.",
                    "信用卡{v}逾期", "Visa/MC: {v}"]),
    ("SSN", ssn, ["My SSN is {v}.", "SSN: {v}", "社会安全号 {v} 已登记", "(SSN {v})"]),
    ("SSN", bare_ssn, ["SSN {v}", "social security number {v} on file"]),
    ("IBAN", iban, ["IBAN {v} for the transfer", "汇款账户 {v}"]),
    ("EMAIL", email, ["发邮件到{v}", "write to {v} please"]),
    ("IP", ipv4, ["登录地址{v}失败", "server {v} is down"]),
    ("IP", ipv6, ["服务器{v}在凌晨重启", "IPv6 {v} is unreachable"]),
    ("SECRET", api_key, ["key={v}", "我的密钥是 {v}"]),
    ("SECRET", password, ["my password is {v}", "The wifi password is {v} - enjoy your stay!", "密码 {v}",
                          "wifi密码是{v}", "password: {v}", "新的口令为 {v}，请保管好", "**Password:** {v}",
                          "Wi-Fi password: `{v}`", "the password is “{v}”"]),
    ("SECRET", telegram_token, ["my telegram bot token is {v}", "POST https://api.telegram.org/bot{v}/sendMessage 409",
                                "bot_token: {v}"]),
    ("SECRET", security_code, ["CVV: {v}", "卡背面的安全码是 {v}", "card ending 4242, exp 09/28, CVC {v}"]),
    ("SECRET", one_time_code, ["Your verification code is {v}. It expires in 5 minutes.", "【银行】您的验证码是{v}，5分钟内有效。",
                               "my PIN is {v}", "OTP {v}"]),
    ("SECRET", bearer_token, ['curl -H "Authorization: Bearer {v}" https://api.example.com/v1',
                              "Authorization: Bearer {v}"]),
    ("SECRET", basic_credentials, ["Authorization: Basic {v}", "header Authorization: basic {v} was sent"]),
    ("PASSPORT", passport, ["我的护照号码是{v}，下月到期", "Passport number: {v}.", "护照 {v} 已过期",
                            "scan the passport ({v}) at the desk"]),
    ("TRAVEL_PERMIT", travel_permit, ["往来港澳通行证{v}的签注", "回乡证号码 {v}", "台胞证：{v}",
                                      "travel permit {v} presented at the border"]),
]


def upc_a(rng: random.Random) -> str:
    """A 12-digit UPC-A barcode (often from 0) with its check digit."""
    body = "0" + "".join(rng.choice(string.digits) for _ in range(10))
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return body + str(-total % 10)


def aba_routing(rng: random.Random) -> str:
    """A US bank's 9-digit ABA routing number (from 01-12 or 21-32) with its 3-7-1 check digit."""
    body = f"{rng.choice([*range(1, 13), *range(21, 33)]):02d}" + "".join(rng.choice(string.digits) for _ in range(6))
    total = sum(int(d) * w for d, w in zip(body, (3, 7, 1, 3, 7, 1, 3, 7), strict=True))
    return body + str(-total % 10)


NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: f"订单号 {r.randint(10**15, 10**16 - 1)} 已发货",
    lambda r: f"Order #{r.randint(10**9, 10**10 - 1)} shipped.",
    lambda r: f"tracking number 1Z{r.randint(10**15, 10**16 - 1)}",
    lambda r: f"The meeting is on 2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} at {r.randint(8, 18)}:30.",
    lambda r: f"Version {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)} was released.",
    lambda r: f"Total: ${r.randint(1000, 999999)}.{r.randint(0, 99):02d}",
    lambda r: f"身份证 {cn_id(r, valid=False)} 校验位不对",
    lambda r: f"ISBN 978-7-{r.randint(100, 999)}-{r.randint(10000, 99999)}-{r.randint(0, 9)}",
    lambda r: f"学号 {r.randint(2015, 2024)}{r.randint(100000, 999999)} 的同学",
    lambda r: f"timestamp {r.randint(1_600_000_000, 1_800_000_000)}",
    lambda r: f"ticket 12-{r.randint(10000, 99999)}",
    lambda r: f"金额 {r.randint(1, 999)},{r.randint(100, 999)},{r.randint(100, 999)} 元",
    lambda r: f"on {r.randint(1, 12):02d}/{r.randint(1, 28):02d}/20{r.randint(10, 30)} at {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
    lambda r: f"快递单号 SF{r.randint(10**11, 10**12 - 1)}",
    lambda r: f"发票号码 {r.randint(10**7, 10**8 - 1)}，代码 {r.randint(10**11, 10**12 - 1)}",
    lambda r: f"part no. {r.randint(100, 999)}-{r.randint(10, 99)}-{r.randint(1000, 9999)}",
    lambda r: f"build {r.randint(1, 9)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(0, 9999)}",
    lambda r: f"型号 {r.choice('EGCHMT')}{r.randint(10**7, 10**8 - 1)} 的配件已到货",
    lambda r: f"Part {r.choice('EGCHMT')}{r.randint(10**7, 10**8 - 1)} ships with order {r.randint(10**5, 10**6 - 1)}.",
    lambda r: f"订单号 {r.choice('EG')}{r.randint(10**7, 10**8 - 1)}，护照已寄出",
    lambda r: f"coordinates {r.randint(10, 80)}.{r.randint(100000, 999999)}, {r.randint(10, 170)}.{r.randint(100000, 999999)}",
    lambda r: f"{r.choice(['Lottery numbers', '彩票号码', 'the codes', '座位', 'scores'])} "
              + " ".join(str(r.randint(10, 99)) for _ in range(r.choice([4, 5]))),
    lambda r: f"{upc_a(r)} {r.choice(['in stock', '已入库'])}",
    lambda r: f"ABA {aba_routing(r)}, account on file",
    lambda r: r.choice(["Forgot your password? Reset it from the login page.", "wifi密码是多少？", "密码是什么",
                        "密码为空，请重新输入", "The password is case-sensitive.", "密码是否正确？",
                        "Bearer tokens are sent in the Authorization header.", "Basic authentication is enabled.",
                        "The password is **required** and is **never** shared.", "密码是**必填**的",
                        "The CVV is the 3-digit code on the back of the card.", "请输入6位验证码"]),
    lambda r: f"GPIO pin {r.randint(0, 40)} drives the relay; the ping took {r.randint(1000, 9999)} ms.",
    lambda r: f"Your password must be {r.randint(6, 12)}-{r.randint(32, 128)} characters long.",
    lambda r: f"Your password expires in {r.randint(2, 90)} days; the password was changed on 2024-0{r.randint(1, 9)}-1{r.randint(0, 9)}.",
]


#: Faker's locales for phone numbers, with the region libphonenumber validates them in.
FAKER_PHONE_LOCALES = {"en_US": "US", "en_CA": "CA", "en_GB": "GB", "de_DE": "DE", "fr_FR": "FR", "es_ES": "ES",
                       "it_IT": "IT", "nl_NL": "NL", "nl_BE": "BE", "en_AU": "AU", "en_IN": "IN", "ja_JP": "JP",
                       "ko_KR": "KR", "zh_CN": "CN", "zh_TW": "TW"}
FAKER_IBAN_LOCALES = ("de_DE", "fr_FR", "en_GB", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_PT", "fi_FI", "no_NO",
                      "de_AT", "de_CH", "nl_BE")
FAKER_CARD_TYPES = ("visa", "visa13", "visa19", "mastercard", "amex", "discover", "diners", "jcb15", "jcb16",
                    "maestro")


def faker_values(seed: int) -> tuple[dict[Callable[[random.Random], str], Callable[[random.Random], str]],
                                     list[Callable[[random.Random], str]]]:
    """Faker's maker in place of each of ours it has a provider for, and hard negatives around numbers it makes
    that are nobody's personal data (seeded; imported only when asked)."""
    import phonenumbers
    from faker import Faker

    fakers: dict[str, Faker] = {}

    def fake(locale: str) -> Faker:
        if locale not in fakers:
            fakers[locale] = Faker(locale)
            fakers[locale].seed_instance(seed)
        return fakers[locale]

    def fake_phone(rng: random.Random) -> str:
        locale, region = rng.choice(sorted(FAKER_PHONE_LOCALES.items()))
        while True:  # Faker fills its formats with random digits: keep what the numbering plan allows
            number = fake(locale).phone_number()
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(number, region)):
                    return number
            except phonenumbers.NumberParseException:
                pass

    us, zh = fake("en_US"), fake("zh_CN")
    nobodys = [us.ean13, us.ean8, us.upc_a, us.isbn13, us.isbn10, us.iso8601, lambda: str(int(us.unix_time())), us.ein,
               us.aba, us.swift, us.uuid4, us.md5, us.mac_address, us.license_plate, zh.license_plate, us.pricetag,
               lambda: f"{us.latitude()}, {us.longitude()}", us.user_agent, us.zipcode, zh.postcode, us.vin,
               us.credit_card_expire, us.sbn9]
    templates = ["Item {} ships today.", "记录：{}。", "{} noted", "见 {}"]
    negatives = [lambda rng, make=make: rng.choice(templates).format(make()) for make in nobodys]
    return {
        phone: fake_phone,
        card: lambda rng: fake("en_US").credit_card_number(rng.choice(FAKER_CARD_TYPES)),
        ssn: lambda rng: fake("en_US").ssn(),
        bare_ssn: lambda rng: fake("en_US").ssn().replace("-", rng.choice(["", " "])),
        written_cn_id: lambda rng: fake("zh_CN").ssn(),
        iban: lambda rng: fake(rng.choice(FAKER_IBAN_LOCALES)).iban(),
        email: lambda rng: fake(rng.choice(["en_US", "zh_CN", "de_DE"])).email(),
        ipv4: lambda rng: fake("en_US").ipv4_public(),
        ipv6: lambda rng: fake("en_US").ipv6(),
        passport: lambda rng: fake("en_US").passport_number(),
        password: lambda rng: fake("en_US").password(length=rng.randint(8, 16)),
        security_code: lambda rng: fake("en_US").credit_card_security_code(),
    }, negatives


def sentences(count: int, seed: int, values: str = "own") -> list[tuple[str, list[Value]]]:
    """count sentences: about four in five carry one value, the rest are hard negatives; values "own" are made
    here, "faker" by Faker where it has a provider."""
    rng = random.Random(seed)
    makers, negatives = faker_values(seed) if values == "faker" else ({}, [])
    negatives = NEGATIVE + negatives
    out: list[tuple[str, list[Value]]] = []
    for _ in range(count):
        if rng.random() < 0.8:
            entity, make, templates = rng.choice(POSITIVE)
            value = makers.get(make, make)(rng)
            out.append((rng.choice(templates).format(v=value), [(entity, value)]))
        else:
            out.append((rng.choice(negatives)(rng), []))
    return out


def evaluate(count: int, seed: int, values: str = "own") -> dict[str, object]:
    """Recall and precision per entity type, over exact spans."""
    registry = default_registry()
    hits: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    found: Counter[str] = Counter()
    misses: dict[str, list[str]] = {}
    missed_values: dict[str, list[str]] = {}
    spurious: dict[str, list[str]] = {}
    for text, labelled in sentences(count, seed, values):
        findings = {(f.entity, f.text) for f in registry.analyze(text)}
        for value in labelled:
            wanted[value[0]] += 1
            if value in findings:
                hits[value[0]] += 1
            else:
                misses.setdefault(value[0], []).append(text)
                missed_values.setdefault(value[0], []).append(value[1])
        for finding in findings:
            found[finding[0]] += 1
            if finding not in labelled:
                spurious.setdefault(finding[0], []).append(f"{finding[1]!r} in {text!r}")
    types = sorted(set(wanted) | set(found))
    per_type = {t: {"recall": round(hits[t] / wanted[t], 4) if wanted[t] else None,
                    "precision": round(hits[t] / found[t], 4) if found[t] else None,
                    "values": wanted[t]} for t in types}
    return {"sentences": count, "seed": seed, "values": values,
            "recall": round(sum(hits.values()) / sum(wanted.values()), 4),
            "precision": round(sum(hits.values()) / max(1, sum(found.values())), 4),
            "per_type": per_type,
            "missed_examples": {t: v[:3] for t, v in misses.items()},
            "missed_values": missed_values,
            "spurious_examples": {t: v[:3] for t, v in spurious.items()}}


def parse_args(args: list[str]) -> argparse.Namespace:
    """The evaluation's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--values", choices=("own", "faker"), default="own",
                        help="where the values come from: made here, or Faker's providers (default: own)")
    return parser.parse_args(args)


if __name__ == "__main__":
    options = parse_args(sys.argv[1:])
    print(json.dumps(evaluate(options.sentences, options.seed, options.values), indent=2, ensure_ascii=False))
