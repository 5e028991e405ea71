"""Incremental reindexing, persistence across reopen, and files that cannot be indexed."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from integrations.knowledge.index import KnowledgeIndex, ReindexStats


def _bump_mtime(path: Path, seconds: int = 10) -> None:
    """Move a file's mtime forward so the change is visible whatever the clock resolution."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


async def test_first_reindex_adds_everything(index: KnowledgeIndex, docs: Path) -> None:
    stats = await index.reindex(docs)
    assert stats == ReindexStats(
        added=4, updated=0, removed=0, unchanged=0, chunks=10, total_chunks=10, errors=()
    )
    assert stats.changed


async def test_second_reindex_skips_unchanged_files(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    stats = await index.reindex(docs)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged, stats.chunks) == (
        0, 0, 0, 4, 0,
    )
    assert stats.total_chunks == 10
    assert not stats.changed


async def test_a_pass_that_changes_nothing_logs_nothing_a_person_sees(index: KnowledgeIndex, docs: Path,
                                                                       caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="integrations.knowledge")
    await index.reindex(docs)
    await index.reindex(docs)  # a watch does this every few seconds
    levels = [r.levelno for r in caplog.records if "knowledge reindex of" in r.getMessage()]
    assert levels == [logging.INFO, logging.DEBUG]


async def test_changed_file_is_the_only_one_reindexed(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    notes = docs / "notes.txt"
    notes.write_text("Bicycles can be parked by the window.\n\nCash and cards accepted.\n")
    _bump_mtime(notes)
    stats = await index.reindex(docs)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (0, 1, 0, 3)
    assert stats.chunks == 1 and stats.total_chunks == 10
    assert [r.path for r in await index.search("bicycles")] == ["notes.txt"]
    assert await index.search("terrace dogs") == []


async def test_touched_file_with_same_content_stays_unchanged(
    index: KnowledgeIndex, docs: Path, tmp_path: Path
) -> None:
    await index.reindex(docs)
    _bump_mtime(docs / "rules.md")
    stats = await index.reindex(docs)
    assert (stats.updated, stats.unchanged, stats.chunks) == (0, 4, 0)
    # The new mtime was recorded, so the next run does not even hash the file again.
    with sqlite3.connect(tmp_path / "data" / "knowledge.db") as conn:
        stored = conn.execute(
            "SELECT mtime_ns FROM knowledge_documents WHERE path = 'rules.md'"
        ).fetchone()[0]
    assert stored == (docs / "rules.md").stat().st_mtime_ns


async def test_deleted_file_is_removed(index: KnowledgeIndex, docs: Path) -> None:
    await index.reindex(docs)
    assert await index.search("sourdough")
    (docs / "breads.md").unlink()
    stats = await index.reindex(docs)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (0, 0, 1, 3)
    assert stats.total_chunks == 7
    assert all(r.path != "breads.md" for r in await index.search("sourdough bread", top_k=10))


async def test_new_file_in_subfolder_is_added_hidden_and_unknown_ignored(
    index: KnowledgeIndex, docs: Path
) -> None:
    await index.reindex(docs)
    (docs / "faq").mkdir()
    (docs / "faq" / "gift.md").write_text("# Gift cards\n\nGift cards never expire.\n")
    (docs / ".hidden.md").write_text("# Secret\n\nunlisted gift.\n")
    (docs / ".git").mkdir()
    (docs / ".git" / "x.md").write_text("gift")
    (docs / "photo.png").write_bytes(b"\x89PNG gift")
    stats = await index.reindex(docs)
    assert (stats.added, stats.unchanged) == (1, 4)
    assert [r.path for r in await index.search("gift")] == ["faq/gift.md"]


async def test_broken_files_are_reported_and_others_indexed(
    index: KnowledgeIndex, docs: Path
) -> None:
    (docs / "bad.yaml").write_text("terms: [\n")
    (docs / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    stats = await index.reindex(docs)
    assert stats.added == 4
    assert len(stats.errors) == 2
    assert any("bad.yaml" in e and "invalid YAML" in e for e in stats.errors)
    assert any("latin1.txt" in e and "not UTF-8" in e for e in stats.errors)
    # Broken files are tried again on the next run (they were never recorded).
    again = await index.reindex(docs)
    assert (again.unchanged, len(again.errors)) == (4, 2)


async def test_breaking_an_indexed_file_keeps_the_previous_version(
    index: KnowledgeIndex, docs: Path
) -> None:
    await index.reindex(docs)
    glossary = docs / "glossary.yaml"
    glossary.write_text("terms: {unclosed\n")
    _bump_mtime(glossary)
    stats = await index.reindex(docs)
    assert stats.updated == 0 and len(stats.errors) == 1
    assert "previously indexed version is kept" in stats.errors[0]
    assert [p.title for p in await index.glossary_hits("levain?")] == ["Levain"]


async def test_oversized_file_is_refused(tmp_path: Path, docs: Path) -> None:
    (docs / "huge.txt").write_text("bread " * 400)
    async with KnowledgeIndex(tmp_path / "k.db", max_file_bytes=1000) as kb:
        stats = await kb.reindex(docs)
    assert stats.added == 4
    assert len(stats.errors) == 1 and "huge.txt" in stats.errors[0]
    assert "larger than the 1000 bytes" in stats.errors[0]


async def test_index_persists_across_reopen(tmp_path: Path, docs: Path) -> None:
    db = tmp_path / "persist.db"
    async with KnowledgeIndex(db) as first:
        await first.reindex(docs)
        before = await first.search("退货")
    async with KnowledgeIndex(db) as second:
        assert await second.search("退货") == before
        assert [p.title for p in await second.glossary_hits("How much is the 定金?")] == ["定金"]
        stats = await second.reindex(docs)
        assert (stats.unchanged, stats.chunks, stats.total_chunks) == (4, 0, 10)


async def test_another_directory_replaces_the_content(
    index: KnowledgeIndex, docs: Path, tmp_path: Path
) -> None:
    await index.reindex(docs)
    other = tmp_path / "other"
    other.mkdir()
    (other / "rules.md").write_text("# Hours\n\nOpen at noon.\n")
    stats = await index.reindex(other)
    assert (stats.updated, stats.removed) == (1, 3)
    assert await index.search("sourdough") == []
    assert [r.title for r in await index.search("noon")] == ["Hours"]


async def test_the_index_file_is_private_from_the_start(index: KnowledgeIndex, docs: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask would make a new file readable by everyone
    try:
        await index.reindex(docs)
    finally:
        os.umask(old)
    files = sorted((tmp_path / "data").glob("knowledge.db*"))
    assert files and all(f.stat().st_mode & 0o077 == 0 for f in files), [oct(f.stat().st_mode) for f in files]
