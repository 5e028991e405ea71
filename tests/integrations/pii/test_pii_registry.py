"""The registry: custom recognizers, prefilters, overlaps, and findings that are always slices of the text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.pii.recognizers import (
    BUILTIN_ENTITIES,
    Finding,
    RecognizerRegistry,
    default_registry,
    resolve_overlaps,
)
from integrations.pii.runs import digit_runs, longest_run


def test_overlaps_keep_confident_then_long() -> None:
    a = Finding("A", 0, 10, "x" * 10, 0.9)
    b = Finding("B", 5, 12, "y" * 7, 0.95)
    c = Finding("C", 12, 20, "z" * 8, 0.5)
    d = Finding("D", 12, 22, "w" * 10, 0.5)
    assert resolve_overlaps([a, b, c, d]) == [b, d]


def test_overlapping_findings_of_one_entity_are_joined() -> None:
    text = "Address: 221B Baker Street\nLondon NW1 6XE"
    labelled = Finding("ADDRESS", 9, 26, text[9:26], 0.85)  # to the line's end
    street = Finding("ADDRESS", 9, 41, text[9:], 0.8)  # the whole address, less sure
    inside = Finding("ADDRESS", 13, 20, text[13:20], 0.9)
    assert resolve_overlaps([labelled, street, inside]) == [Finding("ADDRESS", 9, 41, text[9:], 0.9)]
    later = Finding("ADDRESS", 20, 41, text[20:], 0.8)  # begins within the first, ends after it
    assert resolve_overlaps([labelled, later]) == [Finding("ADDRESS", 9, 41, text[9:], 0.85)]
    other = Finding("PHONE", 9, 41, text[9:], 0.8)  # another entity still gives way to the surer
    assert resolve_overlaps([labelled, other]) == [labelled]


class Employee:
    """A custom recognizer from another integration: employee numbers like E-123456."""

    entity = "EMPLOYEE_ID"

    def find(self, text: str) -> Iterator[Finding]:
        """Yield the first E-number."""
        start = text.find("E-")
        if start != -1:
            yield Finding(self.entity, start, start + 8, text[start : start + 8], 0.8)


def test_registry_accepts_custom_recognizers_and_filters() -> None:
    registry = default_registry()
    assert set(registry.entities) == set(BUILTIN_ENTITIES)
    employee = Employee()
    registry.register(employee)
    text = "E-123456 called 13812345678"
    assert [f.entity for f in registry.analyze(text)] == ["EMPLOYEE_ID", "PHONE"]
    assert [f.entity for f in registry.analyze(text, skip={"PHONE"})] == ["EMPLOYEE_ID"]
    assert [f.entity for f in registry.analyze(text, entities={"PHONE"})] == ["PHONE"]
    registry.unregister(employee)
    assert [f.entity for f in registry.analyze(text)] == ["PHONE"]


def test_registry_rejects_bad_recognizers() -> None:
    registry = RecognizerRegistry()

    class Lower:
        """An entity name in lower case."""

        entity = "phone"

        def find(self, text: str) -> list[Finding]:
            """Find nothing."""
            return []

    class NoFind:
        """No find method at all."""

        entity = "X"

    with pytest.raises(ValueError, match="upper-case"):
        registry.register(Lower())
    with pytest.raises(ValueError, match="find"):
        registry.register(NoFind())  # type: ignore[arg-type]
    assert len(registry) == 0


def test_prefilters_skip_text_without_triggers() -> None:
    text = "plain words, no digits at all."
    for recognizer in default_registry():
        applies = getattr(recognizer, "applies", None)
        assert (applies is not None and applies(text) is False) or longest_run(text) < getattr(recognizer, "shortest_run", 0), \
            recognizer


def test_a_recognizer_declares_the_digit_run_it_needs() -> None:
    class Digits:
        entity = "DIGITS"
        shortest_run = 9

        def find(self, text: str) -> Iterator[Finding]:
            for m in re.finditer(r"[0-9]{9}", text):
                yield Finding(self.entity, m.start(), m.end(), m.group(), 0.9)

    registry = RecognizerRegistry()
    registry.register(Digits())
    assert [f.text for f in registry.analyze("call 123456789 now")] == ["123456789"]
    assert registry.analyze("12345678 and 1234567") == []
    bad = Digits()
    bad.shortest_run = "9"  # type: ignore[assignment]
    with pytest.raises(ValueError, match="shortest_run"):
        RecognizerRegistry().register(bad)


def test_a_date_is_no_run_of_digits_but_what_follows_it_is() -> None:
    for date in ("2024-01-05", "2024-01-05 14:30:00", "1999/12/31", "2024.1.5"):
        text = f"会议定在 {date}，地点 3 号楼"
        assert digit_runs(text) == [] and longest_run(text) == 0, date
        assert not [f for f in default_registry().analyze(text) if f.entity != "SECRET"], date
    text = "2024-01-05 13912345678 and 2024-01-05-4111111111111111"  # not dates alone: runs, searched
    assert len(digit_runs(text)) == 2
    assert [f.entity for f in default_registry().analyze("call 2024-01-05 13912345678 now")] == ["PHONE"]


_PIECES = st.one_of(
    st.text("0123456789 -./()+x#", min_size=1, max_size=24),
    st.sampled_from(["电话", "手机", "拨打", "call ", "ext. ", "转", "card ", "卡号", "SSN ", "身份证", "护照", "订单号 ",
                     "@", "sk-proj-", "password=", "：", "，", "（", "）", "１３９", "\u3000", "İ", "\n",
                     "\u00a0", "\u202f", "\u2013", "\u200b", "\u00ad", "\u200f", "٤١١", "۰۹"]),
    st.text(min_size=1, max_size=8),
)


_REGISTRY = default_registry()
"""One registry for every example, as a running Roost has (a fresh one per example: 12.4 s instead of 1.2 s)."""


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_any_text_gets_ordered_findings_that_are_its_own_slices(text: str) -> None:
    found = _REGISTRY.analyze(text)
    assert all(f.text == text[f.start:f.end] and f.start < f.end for f in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
