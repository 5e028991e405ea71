"""Split knowledge documents (Markdown, plain text, YAML glossaries) into searchable chunks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import yaml

from core.errors import RoostError

__all__ = [
    "MARKDOWN_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES",
    "YAML_SUFFIXES",
    "Chunk",
    "DocumentError",
    "Heading",
    "chunk_document",
    "chunk_glossary",
    "chunk_markdown",
    "chunk_outline",
    "chunk_text",
]

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | YAML_SUFFIXES

DEFAULT_MAX_CHARS = 800
TITLE_SEPARATOR = " > "

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SENTENCE_END = re.compile(r"(?<=[.!?;。！？；])\s+|(?<=[。！？；])|\n")


class DocumentError(RoostError):
    """A knowledge document could not be read or does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """One searchable piece of a document: its heading path (title), its text and glossary terms."""

    title: str
    text: str
    terms: tuple[str, ...] = ()


def chunk_document(
    name: str, text: str, *, max_chars: int = DEFAULT_MAX_CHARS
) -> list[Chunk]:
    """Chunk a document according to its file suffix (Markdown, plain text or YAML glossary)."""
    path = PurePath(name)
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return chunk_markdown(text, max_chars=max_chars, default_title=path.stem)
    if suffix in TEXT_SUFFIXES:
        return chunk_text(text, max_chars=max_chars, title=path.stem)
    if suffix in YAML_SUFFIXES:
        return chunk_glossary(text, source=name)
    expected = ", ".join(sorted(SUPPORTED_SUFFIXES))
    raise DocumentError(f"{name}: unsupported file type {suffix or '(none)'}; expected one of {expected}")


# --- Markdown ---------------------------------------------------------------------------------


def chunk_markdown(
    text: str, *, max_chars: int = DEFAULT_MAX_CHARS, default_title: str = ""
) -> list[Chunk]:
    """Split Markdown by headings, then paragraphs; each chunk's title is its heading path."""
    return chunk_outline(_markdown_blocks(_strip_front_matter(text)), max_chars=max_chars,
                         default_title=default_title)


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading in a document's outline: its level (Markdown's 1-6; a lower one is higher, as a Word title's 0) and
    its text."""

    level: int
    text: str


def chunk_outline(
    blocks: Iterable[Heading | str], *, max_chars: int = DEFAULT_MAX_CHARS, default_title: str = ""
) -> list[Chunk]:
    """Chunk a document read as headings and paragraphs, in order (Markdown, HTML, Word): a section's paragraphs
    are packed up to max_chars, and its chunks' title is its heading path (default_title before any heading)."""
    chunks: list[Chunk] = []
    stack: list[Heading] = []
    paragraphs: list[str] = []

    def end_section() -> None:
        title = TITLE_SEPARATOR.join(h.text for h in stack) if stack else default_title
        chunks.extend(Chunk(title, body) for body in _pack([p for p in paragraphs if p.strip()], max_chars))
        paragraphs.clear()

    for block in blocks:
        if isinstance(block, str):
            paragraphs.append(block)
            continue
        end_section()
        while stack and stack[-1].level >= block.level:
            stack.pop()
        if block.text:
            stack.append(block)
    end_section()
    return chunks


def _strip_front_matter(text: str) -> str:
    """Drop a leading YAML front-matter block (--- ... ---)."""
    if not text.startswith("---"):
        return text
    match = re.match(r"---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)", text, re.DOTALL)
    return text[match.end():] if match else text


def _markdown_blocks(text: str) -> Iterator[Heading | str]:
    """The headings and paragraphs of a Markdown text, in order (a fenced block is one paragraph)."""
    block: list[str] = []
    fence: str | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if fence is not None:
            block.append(line)
            if line.lstrip().startswith(fence):
                fence = None
                yield "\n".join(block).strip("\n")
                block.clear()
            continue
        opening = _FENCE.match(line)
        heading = None if opening else _ATX_HEADING.match(line)
        underline = None if opening or heading else _SETEXT_UNDERLINE.match(line)
        if underline and not (block and _is_setext_candidate(block)):
            underline = None
        if opening or heading or underline or not line.strip():
            if underline:  # the lines above it are the heading
                yield Heading(1 if underline.group(1)[0] == "=" else 2,
                              _clean_heading(" ".join(part.strip() for part in block)))
            elif block:
                yield "\n".join(block).strip("\n")
            block.clear()
        if opening:
            fence = opening.group(1)
            block.append(line)
        elif heading:
            yield Heading(len(heading.group(1)), _clean_heading(heading.group(2) or ""))
        elif not underline and line.strip():
            block.append(line)
    if block:
        yield "\n".join(block).strip("\n")


def _is_setext_candidate(block: list[str]) -> bool:
    """A setext underline only turns plain paragraph lines (not lists or quotes) into a heading."""
    first = block[0].lstrip()
    return not re.match(r"([-*+>|]|\d+[.)])\s", first)


def _clean_heading(heading: str) -> str:
    """Collapse whitespace and drop simple emphasis markers from a heading."""
    heading = re.sub(r"[*_`]+", "", heading)
    return " ".join(heading.split())


# --- Plain text -------------------------------------------------------------------------------


def chunk_text(text: str, *, max_chars: int = DEFAULT_MAX_CHARS, title: str = "") -> list[Chunk]:
    """Split plain text by blank-line paragraphs, merging small ones up to max_chars."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    return [Chunk(title, body) for body in _pack(paragraphs, max_chars)]


# --- Packing ----------------------------------------------------------------------------------


def _pack(paragraphs: list[str], max_chars: int) -> list[str]:
    """Merge consecutive paragraphs up to max_chars; split paragraphs that are longer."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    bodies: list[str] = []
    current: list[str] = []
    size = 0
    for paragraph in paragraphs:
        pieces = [paragraph] if len(paragraph) <= max_chars else _split_long(paragraph, max_chars)
        for piece in pieces:
            extra = len(piece) + (2 if current else 0)
            if current and size + extra > max_chars:
                bodies.append("\n\n".join(current))
                current, size, extra = [], 0, len(piece)
            current.append(piece)
            size += extra
    if current:
        bodies.append("\n\n".join(current))
    return bodies


def _split_long(paragraph: str, max_chars: int) -> list[str]:
    """Split one over-long paragraph at sentence ends, cutting hard only when a sentence is too long."""
    sentences = [s for s in _SENTENCE_END.split(paragraph) if s and s.strip()]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        sentence = sentence.strip()
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars + 1)
            cut = cut if cut > max_chars // 2 else max_chars
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].rstrip())
            sentence = sentence[cut:].lstrip()
        if not sentence:
            continue
        joiner = "" if not current or _is_cjk(current[-1]) else " "
        if current and len(current) + len(joiner) + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current}{joiner}{sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def _is_cjk(char: str) -> bool:
    """True for characters of scripts written without spaces between words (CJK punctuation too)."""
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"


# --- YAML glossaries --------------------------------------------------------------------------

_GLOSSARY_SHAPE = (
    "expected a glossary: a mapping 'terms: {TERM: definition}' or a list of "
    "{term, definition, aliases}"
)


def chunk_glossary(text: str, *, source: str = "<glossary>") -> list[Chunk]:
    """One chunk per glossary term; accepts `terms: {TERM: definition}` or a list of entries."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise DocumentError(f"{source}{where}: invalid YAML ({getattr(err, 'problem', err)})") from err
    if data is None:
        return []
    entries = data.get("terms", data.get("glossary")) if isinstance(data, dict) else data
    if entries is None and isinstance(data, dict):
        raise DocumentError(f"{source}: no 'terms' key; {_GLOSSARY_SHAPE}")
    if isinstance(entries, dict):
        items = [_entry_from_pair(source, key, value) for key, value in entries.items()]
    elif isinstance(entries, list):
        items = [_entry_from_item(source, index, item) for index, item in enumerate(entries)]
    else:
        raise DocumentError(f"{source}: got {type(entries).__name__}; {_GLOSSARY_SHAPE}")
    return [_glossary_chunk(term, definition, aliases) for term, definition, aliases in items]


def _entry_from_pair(source: str, key: Any, value: Any) -> tuple[str, str, tuple[str, ...]]:
    """Read a `TERM: definition` (or `TERM: {definition, aliases}`) pair."""
    term = _scalar(source, f"terms.{key}", key)
    if isinstance(value, dict):
        return _entry_from_item(source, term, {"term": term, **value})
    return term, _scalar(source, f"terms.{term}", value), ()


def _entry_from_item(source: str, index: Any, item: Any) -> tuple[str, str, tuple[str, ...]]:
    """Read one `{term, definition, aliases}` entry."""
    where = f"terms[{index}]"
    if not isinstance(item, dict):
        raise DocumentError(f"{source}: {where} is {type(item).__name__}; {_GLOSSARY_SHAPE}")
    missing = [key for key in ("term", "definition") if item.get(key) in (None, "")]
    if missing:
        raise DocumentError(f"{source}: {where} has no {' or '.join(missing)}; {_GLOSSARY_SHAPE}")
    term = _scalar(source, f"{where}.term", item["term"])
    definition = _scalar(source, f"{where}.definition", item["definition"])
    aliases = item.get("aliases") or []
    if isinstance(aliases, (str, int, float)):
        aliases = [aliases]
    if not isinstance(aliases, list):
        raise DocumentError(f"{source}: {where}.aliases must be a string or a list of strings")
    names = tuple(_scalar(source, f"{where}.aliases", alias) for alias in aliases)
    return term, definition, tuple(dict.fromkeys(a for a in names if a and a != term))


def _scalar(source: str, where: str, value: Any) -> str:
    """A YAML scalar as stripped text; nested structures are an error."""
    if isinstance(value, (dict, list)) or value is None:
        shown = "nothing" if value is None else type(value).__name__
        raise DocumentError(f"{source}: {where} is {shown}; expected text")
    if isinstance(value, bool):
        value = "yes" if value else "no"
    return " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()


def _glossary_chunk(term: str, definition: str, aliases: tuple[str, ...]) -> Chunk:
    """A glossary chunk: the term as title, its aliases and definition as text."""
    label = f"{term} ({', '.join(aliases)})" if aliases else term
    return Chunk(term, f"{label}: {definition}", (term, *aliases))
