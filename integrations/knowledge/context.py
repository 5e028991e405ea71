"""Gather the passages a `generate` action puts in front of a model, and keep an index fresh."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable

from core.errors import RoostError

from .index import KnowledgeIndex, ReindexStats
from .passages import Passage, fit_passages, merge_passages

__all__ = ["gather_context", "render_context", "watch"]

_LOGGER = logging.getLogger(__name__)


async def gather_context(
    index: KnowledgeIndex,
    message: str,
    query: str | None = None,
    *,
    top_k: int = 3,
    max_chars: int = 2000,
) -> list[Passage]:
    """Glossary definitions for terms in message, then the top_k passages for query (or message)."""
    glossary = await index.glossary_hits(message)
    found = await index.search(query if query is not None else message, top_k=top_k)
    return fit_passages(merge_passages(glossary, found), max_chars)


def render_context(passages: list[Passage]) -> str:
    """Passages as plain text for a prompt: a `[file — heading]` line above each passage."""
    blocks = []
    for passage in passages:
        label = f"{passage.path} — {passage.title}" if passage.title else passage.path
        blocks.append(f"[{label}]\n{passage.text}")
    return "\n\n".join(blocks)


async def watch(
    index: KnowledgeIndex,
    directory: str | os.PathLike[str],
    *,
    interval: float = 5.0,
    on_change: Callable[[ReindexStats], Awaitable[None] | None] | None = None,
) -> None:
    """Reindex every interval seconds until cancelled; unchanged files cost only a stat call."""
    last_error = ""
    while True:
        await asyncio.sleep(interval)
        try:
            stats = await index.reindex(directory)
        except RoostError as err:
            if index.closed:
                return
            if str(err) != last_error:
                _LOGGER.warning("knowledge watch: %s", err)
                last_error = str(err)
            continue
        last_error = ""
        if stats.changed and on_change is not None:
            result = on_change(stats)
            if result is not None:
                await result
