"""Values of every type for the pii evaluation, made from the algorithms that define them (real region codes,
birth dates and check characters, numbering plans, Luhn, mod 97, the SSA's rules), not from the recognizers' code;
people's names, dates of birth, addresses and national identity numbers; and numbers that are nobody's (barcodes, bank routing numbers)."""

from __future__ import annotations

import base64
import datetime
import random
import string

REGIONS = ["110101", "310104", "440305", "330106", "510107", "420102", "320102", "370202", "650102", "210102"]


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


FIRST_NAMES = ("Anna", "José", "Zoë", "Jean-Luc", "Mary-Kate", "Aisha", "Søren", "Łukasz", "Siobhán", "Kwame", "Priya",
               "Dmitri", "Ngozi", "Mateo", "Yuki", "Fatima", "Émile", "Tomasz")
LAST_NAMES = ("Schmidt", "O'Connor", "van der Berg", "García Márquez", "Nguyen", "Müller", "Kowalski", "de la Cruz",
              "MacDonald", "Smith-Jones", "Okafor", "Dubois", "Rossi", "Tanaka", "Al-Sayed", "D'Angelo")


def person(rng: random.Random) -> str:
    """A name as people of many countries write it: given names with accents, hyphens and apostrophes, family
    names with particles (van der Berg, de la Cruz), sometimes a middle initial."""
    middle = f" {rng.choice(string.ascii_uppercase)}." if rng.random() < 0.2 else ""
    return f"{rng.choice(FIRST_NAMES)}{middle} {rng.choice(LAST_NAMES)}"


def chinese_person(rng: random.Random) -> str:
    """A Chinese name: a common surname (or a compound one) and one or two given characters."""
    surname = rng.choice(["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "欧阳", "司马"])
    return surname + "".join(rng.choice("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英") for _ in range(rng.randint(1, 2)))


def address(rng: random.Random) -> str:
    """A postal address as the US, the UK, Germany and France write one on a line."""
    n = rng.randint(1, 9999)
    return rng.choice([
        lambda: f"{n} {rng.choice(['Main', 'Oak', 'Elm', 'Maple'])} {rng.choice(['Street', 'St.', 'Ave', 'Road'])}, "
                f"{rng.choice(['Springfield', 'Boston', 'Austin'])}, {rng.choice(['IL', 'MA', 'TX'])} {rng.randint(10000, 99999)}",
        lambda: f"Apt. {rng.randint(1, 40)}, {n} Elm Ave, Boston, MA 0{rng.randint(1000, 2999)}",
        lambda: f"{rng.randint(1, 300)}{rng.choice(['', 'B'])} Baker Street, London NW1 {rng.randint(1, 9)}XE",
        lambda: f"{rng.choice(['Hauptstraße', 'Bahnhofstr.', 'Gartenweg'])} {rng.randint(1, 120)}, "
                f"{rng.randint(10000, 99999)} {rng.choice(['Berlin', 'München', 'Köln'])}",
        lambda: f"{rng.randint(1, 120)}, rue de {rng.choice(['Rivoli', 'la Paix', 'Lyon'])}, 750{rng.randint(1, 20):02d} Paris",
    ])()


def chinese_address(rng: random.Random) -> str:
    """A Chinese address: province or city, district, road, number, and sometimes a building and a room."""
    place = rng.choice(["北京市朝阳区", "上海市浦东新区", "广东省深圳市南山区", "浙江省杭州市西湖区", "四川省成都市武侯区"])
    road = rng.choice(["建国路", "世纪大道", "科技园南路", "文三路", "人民南路"]) + f"{rng.randint(1, 999)}号"
    room = f"{rng.randint(1, 20)}栋{rng.randint(101, 2999)}室" if rng.random() < 0.6 else ""
    return place + road + room


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni(rng: random.Random) -> str:
    """A Spanish DNI (8 digits and the letter of their remainder mod 23) or NIE (X, Y or Z first), maybe dashed."""
    number = rng.randint(0, 99_999_999)
    if rng.random() < 0.3:
        prefix = rng.choice("XYZ")
        number %= 10_000_000
        value = f"{prefix}{number:07d}" + _DNI_LETTERS[("XYZ".index(prefix) * 10_000_000 + number) % 23]
    else:
        value = f"{number:08d}{_DNI_LETTERS[number % 23]}"
    return value[:-1] + "-" + value[-1] if rng.random() < 0.2 else value


def cpf(rng: random.Random) -> str:
    """A Brazilian CPF as written, 123.456.789-09, with its two mod-11 check digits."""
    digits = [rng.randint(0, 9) for _ in range(9)]
    for n in (9, 10):
        digits.append(sum(d * w for d, w in zip(digits, range(n + 1, 1, -1), strict=True)) * 10 % 11 % 10)
    text = "".join(map(str, digits))
    return f"{text[:3]}.{text[3:6]}.{text[6:9]}-{text[9:]}"


def nir(rng: random.Random) -> str:
    """A French NIR: sex, year, month, department, commune, order and the key 97 - n mod 97; spaced or in one block."""
    body = f"{rng.choice('12')}{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}" \
           f"{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    value = body + f"{97 - int(body) % 97:02d}"
    spaced = f"{value[0]} {value[1:3]} {value[3:5]} {value[5:7]} {value[7:10]} {value[10:13]} {value[13:]}"
    return spaced if rng.random() < 0.5 else value


_VERHOEFF_D = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
               (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
               (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
               (9, 8, 7, 6, 5, 4, 3, 2, 1, 0))
_VERHOEFF_P = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
               (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
               (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8))
_VERHOEFF_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def aadhaar(rng: random.Random) -> str:
    """An Aadhaar number (12 digits from 2-9, the last its Verhoeff check digit) in its groups of four."""
    body = str(rng.randint(2, 9)) + "".join(rng.choice(string.digits) for _ in range(10))
    check = 0
    for i, digit in enumerate(reversed(body)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[(i + 1) % 8][int(digit)]]
    value = body + str(_VERHOEFF_INV[check])
    return f"{value[:4]} {value[4:8]} {value[8:]}"


def bsn(rng: random.Random) -> str:
    """A Dutch BSN: nine digits that pass the 11-proof."""
    while True:
        body = [rng.randint(0, 9) for _ in range(8)]
        last = sum(d * w for d, w in zip(body, range(9, 1, -1), strict=True)) % 11
        if last < 10 and any(body):
            return "".join(map(str, body)) + str(last)


_CF_ODD = dict(zip(string.digits + string.ascii_uppercase,
                   (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12,
                    14, 16, 10, 22, 25, 24, 23), strict=True))


def codice_fiscale(rng: random.Random) -> str:
    """An Italian codice fiscale: letters of the names, birth year, month letter, day (+40 for women), a place's
    code, and the check letter (odd and even places weighed as the decree of 1976 says)."""
    letters = lambda n: "".join(rng.choice(string.ascii_uppercase) for _ in range(n))  # noqa: E731
    body = (letters(6) + f"{rng.randint(0, 99):02d}" + rng.choice("ABCDEHLMPRST")
            + f"{rng.randint(1, 28) + rng.choice([0, 40]):02d}" + rng.choice("ABCDEFGHILM") + f"{rng.randint(1, 999):03d}")
    total = sum(_CF_ODD[ch] for ch in body[0::2]) + sum(int(ch, 36) - (0 if ch.isdigit() else 10) for ch in body[1::2])
    return body + chr(65 + total % 26)


def nino(rng: random.Random) -> str:
    """A UK National Insurance number: two letters HMRC issues, six digits, A-D; spaced as on letters, or not."""
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice([c for c in "ABCEGHJKLMNPRSTWXYZ" if first + c not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")])
    digits = "".join(rng.choice(string.digits) for _ in range(6))
    suffix = rng.choice("ABCD")
    return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}" if rng.random() < 0.5 \
        else f"{first}{second}{digits}{suffix}"


def tax_id_de(rng: random.Random) -> str:
    """A German tax ID: ten digits, not from 0, one of them twice (or three times) and the others once, then the
    ISO 7064 MOD 11,10 check digit; grouped 2-3-3-3 as on the letter, or in one block."""
    while True:
        digits = rng.sample(string.digits, 9)
        digits.append(rng.choice(digits))
        if rng.random() < 0.3:  # a digit three times: another place takes a copy of the repeated one
            digits[digits.index(next(d for d in digits if digits.count(d) == 1))] = digits[-1]
        rng.shuffle(digits)
        if digits[0] != "0":
            break
    product = 10
    for digit in digits:
        total = (int(digit) + product) % 10 or 10
        product = total * 2 % 11
    value = "".join(digits) + str((11 - product) % 10)
    return f"{value[:2]} {value[2:5]} {value[5:8]} {value[8:]}" if rng.random() < 0.5 else value


def sin(rng: random.Random) -> str:
    """A Canadian Social Insurance Number: nine digits from 1-7 or 9 that pass Luhn, grouped 3-3-3 or not."""
    body = rng.choice("12345679") + "".join(rng.choice(string.digits) for _ in range(7))
    value = body + luhn_digit(body)
    gap = rng.choice([" ", "-", ""])
    return f"{value[:3]}{gap}{value[3:6]}{gap}{value[6:]}"


def my_number(rng: random.Random) -> str:
    """A Japanese Individual Number (My Number): eleven digits and the check digit 11 - (sum of digit x weight mod 11),
    0 for 10 and 11, the weights 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2; grouped in fours as on the card, or not."""
    body = "".join(rng.choice(string.digits) for _ in range(11))
    remainder = sum(int(d) * w for d, w in zip(body, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    value = body + str(0 if remainder <= 1 else 11 - remainder)
    return f"{value[:4]} {value[4:8]} {value[8:]}" if rng.random() < 0.5 else value


def rrn(rng: random.Random) -> str:
    """A South Korean resident registration number as written: birth date, a digit for the century and sex, a place
    up to 96, a serial, and the check digit (11 less the weighed sum mod 11, mod 10)."""
    day = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(80 * 365))
    body = day.strftime("%y%m%d") + rng.choice("12" if day.year < 2000 else "34") + f"{rng.randint(0, 96):02d}" \
        + f"{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), strict=True))
    return f"{body[:6]}-{body[6:]}{(11 - total % 11) % 10}"


def be_national_number(rng: random.Random) -> str:
    """A Belgian national number: birth date, a serial (odd for men), and 97 less the nine mod 97 (a 2 before them
    for a birth since 2000); written 85.07.30-033.28 or in one block."""
    day = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(80 * 365))
    body = day.strftime("%y%m%d") + f"{rng.randint(1, 998):03d}"
    value = body + f"{97 - int(('2' if day.year >= 2000 else '') + body) % 97:02d}"
    return f"{value[:2]}.{value[2:4]}.{value[4:6]}-{value[6:9]}.{value[9:]}" if rng.random() < 0.5 else value


def tfn(rng: random.Random) -> str:
    """An Australian tax file number: nine digits whose sum weighed 1, 4, 3, 7, 5, 8, 6, 9, 10 is a multiple of 11;
    grouped 3-3-3 or not."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        rest = -sum(d * w for d, w in zip(digits, (1, 4, 3, 7, 5, 8, 6, 9), strict=True)) % 11
        last = next((d for d in range(10) if d * 10 % 11 == rest), None)
        if last is not None:
            value = "".join(map(str, digits)) + str(last)
            return f"{value[:3]} {value[3:6]} {value[6:]}" if rng.random() < 0.5 else value


_TW_LETTER_NUMBERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def tw_id(rng: random.Random) -> str:
    """A Taiwanese national ID: a letter (its county), 1 or 2, seven digits and the check digit that makes the
    letter's two digits and the nine, weighed 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1, a multiple of 10."""
    letter = rng.choice(list(_TW_LETTER_NUMBERS))
    body = rng.choice("12") + "".join(rng.choice(string.digits) for _ in range(7))
    tens, ones = divmod(_TW_LETTER_NUMBERS[letter], 10)
    total = tens + ones * 9 + sum(int(d) * w for d, w in zip(body, (8, 7, 6, 5, 4, 3, 2, 1), strict=True))
    return f"{letter}{body}{-total % 10}"


BIRTH_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d %B %Y", "%B %d, %Y", "%d %b %Y",
                      "%Y年%m月%d日")


def birth_date(rng: random.Random, day: datetime.date | None = None) -> str:
    """A day between 1930 and 2010 (or day), written as people and forms write it."""
    day = day or datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(80 * 365))
    return day.strftime(rng.choice(BIRTH_DATE_FORMATS))


BIRTH_MONTH_FORMATS = ("%B %Y", "%b %Y", "%B, %Y", "%m/%Y", "%Y-%m")


def birth_month(rng: random.Random, day: datetime.date | None = None) -> str:
    """The month and year of a day between 1930 and 2010 (or day's), written as people and forms write them."""
    day = day or datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(80 * 365))
    return day.strftime(rng.choice(BIRTH_MONTH_FORMATS))


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
