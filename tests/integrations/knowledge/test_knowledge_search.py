"""Search over a real SQLite FTS5 index: English, Chinese, BM25 order, hostile query text."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from core.errors import ConfigError, RoostError
from integrations.knowledge.index import KnowledgeIndex


async def test_english_search_finds_the_section(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    results = await index.search("can I get a refund for damaged goods?")
    assert results, "expected the returns section"
    assert results[0].path == "rules.md"
    assert results[0].title == "Corner Bakery rules > Returns policy 退货政策"
    assert "refunded in full" in results[0].text


async def test_stemming_matches_other_word_forms(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    results = await index.search("deliveries", top_k=1)
    assert [r.title for r in results] == ["Corner Bakery rules > Delivery 配送"]


@pytest.mark.parametrize(
    "query",
    ["退货政策", "退货", "退货政策是什么？", "请问怎么退货", "退款"],
)
async def test_chinese_search_finds_returns(index: KnowledgeIndex, docs: Path, query: str) -> None:
    await index.reindex(docs)
    results = await index.search(query)
    assert results, f"nothing found for {query}"
    assert results[0].title.endswith("Returns policy 退货政策"), [r.title for r in results]


@pytest.mark.parametrize(
    ("query", "title_end"),
    [("营业时间", "Opening hours 营业时间"), ("配送", "Delivery 配送"), ("周一", "Opening hours 营业时间")],
)
async def test_chinese_search_other_sections(
    index: KnowledgeIndex, docs: Path, query: str, title_end: str
) -> None:
    await index.reindex(docs)
    results = await index.search(query, top_k=1)
    assert [r.title.endswith(title_end) for r in results] == [True]


async def test_single_chinese_character_query(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    results = await index.search("退")
    assert results and results[0].title.endswith("退货政策")


async def test_bm25_puts_the_most_relevant_chunk_first(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    results = await index.search("sourdough", top_k=10)
    titles = [r.title for r in results]
    # Short section about sourdough first, then the long one that mentions it once; the
    # glossary entry mentions it too; the cakes section does not, so it is not returned.
    assert titles[0] == "Breads > Our sourdough"
    assert titles.index("Breads > Our sourdough") < titles.index("Breads > Other breads")
    assert "Breads > Cakes" not in titles
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1] > 0


async def test_top_k_limits_results(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    assert len(await index.search("bread", top_k=1)) == 1
    assert len(await index.search("bread", top_k=2)) == 2
    assert await index.search("bread", top_k=0) == []


@pytest.mark.parametrize("query", ["", "   ", "the of and", "what is it?", "？！。", "的了吗"])
async def test_empty_or_stopword_query_returns_nothing(
    index: KnowledgeIndex, docs: Path, query: str
) -> None:
    await index.reindex(docs)
    assert await index.search(query) == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unterminated refund',
        "refund AND",
        "AND OR NOT",
        "NEAR(refund damaged, 2)",
        "refund*",
        "*",
        "(returns",
        "returns)",
        "title:returns",
        "body : returns",
        "^returns",
        "- returns",
        "+returns",
        "{title body}: returns",
        "returns NOT bread",
        "'; DROP TABLE knowledge_chunks; --",
        "\x00returns",
        "\ud800returns",
        "退货 AND 政策 OR (配送",
    ],
)
async def test_fts_syntax_in_user_text_is_just_text(
    index: KnowledgeIndex, docs: Path, query: str
) -> None:
    await index.reindex(docs)
    results = await index.search(query)
    assert isinstance(results, list)
    words = {"refund", "returns", "退货"}
    if any(word in query for word in words):
        assert results and "退货政策" in results[0].title
    # The index is intact afterwards.
    assert await index.search("delivery")


async def test_search_before_reindex_is_empty(index: KnowledgeIndex) -> None:
    assert await index.search("anything at all") == []


async def test_concurrent_searches_and_reindex(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    jobs = [index.search(q) for q in ("refund", "退货", "sourdough", "配送") * 5]
    results = await asyncio.gather(index.reindex(docs), *jobs)
    assert all(isinstance(r, list) and r for r in results[1:])


async def test_database_work_runs_off_the_event_loop_thread(
    index: KnowledgeIndex, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real = index._search

    def spy(query: str, top_k: int):  # noqa: ANN202
        seen.append(threading.current_thread().name)
        return real(query, top_k)

    monkeypatch.setattr(index, "_search", spy)
    await index.reindex(docs)
    await index.search("refund")
    assert seen and seen[0] != threading.current_thread().name
    assert seen[0].startswith("roost-knowledge")


async def test_missing_directory_is_a_clear_config_error(
    index: KnowledgeIndex, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="does not exist") as info:
        await index.reindex(tmp_path / "nope")
    assert info.value.path == ("knowledge", "directory")


async def test_closed_index_refuses_calls(tmp_path: Path, docs: Path) -> None:
    kb = KnowledgeIndex(tmp_path / "k.db")
    await kb.reindex(docs)
    await kb.close()
    await kb.close()  # closing twice is harmless
    assert kb.closed
    with pytest.raises(RoostError, match="closed"):
        await kb.search("refund")


async def test_shares_a_database_file_with_other_tables(tmp_path: Path, docs: Path) -> None:
    db = tmp_path / "roost.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE inbox (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO inbox (body) VALUES ('kept')")
    async with KnowledgeIndex(db) as kb:
        await kb.reindex(docs)
        assert await kb.search("refund")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT body FROM inbox").fetchall() == [("kept",)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_damaged_database_file_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(b"this is not a database" * 100)
    async with KnowledgeIndex(db) as kb:
        with pytest.raises(RoostError, match="damaged.*reindex"):
            await kb.search("refund")
