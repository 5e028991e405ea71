"""Passports and travel permits: found next to the words that name them, graded without; thresholds per entity."""

from __future__ import annotations

import pytest
import voluptuous as vol

from integrations.pii.config import CONFIG_SCHEMA
from integrations.pii.context import Words, graded
from integrations.pii.engine import PiiSanitizer
from integrations.pii.recognizers import default_registry
from integrations.pii.vault import InMemoryVault

KEY = b"test-device-key-0123456789abcdef"


def _found(text: str, **thresholds: float) -> list[tuple[str, str]]:
    registry = default_registry(thresholds=thresholds)
    return [(f.entity, f.text) for f in registry.analyze(text, thresholds=thresholds or None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("我的护照号码是E72345618，请核对", [("PASSPORT", "E72345618")]),
    ("passport no. EA1234567 expires 2030", [("PASSPORT", "EA1234567")]),
    ("护照：G43125987。", [("PASSPORT", "G43125987")]),
    ("US passport 531842967 on file", [("PASSPORT", "531842967")]),
    ("往来港澳通行证C58213476签注", [("TRAVEL_PERMIT", "C58213476")]),
    ("回乡证号码H6021574398", [("TRAVEL_PERMIT", "H6021574398")]),
    ("台胞证 09215437", [("TRAVEL_PERMIT", "09215437")]),
    ("product code E12345678 in stock", []),  # the shape alone: below the default threshold
    ("订单号 E12345678 护照", []),  # a label of another number lowers it even next to the word
    ("9 digits 123456789 without a word", []),
    ("发票号码 12345678", []),
])
def test_travel_documents(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


def test_a_lower_threshold_finds_the_shape_without_words() -> None:
    text = "product code E12345678 and permit C58213476 in stock"
    assert _found(text) == []
    assert _found(text, PASSPORT=0.35, TRAVEL_PERMIT=0.25) == [("PASSPORT", "E12345678"),
                                                                ("TRAVEL_PERMIT", "C58213476")]


async def test_the_threshold_is_configured_per_entity() -> None:
    text = "Part E12345678 ships today. Please bring your passport, G43125987, to the desk."
    default = PiiSanitizer(None, InMemoryVault(), KEY)
    lowered = PiiSanitizer({"entities": {"PASSPORT": {"threshold": 0.3}}}, InMemoryVault(), KEY)
    raised = PiiSanitizer({"entities": {"PASSPORT": {"threshold": 0.95}}}, InMemoryVault(), KEY)
    assert [f.text for f in default.analyze(text)] == ["G43125987"]
    assert [f.text for f in lowered.analyze(text)] == ["E12345678", "G43125987"]
    assert raised.analyze(text) == []
    assert await default.sanitize(text, "chat") == ("Part E12345678 ships today. Please bring your passport,"
                                                    " [PASSPORT_1], to the desk.")


def test_a_threshold_must_be_a_confidence() -> None:
    with pytest.raises(vol.Invalid, match="expected a confidence from 0 to 1"):
        CONFIG_SCHEMA({"entities": {"CARD": {"threshold": 1.5}}})


def test_words_raise_and_labels_lower() -> None:
    text = "护照 E12345678"
    assert graded(0.4, 0.9, text, 3, 12, Words("护照")) == 0.9
    assert graded(0.4, 0.9, "code E12345678", 5, 14, Words("护照")) == 0.4
    assert graded(0.4, 0.9, "order E12345678", 6, 15, Words("护照")) == 0.0
    assert graded(0.4, 0.9, "E12345678" + " " * 40 + "护照", 0, 9, Words("护照")) == 0.4  # beyond the window
