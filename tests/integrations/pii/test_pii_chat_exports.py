"""A chat's export: each line's sender is a name, and the names the lines repeat are found too."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import default_registry

EXPORT = """[12/03/2024, 10:15:32] Anna Schmidt: Hi Tom, are we still on for tonight?
12/03/2024, 10:16 - Tom Becker: Yes! Anna, bring the keys
3/12/24, 10:15\u202fPM - Mom ❤: call me
12/03/2024, 10:17 - Messages and calls are end-to-end encrypted. No one outside of this chat can read them."""


def test_each_sender_of_an_export_is_a_name_and_so_are_its_names_in_the_messages() -> None:
    found = [(f.entity, f.text) for f in default_registry().analyze(EXPORT)]
    assert found == [("PERSON", "Anna Schmidt"), ("PERSON", "Tom"), ("PERSON", "Tom Becker"), ("PERSON", "Anna"),
                     ("PERSON", "Mom ❤")]


@pytest.mark.parametrize("text", [
    "2024-03-12 10:15:32 INFO app: started",  # a log's line: no comma after its date
    "12/03/2024 10:15 - Anna: no comma",
    "3, 10:15 - step: one",
    "[12/03/2024, 10:15:32] 12345: a number, not a name",
])
def test_lines_that_only_look_like_an_export_s_give_no_name(text: str) -> None:
    assert [f for f in default_registry().analyze(text) if f.entity == "PERSON"] == []
