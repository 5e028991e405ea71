"""Chunking of Markdown, plain text and YAML glossaries."""

from __future__ import annotations

import pytest

from integrations.knowledge.chunker import (
    Chunk,
    DocumentError,
    chunk_document,
    chunk_glossary,
    chunk_markdown,
    chunk_text,
)

MARKDOWN = """\
---
author: someone
---
Intro line before any heading.

# Bakery

## Opening hours

Tuesday to Friday.

Weekends shorter.

## Returns

### Bread

No returns on bread.

```
# not a heading inside a fence

still code
```

Setext heading
--------------

Under a setext heading.
"""


def test_markdown_chunks_keep_heading_path_and_merge_small_paragraphs() -> None:
    chunks = chunk_markdown(MARKDOWN, default_title="rules")
    titles = [c.title for c in chunks]
    assert titles == [
        "rules",
        "Bakery > Opening hours",
        "Bakery > Returns > Bread",
        "Bakery > Setext heading",
    ]
    assert chunks[0].text == "Intro line before any heading."
    # Two small paragraphs of one section become one chunk, separated by a blank line.
    assert chunks[1].text == "Tuesday to Friday.\n\nWeekends shorter."
    # A fenced block stays whole and its '#' line is not taken for a heading.
    assert "# not a heading inside a fence\n\nstill code" in chunks[2].text
    assert "author" not in " ".join(c.text for c in chunks)


def test_markdown_heading_levels_pop_back() -> None:
    text = "# A\n## B\ntext b\n# C\ntext c\n### D\ntext d\n"
    assert [c.title for c in chunk_markdown(text)] == ["A > B", "C", "C > D"]


def test_markdown_respects_max_chars_and_splits_long_paragraphs() -> None:
    paragraphs = [f"Paragraph {i} " + "word " * 30 for i in range(10)]
    long_sentences = " ".join(f"Sentence {i} is here." for i in range(200))
    text = "# T\n\n" + "\n\n".join(paragraphs) + "\n\n" + long_sentences
    chunks = chunk_markdown(text, max_chars=400)
    assert all(len(c.text) <= 400 for c in chunks)
    assert len(chunks) > 5
    joined = " ".join(c.text for c in chunks)
    for i in (0, 9):
        assert f"Paragraph {i}" in joined
    assert "Sentence 0 is here." in joined and "Sentence 199 is here." in joined


def test_long_chinese_paragraph_splits_at_sentence_ends() -> None:
    sentence = "新鲜面包和点心售出后不予退货。"
    chunks = chunk_text(sentence * 100, max_chars=100, title="规则")
    assert all(len(c.text) <= 100 for c in chunks)
    assert all(c.text.endswith("。") for c in chunks)
    assert "".join(c.text for c in chunks) == sentence * 100


def test_word_without_spaces_longer_than_limit_is_cut_hard() -> None:
    chunks = chunk_text("x" * 250, max_chars=100)
    assert [len(c.text) for c in chunks] == [100, 100, 50]


def test_plain_text_by_paragraphs() -> None:
    text = "first para\nline two\n\n   \n\nsecond para\n\n\nthird"
    chunks = chunk_text(text, max_chars=20, title="notes")
    assert [c.text for c in chunks] == ["first para\nline two", "second para\n\nthird"]
    assert {c.title for c in chunks} == {"notes"}


def test_glossary_mapping_form() -> None:
    chunks = chunk_glossary("terms:\n  VIP: A regular customer.\n  404: Not found.\n")
    assert chunks == [
        Chunk("VIP", "VIP: A regular customer.", ("VIP",)),
        Chunk("404", "404: Not found.", ("404",)),
    ]


def test_glossary_list_form_with_aliases() -> None:
    text = """
terms:
  - term: Levain
    definition: Our sourdough starter.
    aliases: [starter, 酵头]
  - term: 定金
    definition: A deposit.
    aliases: deposit
"""
    chunks = chunk_glossary(text)
    assert [c.title for c in chunks] == ["Levain", "定金"]
    assert chunks[0].terms == ("Levain", "starter", "酵头")
    assert chunks[0].text == "Levain (starter, 酵头): Our sourdough starter."
    assert chunks[1].terms == ("定金", "deposit")


def test_glossary_mapping_with_nested_definition() -> None:
    chunks = chunk_glossary("terms:\n  Tart:\n    definition: A pastry.\n    aliases: [tarte]\n")
    assert chunks == [Chunk("Tart", "Tart (tarte): A pastry.", ("Tart", "tarte"))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("terms: [1, 2]", "terms[0] is int"),
        ("terms:\n  - term: X\n", "terms[0] has no definition"),
        ("other: 1", "no 'terms' key"),
        ("terms: 5", "got int"),
        ("terms:\n  X: [a, b]", "terms.X is list; expected text"),
        ("terms: [\n", "g.yaml:2: invalid YAML"),
    ],
)
def test_glossary_errors_say_what_was_expected(text: str, expected: str) -> None:
    with pytest.raises(DocumentError) as info:
        chunk_glossary(text, source="g.yaml")
    assert expected in str(info.value)
    assert str(info.value).startswith("g.yaml")


def test_empty_glossary_is_no_chunks() -> None:
    assert chunk_glossary("# only a comment\n") == []


def test_chunk_document_dispatches_by_suffix() -> None:
    assert chunk_document("a/b.md", "# H\nx")[0].title == "H"
    assert chunk_document("notes.TXT", "x")[0].title == "notes"
    assert chunk_document("g.yml", "terms: {A: b}")[0].terms == ("A",)
    with pytest.raises(DocumentError, match="unsupported file type .pdf"):
        chunk_document("x.pdf", "")
