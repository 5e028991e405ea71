"""Evaluate the pii recognizers on generated sentences they were not tuned on: recall and precision per type.

Values come from the algorithms that define them, not from the recognizers: Chinese resident IDs with real region codes,
birth dates and GB 11643 check characters; phone numbers from numbering plans (Chinese mobiles, US/CA NANP, UK mobiles
and London, French, German, Australian numbers) written the way people write them; card numbers of every network with a
Luhn check digit; IBANs with mod-97 check digits; US SSNs under the SSA's rules; e-mail, IPv4 and IPv6 addresses (also
written against Chinese characters); API keys, passwords (stated in prose too, in markdown and quotes), bearer tokens,
HTTP Basic credentials, Telegram bot tokens, card security codes, one-time codes and PINs; people's names after a label
or a title, Latin and Chinese; dates of birth (days, and months with their year) and addresses after a label; national
identity numbers of Spain, Brazil, France, India, the Netherlands, Italy, the UK, Germany, Canada, Japan, South Korea,
Belgium, Australia, Taiwan, Hong Kong, Singapore, Sweden, Poland, Turkey and Mexico, US ITINs, UK NHS numbers and Indian
PANs; bank account numbers of twelve countries after their labels; addresses of seven countries without a label; login
names in a path, a prompt or a system's log, and authors' names in git's identity, a file's header or a copyright (what
developers paste). Hard negatives: order and tracking numbers, timestamps, dates, versions, amounts, IDs with a wrong
check character, ISBNs, student numbers, UPC barcodes, bank routing numbers, sets of two-digit codes.

With ``--values faker`` the values come from Faker instead, a library written by other hands for test data: phone
numbers of 15 locales as Faker writes them (kept when libphonenumber says they are valid in the locale's region),
people's names of 12 locales and China, dates of birth, addresses of 7 locales and China, national identity numbers of
Spain, Brazil, France, the Netherlands, Italy, Canada, Belgium, Taiwan, Sweden, Poland, Turkey and Mexico, US ITINs,
card numbers of every network it knows, US SSNs, Chinese resident IDs, IBANs of 13 countries, e-mail and IP addresses,
US passport numbers, passwords, card security codes, bank account numbers of ten countries' shapes, MAC addresses,
coordinates, Chinese vehicle plates, user names. API keys, tokens, one-time codes, IMEIs and travel permits, which Faker
has no provider for, keep the values made here. The hard negatives gain numbers Faker makes that are nobody's personal
data: barcodes, ISBNs, timestamps, employer and bank routing numbers, UUIDs, hashes, US licence plates without their
label, prices, browser user agents, postcodes, vehicle numbers, card expiry dates.

With ``--typed`` every value (a hard negative: its whole sentence) is typed as a phone, a word processor or another
keyboard types it, one way each (scripts/pii_typed_values.py).

    python scripts/pii_eval.py [--sentences 10000] [--seed 7] [--values own|faker] [--typed]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pii_account_values import ACCOUNT_NEGATIVE, ACCOUNTS  # noqa: E402
from pii_coordinate_values import COORDINATE_NEGATIVE, COORDINATES  # noqa: E402
from pii_developer_values import DEVELOPER, DEVELOPER_NEGATIVE  # noqa: E402
from pii_device_values import DEVICE_NEGATIVE, DEVICES  # noqa: E402
from pii_faker_values import faker_values  # noqa: E402
from pii_national_ids import ID_NEGATIVE, NATIONAL_IDS  # noqa: E402
from pii_personal import PERSONAL, PERSONAL_NEGATIVE  # noqa: E402
from pii_plate_values import PLATE_NEGATIVE, PLATES  # noqa: E402
from pii_street_values import STREET_ADDRESSES, STREET_NEGATIVE  # noqa: E402
from pii_typed_values import retyped  # noqa: E402
from pii_values import (  # noqa: E402
    aba_routing,
    api_key,
    bare_ssn,
    basic_credentials,
    bearer_token,
    card,
    cn_id,
    email,
    iban,
    ipv4,
    ipv6,
    one_time_code,
    passport,
    password,
    phone,
    security_code,
    ssn,
    telegram_token,
    travel_permit,
    upc_a,
    written_cn_id,
)
from pii_wallet_values import WALLET_NEGATIVE, WALLETS  # noqa: E402

from integrations.pii.recognizers import default_registry  # noqa: E402

Value = tuple[str, str]  # (entity, text)
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
                               "my PIN is {v}", "OTP {v}", "the door code is {v}, see you at 6", "门禁码是{v}",
                               "{v} is your Google verification code.", "Your Uber code: {v}"]),
    ("SECRET", bearer_token, ['curl -H "Authorization: Bearer {v}" https://api.example.com/v1',
                              "Authorization: Bearer {v}"]),
    ("SECRET", basic_credentials, ["Authorization: Basic {v}", "header Authorization: basic {v} was sent"]),
    ("PASSPORT", passport, ["我的护照号码是{v}，下月到期", "Passport number: {v}.", "护照 {v} 已过期",
                            "scan the passport ({v}) at the desk"]),
    ("TRAVEL_PERMIT", travel_permit, ["往来港澳通行证{v}的签注", "回乡证号码 {v}", "台胞证：{v}",
                                      "travel permit {v} presented at the border"]),
]


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
    lambda r: (f"readings {r.randint(10, 80)}.{r.randint(100000, 999999)}, {r.randint(10, 170)}.{r.randint(100000, 999999)}, "
               f"{r.randint(10, 99)}.5"),  # a list of decimals: no place's coordinates
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


def sentences(count: int, seed: int, values: str = "own") -> list[tuple[str, list[Value]]]:
    """count sentences of numbers and secrets, about four in five with one value and the rest hard negatives; then a
    quarter as many of personal details (names, dates of birth, addresses), half as many of national identity
    numbers and a tenth as many each of cryptocurrency addresses, bank account numbers, addresses without a label,
    device identifiers, coordinates, vehicle plates and what developers paste (login names, code's authors), each
    drawn the same way with a generator of its own: adding them left the sentences before them, and each type's share
    there, as they were. Values "own" are made here, "faker" by Faker where it has a provider."""
    makers, negatives = faker_values(seed) if values == "faker" else ({}, [])
    return _drawn(count, random.Random(seed), POSITIVE, NEGATIVE + negatives, makers) + [
        drawn for share, name, positive, negative in _KINDS
        for drawn in _drawn(count // share, random.Random(f"{name} {seed}"), positive, negative, makers)]


_KINDS = ((4, "labelled", PERSONAL, PERSONAL_NEGATIVE), (2, "national ids", NATIONAL_IDS, ID_NEGATIVE),
          (10, "wallets", WALLETS, WALLET_NEGATIVE), (10, "accounts", ACCOUNTS, ACCOUNT_NEGATIVE),
          (10, "streets", STREET_ADDRESSES, STREET_NEGATIVE), (10, "devices", DEVICES, DEVICE_NEGATIVE),
          (10, "places", COORDINATES, COORDINATE_NEGATIVE), (10, "plates", PLATES, PLATE_NEGATIVE),
          (10, "developers", DEVELOPER, DEVELOPER_NEGATIVE))
"""After the first sentences, each kind's: a share of their count (a quarter, a half, a tenth), its generator's name."""


def _drawn(count: int, rng: random.Random, positive: list[tuple[str, Callable[[random.Random], str], list[str]]],
           negative: list[Callable[[random.Random], str]],
           makers: dict[Callable[[random.Random], str], Callable[[random.Random], str]]) -> list[tuple[str, list[Value]]]:
    out: list[tuple[str, list[Value]]] = []
    for _ in range(count):
        if rng.random() < 0.8:
            entity, make, templates = rng.choice(positive)
            value = makers.get(make, make)(rng)
            out.append((rng.choice(templates).format(v=value), [(entity, value)]))
        else:
            out.append((rng.choice(negative)(rng), []))
    return out


def evaluate(count: int, seed: int, values: str = "own", typed: bool = False) -> dict[str, object]:
    """Recall and precision per entity type, over exact spans (of the values typed otherwise, with ``typed``)."""
    registry = default_registry()
    hits: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    found: Counter[str] = Counter()
    misses: dict[str, list[str]] = {}
    missed_values: dict[str, list[str]] = {}
    spurious: dict[str, list[str]] = {}
    drawn = sentences(count, seed, values)
    for text, labelled in retyped(drawn, seed) if typed else drawn:
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
    return {"sentences": count, "seed": seed, "values": values, "typed": typed,
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
    parser.add_argument("--typed", action="store_true",
                        help="type each value with no-break spaces, other dashes, a zero-width space or other digits")
    return parser.parse_args(args)


if __name__ == "__main__":
    options = parse_args(sys.argv[1:])
    print(json.dumps(evaluate(options.sentences, options.seed, options.values, options.typed), indent=2,
                     ensure_ascii=False))
