"""Terminal output of `roost knowledge search` and `roost knowledge reindex`."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from .index import ReindexStats
from .passages import Passage

__all__ = ["format_results", "format_stats"]

_INDENT = "   "


def format_results(passages: Sequence[Passage], *, width: int = 88) -> str:
    """Numbered passages with file, heading path and score, their text indented below."""
    if not passages:
        return "No matching passages in the knowledge base."
    blocks: list[str] = []
    for number, passage in enumerate(passages, 1):
        where = f"{passage.path} — {passage.title}" if passage.title else passage.path
        lines = [f"{number}. {where}  (score {passage.score:.3f})"]
        for paragraph in passage.text.splitlines():
            if not paragraph.strip():
                lines.append("")
                continue
            lines.extend(
                textwrap.wrap(
                    paragraph,
                    width=width,
                    initial_indent=_INDENT,
                    subsequent_indent=_INDENT,
                    break_long_words=True,
                    break_on_hyphens=False,
                )
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def format_stats(stats: ReindexStats) -> str:
    """One summary line of a reindex, then one line per file that could not be indexed."""
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    files = stats.added + stats.updated + stats.unchanged
    summary = (
        f"Knowledge index: {stats.added} added, {stats.updated} updated, "
        f"{stats.removed} removed, {stats.unchanged} unchanged "
        f"({plural(stats.chunks, 'chunk')} written; {plural(files, 'file')}, "
        f"{plural(stats.total_chunks, 'chunk')} in the index)"
    )
    if not stats.errors:
        return summary
    problems = [f"{plural(len(stats.errors), 'file')} could not be indexed:"]
    problems += [f"  - {error}" for error in stats.errors]
    return "\n".join([summary, *problems])
