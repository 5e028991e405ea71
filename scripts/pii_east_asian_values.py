"""Japanese and Korean names, addresses and dates of birth for the pii evaluation, written as their forms write them."""

from __future__ import annotations

import datetime
import random

from pii_values import birth_day

_JAPANESE_SURNAMES = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "松本")
_JAPANESE_GIVEN = ("太郎", "花子", "健一", "陽子", "翔", "美咲", "大輔", "由美", "拓也", "愛", "誠", "恵子", "蓮", "結衣")
_KOREAN_SURNAMES = ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "남궁")
_KOREAN_GIVEN = ("민준", "서연", "지훈", "하은", "도윤", "수빈", "예준", "지민", "현우", "은영", "정호", "유진", "민")


def japanese_person(rng: random.Random) -> str:
    """A Japanese name: family name first, then the given name, maybe parted by a space (full-width or not)."""
    return rng.choice(_JAPANESE_SURNAMES) + rng.choice(["", "", " ", "　"]) + rng.choice(_JAPANESE_GIVEN)


def korean_person(rng: random.Random) -> str:
    """A Korean name: a surname (one syllable, or two) and a given name of one or two syllables."""
    return rng.choice(_KOREAN_SURNAMES) + rng.choice(_KOREAN_GIVEN)


def japanese_address(rng: random.Random) -> str:
    """A Japanese address: the postcode now and then, prefecture, city or ward, town, and 丁目-番-号 or 1-2-3."""
    place = rng.choice(["東京都千代田区千代田", "大阪府大阪市北区梅田", "神奈川県横浜市中区山下町", "北海道札幌市中央区北一条西",
                        "愛知県名古屋市中村区名駅"])
    block, lot, house = rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 20)
    number = f"{block}丁目{lot}番{house}号" if rng.random() < 0.5 else f"{block}-{lot}-{house}"
    postcode = f"〒{rng.randint(100, 999)}-{rng.randint(0, 9999):04d} " if rng.random() < 0.3 else ""
    return postcode + place + number


def korean_address(rng: random.Random) -> str:
    """A Korean road-name address: province or city, district, road, building number, maybe the dong in brackets."""
    place = rng.choice(["서울특별시 강남구", "서울특별시 종로구", "부산광역시 해운대구", "경기도 성남시 분당구", "대구광역시 중구"])
    road = rng.choice(["테헤란로", "세종대로", "해운대로", "판교역로", "동성로"]) + f" {rng.randint(1, 999)}"
    dong = f" ({rng.choice(['삼성동', '역삼동', '우동', '백현동'])})" if rng.random() < 0.3 else ""
    return f"{place} {road}{dong}"


def east_asian_birth_date(rng: random.Random) -> str:
    """A day between 1930 and 2010 as Japanese (1984年3月12日, 昭和59年3月12日) or Korean (1984년 3월 12일, 1984.03.12)
    forms write it."""
    day = birth_day(rng)
    era, first = ("平成", 1989) if day >= datetime.date(1989, 1, 8) else ("昭和", 1926)
    era_year = day.year - first + 1
    return rng.choice([f"{day.year}年{day.month}月{day.day}日", f"{era}{'元' if era_year == 1 else era_year}年{day.month}月{day.day}日",
                       f"{day.year}년 {day.month}월 {day.day}일", day.strftime("%Y.%m.%d")])
