"""Coordinates (COORDINATES) near a word of places: a pair of decimals, degrees with minutes and seconds, a latitude
named."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import default_registry


def places(text: str) -> list[tuple[str, float]]:
    """The COORDINATES findings the whole registry keeps in text, with their confidence."""
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "COORDINATES"]


@pytest.mark.parametrize(("text", "found"), [
    # Marked as degrees or hemispheres, or written as degrees, minutes and seconds
    ("GPS 40.7128° N, 74.0060° W", [("40.7128° N, 74.0060° W", 0.9)]),
    ("meet me at 40°42'46.1\"N 74°00'21.6\"W", [("40°42'46.1\"N 74°00'21.6\"W", 0.9)]),
    # With a word of places near them
    ("https://maps.google.com/?q=52.520008,13.404954", [("52.520008,13.404954", 0.85)]),
    ("https://www.google.com/maps/@52.5200066,13.404954,15z", [("52.5200066,13.404954", 0.85)]),
    ("geo:37.786971,-122.399677", [("37.786971,-122.399677", 0.85)]),
    ("我的位置 39.9042, 116.4074", [("39.9042, 116.4074", 0.85)]),
    ("I'm at -33.8688, 151.2093 now (my phone's GPS)", [("-33.8688, 151.2093", 0.85)]),
    ("Singapore's coordinates: 1.3521, 103.8198", [("1.3521, 103.8198", 0.85)]),
    # Named, each alone
    ("homeassistant:\n  latitude: 52.3731\n  longitude: 4.8922", [("52.3731", 0.9), ("4.8922", 0.9)]),
    ('{"latitude": 52.520008, "longitude": 13.404954}', [("52.520008", 0.9), ("13.404954", 0.9)]),
    ("纬度：39.9042，经度：116.4074", [("39.9042", 0.9), ("116.4074", 0.9)]),
])
def test_coordinates_are_found(text: str, found: list[tuple[str, float]]) -> None:
    assert places(text) == found


@pytest.mark.parametrize("text", [
    "I'm at -33.8688, 151.2093 now",  # a pair alone: in code and science most are no places
    "desired = np.array([[32.9850547060149, 39.0219480493301]])",
    "GPS error 12.3456, 45.6789, 78.9012",  # a list of numbers
    "position (0.367879441171442, 1.2428864009344e-17)",  # a mantissa
    "location 95.1234, 200.5678",  # no latitude over 90, no longitude over 180
    "GPS version 1.2, 3.4",  # too few decimals
    "it is 21°C outside",
    "latitude: unknown, longitude: 13",  # a named coordinate needs its decimals
])
def test_what_is_no_place_stays(text: str) -> None:
    assert places(text) == []
