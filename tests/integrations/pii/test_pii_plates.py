"""Vehicle plates (VEHICLE_PLATE) after their labels."""

from __future__ import annotations

import pytest

from integrations.pii.policies import normalize
from integrations.pii.recognizers import default_registry


def plates(text: str) -> list[tuple[str, float]]:
    """The VEHICLE_PLATE findings the whole registry keeps in text, with their confidence."""
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "VEHICLE_PLATE"]


@pytest.mark.parametrize(("text", "plate"), [
    ("车牌 京A·12345 停在楼下", "京A·12345"),
    ("我的车牌是粤B12345D，电动车", "粤B12345D"),  # an electric car's six characters
    ("请给车牌号沪A12345开门", "沪A12345"),
    ("车牌号：蒙S-14177", "蒙S-14177"),
    ("my license plate is ABC-1234", "ABC-1234"),
    ("Kennzeichen B-MW 1234, bitte parken lassen", "B-MW 1234"),
    ("plaque d'immatriculation AB-123-CD", "AB-123-CD"),
    ("kenteken: 12-ABC-3", "12-ABC-3"),
    ("number plate GY21 ABC", "GY21 ABC"),
    ("license plate NO 342 LQ", "NO 342 LQ"),  # Novara's "NO", no "number" of the label's
    ("License Plate No. XYZ 987", "XYZ 987"),
    ("차량번호 12가 3456", "12가 3456"),
])
def test_a_plate_is_found(text: str, plate: str) -> None:
    assert plates(text) == [(plate, 0.9)]


@pytest.mark.parametrize("text", [
    "沪深300指数今天涨了2%",
    "京A·12345 停在楼下",  # no label: a Chinese plate is not looked for alone (README, Not done yet)
    "matrícula 20231234 del curso",  # a student's number: no letter
    "Porsche 911 Targa 4S",  # too short
    "a plate of 4 eggs, then ABC-1234 in the order",  # no label: an order's code as much as a plate
    "license plate 6690",  # no letter
])
def test_what_is_no_plate_stays(text: str) -> None:
    assert plates(text) == []


def test_one_plate_written_two_ways_is_one_value() -> None:
    assert normalize("VEHICLE_PLATE", "京A·12345") == normalize("VEHICLE_PLATE", "京A12345")
