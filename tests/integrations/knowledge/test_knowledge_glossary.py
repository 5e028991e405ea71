"""Glossary terms and aliases found in a message pull their definitions in."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrations.knowledge.glossary import GlossaryEntry, GlossaryMatcher
from integrations.knowledge.index import KnowledgeIndex
from integrations.knowledge.passages import Passage


async def test_terms_and_aliases_in_a_message(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    hits = await index.glossary_hits("Is the STARTER fed daily? And how big is the deposit? 定金多少")
    assert [h.title for h in hits] == ["Levain", "定金"]
    assert hits[0].path == "glossary.yaml"
    assert hits[0].text == "Levain (starter, 酵头): Our natural sourdough starter, fed twice a day."
    assert hits[1].score == 2.0  # "deposit" and "定金": two mentions


async def test_chinese_term_found_inside_a_sentence(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    hits = await index.glossary_hits("你们的酵头是自己养的吗？")
    assert [h.title for h in hits] == ["Levain"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I would like two tarts", ["Tart"]),
        ("Tart or cake?", ["Tart"]),
        ("When do you start baking?", []),
        ("tartness of the lemon", []),
        ("nothing relevant here", []),
        ("", []),
    ],
)
async def test_spaced_terms_match_whole_words(
    index: KnowledgeIndex, docs: Path, message: str, expected: list[str]
) -> None:
    await index.reindex(docs)
    assert [h.title for h in await index.glossary_hits(message)] == expected


async def test_glossary_follows_reindex(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    assert await index.glossary_hits("levain")
    (docs / "glossary.yaml").unlink()
    (docs / "more.yml").write_text("terms:\n  Croissant: A crescent of laminated dough.\n")
    await index.reindex(docs)
    assert await index.glossary_hits("levain") == []
    assert [h.title for h in await index.glossary_hits("two croissants")] == ["Croissant"]


def test_matcher_prefers_the_longest_name_and_mixed_scripts() -> None:
    card = Passage("g.yaml", "VIP会员", "VIP会员: premium member.", 0.0)
    vip = Passage("g.yaml", "VIP", "VIP: a regular.", 0.0)
    matcher = GlossaryMatcher([GlossaryEntry("VIP会员", card), GlossaryEntry("vip", vip)])
    assert len(matcher) == 2
    assert [p.title for p in matcher.hits("我想办vip会员")] == ["VIP会员"]
    assert [p.title for p in matcher.hits("a VIP customer")] == ["VIP"]
    assert [p.title for p in matcher.hits("VIP卡")] == ["VIP"]
    assert matcher.hits("vipers") == []


def test_full_width_letters_match() -> None:
    entry = GlossaryEntry("VIP", Passage("g.yaml", "VIP", "VIP: a regular.", 0.0))
    assert [p.title for p in GlossaryMatcher([entry]).hits("ＶＩＰ客户")] == ["VIP"]


def test_empty_matcher() -> None:
    assert GlossaryMatcher([]).hits("anything") == []
