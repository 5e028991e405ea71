"""Vehicle plates for the pii evaluation, Chinese ones and others, after their labels, with the sentences that hold them
and the hard negatives beside them (a stock's index, a student's number, a plate of food, a plate without its label)."""

from __future__ import annotations

import random
import string
from collections.abc import Callable

__all__ = ["PLATES", "PLATE_NEGATIVE", "chinese_plate", "labelled_plate"]

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O on a Chinese plate


def chinese_plate(rng: random.Random) -> str:
    """A province's character, a city's letter, maybe a dot, and five characters (six for an electric car's)."""
    body = "".join(rng.choice(_PLATE_LETTERS[:4] + "0123456789" * 3) for _ in range(rng.choice((5, 5, 6))))
    return f"{rng.choice(_PROVINCES)}{rng.choice(_PLATE_LETTERS)}{rng.choice(('', '·'))}{body}"


def _letters(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(count))


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def labelled_plate(rng: random.Random) -> str:
    """A plate as the US, Germany, France, Italy, the Netherlands, the UK or Korea write it."""
    return rng.choice((
        lambda: f"{_letters(rng, 3)}-{_digits(rng, 4)}",
        lambda: f"{_letters(rng, rng.randint(1, 3))}-{_letters(rng, 2)} {_digits(rng, rng.randint(1, 4))}",
        lambda: f"{_letters(rng, 2)}-{_digits(rng, 3)}-{_letters(rng, 2)}",
        lambda: f"{_letters(rng, 2)} {_digits(rng, 3)} {_letters(rng, 2)}",
        lambda: f"{_digits(rng, 2)}-{_letters(rng, 3)}-{_digits(rng, 1)}",
        lambda: f"{_letters(rng, 2)}{_digits(rng, 2)} {_letters(rng, 3)}",
        lambda: f"{_digits(rng, rng.choice((2, 3)))}{rng.choice('가나다라마거너더러머')} {_digits(rng, 4)}",
    ))()


PLATES: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("VEHICLE_PLATE", chinese_plate, ["车牌 {v}", "车牌号：{v} 停在楼下", "my car's license plate is {v}",
                                       "请给车牌{v}开门"]),
    ("VEHICLE_PLATE", labelled_plate, ["license plate {v}", "my licence plate is {v}", "Kennzeichen {v}",
                                        "plaque d'immatriculation {v}", "kenteken: {v}", "plate number {v}, please open",
                                        "차량번호 {v}"]),
]
"""Vehicle plates: a stream of their own, so that the other types' sentences stay as they were."""

PLATE_NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: r.choice([
        f"沪深{r.randint(100, 999)}指数今天涨了{r.randint(1, 9)}%",
        f"matrícula {r.randint(2020, 2025)}{r.randint(1000, 9999)} del curso",
        f"a plate of {r.randint(2, 9)} eggs, then {_letters(r, 3)}-{_digits(r, 4)} in the order",
        f"北京时间 {r.randint(0, 23)}:{r.randint(10, 59)}，新A股开盘，{chinese_plate(r)} 停在楼下",
        f"Porsche 911 Targa {r.randint(2, 4)}S",
    ]),
]
