"""Context for prompts, the polling watcher, and the documents shipped in config.example."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from integrations.knowledge import KnowledgeService
from integrations.knowledge.context import gather_context, render_context, watch
from integrations.knowledge.index import KnowledgeIndex, ReindexStats
from integrations.knowledge.passages import Passage, fit_passages, merge_passages

EXAMPLE = Path(__file__).resolve().parents[3] / "config.example" / "knowledge"


def test_fit_passages_keeps_order_and_cuts_the_last() -> None:
    passages = [Passage("a", "", "x" * 50, 1.0), Passage("b", "", "y" * 100, 0.5)]
    fitted = fit_passages(passages, 120)
    assert [p.path for p in fitted] == ["a", "b"]
    assert len(fitted[1].text) == 70 and fitted[1].text.endswith("…")
    assert fit_passages(passages, 50) == passages[:1]
    assert fit_passages(passages, 0) == []


def test_merge_passages_drops_repeats() -> None:
    a = Passage("g.yaml", "Levain", "Levain: starter.", 1.0)
    same_text = Passage("g.yaml", "Levain", "Levain: starter.", 0.3)
    b = Passage("r.md", "Hours", "Open at eight.", 0.9)
    assert merge_passages([a], [same_text, b]) == [a, b]


async def test_gather_context_puts_glossary_first(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    passages = await gather_context(index, "What is the deposit for a cake refund?", max_chars=2000)
    assert passages[0].title == "定金"
    assert any("退货政策" in p.title for p in passages)
    text = render_context(passages)
    assert text.startswith("[glossary.yaml — 定金]\n定金 (deposit): ")
    small = await gather_context(index, "deposit refund", max_chars=100)
    assert sum(len(p.text) for p in small) <= 100


async def test_cited_context_names_each_document_of_its_passages_once_in_order(index: KnowledgeIndex,
                                                                              docs: Path) -> None:
    await index.reindex(docs)
    service = KnowledgeService(index, docs, {"top_k": 3, "max_chars": 2000})
    text, sources = await service.cited_context("sourdough and other breads")
    assert text == await service.context("sourdough and other breads")
    labels = [line[1:].split(" — ")[0] for line in text.splitlines() if line.startswith("[")]
    assert labels == ["breads.md", "breads.md", "glossary.yaml"] and sources == ["breads.md", "glossary.yaml"]


async def test_gather_context_with_explicit_query(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    passages = await gather_context(index, "hello", query="配送", top_k=1)
    assert [p.title.endswith("配送") for p in passages] == [True]


async def test_watch_reindexes_changed_files(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    changes: list[ReindexStats] = []
    seen = asyncio.Event()

    async def on_change(stats: ReindexStats) -> None:
        changes.append(stats)
        seen.set()

    task = asyncio.create_task(watch(index, docs, interval=0.05, on_change=on_change))
    try:
        await asyncio.sleep(0.15)
        assert changes == []  # nothing changed yet: no callback
        new = docs / "news.md"
        new.write_text("# News\n\nHot cross buns at Easter.\n")
        await asyncio.wait_for(seen.wait(), timeout=5)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert changes[0].added == 1
    assert [r.path for r in await index.search("cross buns")] == ["news.md"]


async def test_watch_stops_when_the_index_closes(tmp_path: Path, docs: Path) -> None:
    kb = KnowledgeIndex(tmp_path / "w.db")
    task = asyncio.create_task(watch(kb, docs, interval=0.02))
    await asyncio.sleep(0.05)
    await kb.close()
    await asyncio.wait_for(task, timeout=5)


async def test_shipped_example_documents_index_cleanly(tmp_path: Path) -> None:
    names = sorted(os.listdir(EXAMPLE))
    assert any(n.endswith(".md") for n in names) and any(n.endswith(".yaml") for n in names)
    async with KnowledgeIndex(tmp_path / "example.db") as kb:
        stats = await kb.reindex(EXAMPLE)
        assert stats.errors == ()
        assert stats.added == len(names)
        assert stats.chunks >= 10
        returns = await kb.search("退货政策")
        assert returns and "退货政策" in returns[0].title
        assert "refund" in (await kb.search("can I return a jam?"))[0].text
        hours = await kb.search("营业时间", top_k=1)
        assert hours and "Opening hours" in hours[0].title
        hits = await kb.glossary_hits("Do I pay a 定金 and does my loyalty card work?")
        assert {h.title for h in hits} == {"Deposit", "会员卡"}
