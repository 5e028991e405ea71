"""Coordinates for the pii evaluation: a latitude and a longitude as phones, maps and home automation systems write them,
with the sentences that hold them (each with a word of places) and the hard negatives beside them (numbers of code and
science in pairs and lists, mantissas, versions, temperatures)."""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["COORDINATES", "COORDINATE_NEGATIVE", "coordinates", "named_coordinate"]


def _decimal(rng: random.Random, limit: int) -> str:
    return f"{rng.uniform(-limit, limit):.{rng.randint(4, 7)}f}"


def coordinates(rng: random.Random) -> str:
    """A latitude and a longitude, with a comma and maybe a space between them, or with their hemispheres."""
    latitude, longitude = _decimal(rng, 85), _decimal(rng, 179)
    if rng.random() < 0.3:
        return (f"{latitude.lstrip('-')}° {'S' if latitude.startswith('-') else 'N'}, "
                f"{longitude.lstrip('-')}° {'W' if longitude.startswith('-') else 'E'}")
    return f"{latitude},{rng.choice((' ', ''))}{longitude}"


def named_coordinate(rng: random.Random) -> str:
    """A latitude or a longitude alone, with three to six decimals (as after its name in a configuration)."""
    return f"{rng.uniform(-85, 85):.{rng.randint(3, 6)}f}"


COORDINATES: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("COORDINATES", coordinates, ["I'm at {v} now (my phone's GPS)", "GPS: {v}", "my location {v}", "https://maps.google.com/?q={v}",
                                  "我的位置 {v}", "Standort {v}, bis gleich"]),
    ("COORDINATES", named_coordinate, ["latitude: {v}", "home:\n  longitude: {v}\n  elevation: 30", "纬度：{v}",
                                       '"latitude": {v},']),
]
"""Coordinates: a stream of their own, so that the other types' sentences stay as they were."""

COORDINATE_NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: r.choice([
        f"np.array([{r.uniform(0, 90):.8f}, {r.uniform(0, 90):.8f}])",  # a pair alone
        f"ratio {r.uniform(0, 9):.4f}, {r.uniform(0, 9):.4f}",
        f"position (0.{r.randint(10**13, 10**14)}, {r.uniform(0, 90):.13f}e-{r.randint(10, 18)})",
        f"GPS release {r.randint(1, 9)}.{r.randint(0, 20)}, {r.randint(1, 9)}.{r.randint(0, 20)}",
        f"it is {r.randint(-10, 35)}°C inside, {r.randint(20, 80)} % humidity",
        f"location error {r.uniform(10, 80):.4f}, {r.uniform(10, 80):.4f}, {r.uniform(10, 80):.4f}",
    ]),
]
