"""A labelled corpus of Chinese and English sentences: precision and recall over entity spans."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from integrations.pii.recognizers import BUILTIN_ENTITIES, default_registry

CORPUS = Path(__file__).with_name("corpus.yaml")


def load_corpus() -> list[tuple[str, set[tuple[str, int, int]]]]:
    """Each sentence with its labelled spans; values are located in order of appearance."""
    items = []
    for entry in yaml.safe_load(CORPUS.read_text(encoding="utf-8")):
        text = entry["text"]
        spans: set[tuple[str, int, int]] = set()
        position = 0
        for entity, value in entry["pii"]:
            start = text.index(value, position)
            spans.add((entity, start, start + len(value)))
            position = start + len(value)
        items.append((text, spans))
    return items


def test_corpus_is_large_and_varied() -> None:
    items = load_corpus()
    assert len(items) >= 150
    negatives = [text for text, spans in items if not spans]
    assert len(negatives) >= 50
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text, _ in items) >= 60
    assert sum(text.isascii() for text, _ in items) >= 40
    per_type = Counter(entity for _, spans in items for entity, _, _ in spans)
    for entity in BUILTIN_ENTITIES:
        assert per_type[entity] >= 5, (entity, per_type)


def test_precision_and_recall_over_spans() -> None:
    registry = default_registry()
    true_positive = false_positive = false_negative = 0
    mistakes = []
    for text, gold in load_corpus():
        predicted = {(f.entity, f.start, f.end) for f in registry.analyze(text)}
        true_positive += len(gold & predicted)
        false_positive += len(predicted - gold)
        false_negative += len(gold - predicted)
        for entity, start, end in predicted ^ gold:
            kind = "spurious" if (entity, start, end) in predicted else "missed"
            mistakes.append(f"{kind} {entity} {text[start:end]!r} in {text!r}")
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    print(
        f"corpus: precision={precision:.4f} recall={recall:.4f} spans={true_positive + false_negative}"
    )
    assert precision >= 0.99, "\n".join(mistakes)
    assert recall >= 0.99, "\n".join(mistakes)


@pytest.mark.parametrize("entity", BUILTIN_ENTITIES)
def test_each_entity_type_is_recalled(entity: str) -> None:
    registry = default_registry()
    gold_total = found = 0
    for text, gold in load_corpus():
        predicted = {(f.entity, f.start, f.end) for f in registry.analyze(text)}
        wanted = {span for span in gold if span[0] == entity}
        gold_total += len(wanted)
        found += len(wanted & predicted)
    assert gold_total and found / gold_total >= 0.95


def test_long_text_finds_the_same_as_each_sentence() -> None:
    """Texts over LONG_TEXT take other search paths (one run, the whole text; whole-text regexes)."""
    from integrations.pii.runs import LONG_TEXT

    registry = default_registry()
    separator = "\n" + "." * 30 + "\n"  # keeps context words of neighbours out of reach
    expected = []
    parts = []
    offset = 0
    for text, _ in load_corpus():
        expected += [(f.entity, f.start + offset, f.end + offset) for f in registry.analyze(text)]
        parts.append(text)
        offset += len(text) + len(separator)
    joined = separator.join(parts)
    assert len(joined) > LONG_TEXT and not joined.isascii()
    found = [(f.entity, f.start, f.end) for f in registry.analyze(joined)]
    # A name one sentence gives is found where another repeats it: in the long text, across sentences.
    names = {joined[start:end] for entity, start, end in expected if entity == "PERSON"}
    words = names | {word for name in names for word in name.split()}
    repeats = [f for f in found if f not in expected and f[0] == "PERSON" and joined[f[1]:f[2]] in words]
    assert [f for f in found if f not in repeats] == expected
