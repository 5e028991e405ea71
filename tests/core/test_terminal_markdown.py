"""A model's Markdown styled for a terminal piece by piece: what the terminal shows does not depend on the pieces."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.terminal_markdown import TerminalMarkdown, styled, wants_styles
from tests.helpers.ansi import shown


def _in_pieces(text: str, cuts: list[int]) -> str:
    markdown = TerminalMarkdown()
    bounds = sorted({0, len(text), *(cut % (len(text) + 1) for cut in cuts)})
    return "".join(markdown.feed(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)) + markdown.end()


@pytest.mark.parametrize(("markdown", "runs"), [
    ("# Bread\nRye", [("1", "Bread"), ("", "\nRye")]),
    ("###### six\n####### seven", [("1", "six"), ("", "\n####### seven")]),
    ("#hashtag and a # b", [("", "#hashtag and a # b")]),
    ("a **bold** word", [("", "a "), ("1", "bold"), ("", " word")]),
    ("**two\nlines**", [("1", "two"), ("", "\n"), ("1", "lines")]),
    ("**one\n\nparagraph ends it", [("1", "one"), ("", "\n\nparagraph ends it")]),
    ("2 * 3 * 4, a ** b, snake_case_name", [("", "2 * 3 * 4, a ** b, snake_case_name")]),
    ("*one* _two_", [("3", "one"), ("", " "), ("3", "two")]),
    ("**bold _both_**", [("1", "bold "), ("1;3", "both")]),
    ("*.py and *, _a_b, __init__, 2_000_", [("", "*.py and *, _a_b, __init__, 2_000_")]),
    ("*not\nclosed*", [("", "*not\nclosed*")]),
    ("see [Roost](https://roost.dev/a_b).", [("", "see "), ("4", "Roost"), ("2", " (https://roost.dev/a_b)"),
                                            ("", ".")]),
    ("[https://x.org](https://x.org) [me@x.org](mailto:me@x.org)", [("4", "https://x.org"), ("", " "),
                                                                  ("4", "me@x.org")]),
    ("[1] [a] (b) [a](b c) [a](b", [("", "[1] [a] (b) [a](b c) [a](b")]),
    ("use `x ** y`", [("", "use "), ("36", "x ** y")]),
    ("- one\n  * two\n+ three\n-- not\n---", [("", "• one\n  • two\n• three\n-- not\n---")]),
    ("```py\n# not a heading\n- not an item\n```\nafter",
     [("2", "```py"), ("", "\n"), ("36", "# not a heading"), ("", "\n"), ("36", "- not an item"), ("", "\n"),
      ("2", "```"), ("", "\nafter")]),
    ("~~~\n```\n~~~", [("2", "~~~"), ("", "\n"), ("36", "```"), ("", "\n"), ("2", "~~~")]),
    ("ends with *", [("", "ends with *")]),
    ("ends with **", [("", "ends with **")]),
    ("#\ntext", [("", "\ntext")]),  # an empty heading
    ("Prices:\n| Bread | Price |\n|---|---:|\n| **Rye** | 4.20 |\n| Baguette | 1.10 |\nend",
     [("", "Prices:\n"), ("1", "Bread    | Price"), ("", "\n"), ("2", "---------+------"),
      ("", "\nRye      | 4.20\nBaguette | 1.10\nend")]),
    ("| not | a table\n|\nafter", [("", "| not | a table\n|\nafter")]),
    ("a ~~gone~~ word, ~5 min, ~~not\nclosed~~", [("", "a "), ("9", "gone"), ("", " word, ~5 min, ~~not\nclosed~~")]),
    ("**bold ~~struck~~**", [("1", "bold "), ("1;9", "struck")]),
    ("> quoted *it*\n> > nested\n> - item\n> # Title\nafter, x > y",
     [("2", "│ "), ("", "quoted "), ("3", "it"), ("", "\n"), ("2", "│ │ "), ("", "nested\n"), ("2", "│ "),
      ("", "• item\n"), ("2", "│ "), ("1", "Title"), ("", "\nafter, x > y")]),
    ("> ```\n> code\n> ```", [("2", "│ ```"), ("", "\n"), ("2", "│ "), ("", "code\n"), ("2", "│ ```")]),
    ("```\n| a | b |\n|---|---|\n```", [("2", "```"), ("", "\n"), ("36", "| a | b |"), ("", "\n"),
                                        ("36", "|---|---|"), ("", "\n"), ("2", "```")]),
])
def test_marks_a_terminal_can_show_are_styled_and_the_rest_is_as_written(markdown: str, runs: list) -> None:
    assert shown(styled(markdown)) == runs


MARKDOWN = st.text(alphabet=st.sampled_from(list("ab *`#-+~_|\n\t1.[]()>")), max_size=60)


@given(MARKDOWN, st.lists(st.integers(min_value=0, max_value=60), max_size=8))
def test_what_the_terminal_shows_does_not_depend_on_how_the_answer_came_in_pieces(text: str, cuts: list) -> None:
    assert shown(_in_pieces(text, cuts)) == shown(styled(text))


@given(MARKDOWN, st.lists(st.integers(min_value=0, max_value=60), max_size=8))
def test_each_piece_ends_its_styles_before_a_line_break_and_at_its_end(text: str, cuts: list) -> None:
    markdown = TerminalMarkdown()
    bounds = sorted({0, len(text), *(cut % (len(text) + 1) for cut in cuts)})
    for out in [*(markdown.feed(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)), markdown.end()]:
        for line in out.split("\n"):
            codes = re.findall(r"\x1b\[([0-9;]*)m", line)
            assert not codes or codes[-1] == "0", f"{line!r} leaves a style on"


@given(st.text(alphabet=st.characters(blacklist_characters="*_[`#-+~|>\x1b"), max_size=80))
def test_text_with_no_marks_comes_out_as_it_went_in(text: str) -> None:
    assert styled(text) == text


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_styles_only_for_a_terminal_that_shows_them(monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_styles(_Stream(True)) and not wants_styles(_Stream(False))
    monkeypatch.setenv("NO_COLOR", "1")  # no-color.org
    assert not wants_styles(_Stream(True))
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.setenv("TERM", "dumb")
    assert not wants_styles(_Stream(True))
