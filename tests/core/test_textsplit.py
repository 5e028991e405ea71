"""Splitting at a platform's limit, as properties: every part fits, nothing is lost, every part parses alone."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from core.textsplit import split
from tests.fakes.telegram_text import parse_html

WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<>&"), min_size=1, max_size=40)
TEXT = st.lists(st.tuples(WORDS, st.sampled_from([" ", "\n", "\n\n", ""])), max_size=400).map(
    lambda items: "".join(word + sep for word, sep in items))
SMALL = settings(max_examples=150, deadline=None)


@SMALL
@given(text=TEXT, limit=st.integers(200, 4096))
def test_plain_parts_fit_and_join_back_to_the_text(text: str, limit: int) -> None:
    parts = split(text, "none", limit)
    assert all(len(part) <= limit for part in parts)
    assert "".join(parts) == text


@SMALL
@given(text=st.text(alphabet="😀👍🏽a \n", max_size=9000))
def test_emoji_are_never_cut(text: str) -> None:
    parts = split(text)
    assert "".join(parts) == text and all(len(p) <= 4096 for p in parts)
    assert all(part.encode("utf-16", "strict") for part in parts)  # no lone surrogate anywhere


TAGGED = st.lists(st.tuples(st.sampled_from(["b", "i", "code", None]), WORDS, st.sampled_from([" ", "\n"])),
                  max_size=600).map(lambda items: "".join(
                      (f"<{tag}>{html.escape(word)}</{tag}>" if tag else html.escape(word)) + sep
                      for tag, word, sep in items))


@SMALL
@given(text=TAGGED, limit=st.integers(300, 4096))
def test_html_parts_each_parse_and_say_what_the_whole_said(text: str, limit: int) -> None:
    parts = split(text, "HTML", limit)
    plain = [parse_html(part) for part in parts]
    assert all(p is not None for p in plain), "every part is valid HTML on its own"
    assert all(len(p) <= limit for p in plain)  # type: ignore[arg-type]
    assert "".join(plain) == parse_html(text)  # type: ignore[arg-type]


def test_a_code_block_cut_in_two_is_closed_and_opened_again() -> None:
    code = "\n".join(f"line {i}" for i in range(900))
    parts = split(f"Here:\n```python\n{code}\n```\ndone", "MarkdownV2", 4096)
    assert len(parts) >= 2
    assert all(part.count("```") % 2 == 0 for part in parts)
    assert parts[1].startswith("```python\n")


PLAIN_WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="`\n"), min_size=1, max_size=40)
FENCED = st.lists(st.tuples(st.booleans(), st.lists(PLAIN_WORDS, min_size=1, max_size=30)), min_size=1,
                  max_size=40).map(
    lambda blocks: "\n".join(("```py\n" + "\n".join(words) + "\n```") if code else " ".join(words)
                             for code, words in blocks))


@SMALL
@given(text=FENCED, limit=st.integers(300, 2000))
def test_markdown_parts_fit_and_keep_every_code_fence_closed(text: str, limit: int) -> None:
    parts = split(text, "markdown", limit)
    assert all(len(part) <= limit for part in parts)
    assert all(part.count("```") % 2 == 0 for part in parts), "a fence cut in two is closed and reopened"
