"""Values of every type for the pii evaluation, made from the algorithms that define them (real region codes,
birth dates and check characters, numbering plans, Luhn, mod 97, the SSA's rules), not from the recognizers' code;
people's names, dates of birth and addresses; and numbers that are nobody's (barcodes, bank routing numbers). National
identity numbers have a module of their own: pii_id_values."""

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
    """A host's dotted quad: not this device's (127.x.x.x is loopback), no multicast group's or reserved one (224 up)."""
    return ".".join(str(rng.choice([n for n in range(1, 224) if n != 127]) if i == 0 else rng.randint(1, 254))
                    for i in range(4))


def ipv6(rng: random.Random) -> str:
    """A host's full IPv6 address (none from ff00::/8, multicast groups')."""
    return ":".join(f"{rng.randint(1, 0xFEFF if i == 0 else 0xFFFF):x}" for i in range(8))


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


def birth_day(rng: random.Random) -> datetime.date:
    """A day between 1930 and 2010, for a birth date."""
    return datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(80 * 365))


BIRTH_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d %B %Y", "%B %d, %Y", "%d %b %Y",
                      "%Y年%m月%d日")


def birth_date(rng: random.Random, day: datetime.date | None = None) -> str:
    """A day between 1930 and 2010 (or day), written as people and forms write it."""
    day = day or birth_day(rng)
    return day.strftime(rng.choice(BIRTH_DATE_FORMATS))


BIRTH_MONTH_FORMATS = ("%B %Y", "%b %Y", "%B, %Y", "%m/%Y", "%Y-%m")


def birth_month(rng: random.Random, day: datetime.date | None = None) -> str:
    """The month and year of a day between 1930 and 2010 (or day's), written as people and forms write them."""
    day = day or birth_day(rng)
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
