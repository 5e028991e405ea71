"""Terminal output of `roost knowledge search` and `roost knowledge reindex`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from .index import ReindexStats
from .passages import Passage

__all__ = ["format_results", "format_stats"]

_INDENT = "   "
# A line that starts a block of its own in Markdown: a list item, a heading, a table row, a quote.
_BLOCK_START = re.compile(r"\s*(?:[-*+]\s|\d+[.)]\s|#|\||>)")
# What a line may break at: spaces, and between any two wide (CJK, full-width) characters, as in Chinese text.
_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
_PIECES = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")


def _paragraphs(text: str) -> Iterator[str]:
    """The text's paragraphs, each on one line (a document's line breaks inside one are not kept); "" between.

    Lines are joined with a space, except where a wide (CJK) character meets the break, as Markdown does.
    """
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if current and (not line or _BLOCK_START.match(line)):
            yield current
            current = ""
        if not line:
            yield ""
        elif current:
            current += ("" if _columns(current[-1]) == 2 or _columns(line[0]) == 2 else " ") + line
        else:
            current = line
    if current:
        yield current


def _columns(text: str) -> int:
    """How many terminal columns text takes: two for each wide (CJK, full-width) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(paragraph: str, width: int) -> list[str]:
    """paragraph in lines of at most width columns (less the indent), indented; a word longer than a line is cut."""
    room = max(width - len(_INDENT), 2)  # a wide character always fits a line
    lines: list[str] = []
    line, used = "", 0
    for piece in _PIECES.findall(paragraph):
        if piece.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        size = _columns(piece)
        if used + size > room and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
        while size > room:  # a word longer than a line
            cut = next(i for i in range(len(piece), 0, -1) if _columns(piece[:i]) <= room)
            lines.append(piece[:cut])
            piece = piece[cut:]
            size = _columns(piece)
        line, used = line + piece, used + size
    if line.strip():
        lines.append(line.rstrip())
    return [_INDENT + line for line in lines]


def format_results(passages: Sequence[Passage], *, width: int = 88) -> str:
    """Numbered passages with file, heading path and score, their text indented below."""
    if not passages:
        return "No matching passages in the knowledge base."
    blocks: list[str] = []
    for number, passage in enumerate(passages, 1):
        where = f"{passage.path} — {passage.title}" if passage.title else passage.path
        lines = [f"{number}. {where}  (score {passage.score:.3f})"]
        for paragraph in _paragraphs(passage.text):
            if not paragraph:
                lines.append("")
                continue
            lines.extend(_wrap(paragraph, width))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def format_stats(stats: ReindexStats) -> str:
    """One summary line of a reindex, then one line per file that could not be indexed, then the files of kinds not
    read."""
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    files = stats.added + stats.updated + stats.unchanged
    summary = (
        f"Knowledge index: {stats.added} added, {stats.updated} updated, "
        f"{stats.removed} removed, {stats.unchanged} unchanged "
        f"({plural(stats.chunks, 'chunk')} written; {plural(files, 'file')}, "
        f"{plural(stats.total_chunks, 'chunk')} in the index)"
    )
    lines = [summary]
    if stats.errors:
        lines.append(f"{plural(len(stats.errors), 'file')} could not be indexed:")
        lines += [f"  - {error}" for error in stats.errors]
    if stats.not_read:
        lines.append(f"Not read, of kinds Roost does not read: {', '.join(stats.not_read)}")
    return "\n".join(lines)
