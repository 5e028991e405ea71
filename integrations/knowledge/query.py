"""Turn user text into safe FTS5 queries, and text into the CJK gram form the word index stores."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CJK_RANGES",
    "MAX_TERMS",
    "Term",
    "gram_query",
    "gram_text",
    "is_cjk",
    "normalize",
    "query_terms",
    "trigram_query",
]

MAX_TERMS = 24

# Scripts written without spaces between words: CJK ideographs, kana, hangul.
CJK_RANGES = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0002ffff"  # CJK extensions B and later
)
_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
_WORD_RUN = re.compile(r"[^\W_]+")
_SCRIPT_RUN = re.compile(f"[{CJK_RANGES}]+|[^{CJK_RANGES}]+")

ENGLISH_STOPWORDS = frozenset(
    """
    a about above after again all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself
    just let me more most my myself near no nor not now of off on once only or other our ours
    ourselves out over own please same she should so some such tell than that the their theirs
    them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves s t d ll m re ve
    """.split()
)

# Function words that carry no topic in a Chinese question. Multi-character phrases are cut out
# of a run first; the single characters listed are particles that never start or end a topic word.
CHINESE_STOP_PHRASES = (
    "为什么", "是什么", "怎么样", "什么", "怎么", "怎样", "如何", "请问", "可以", "是否", "多少",
    "哪些", "哪里", "一下", "我们", "你们", "他们", "关于", "告诉", "的话", "吗", "呢", "吧",
    "啊", "呀", "嘛", "的", "了", "么",
)
_CHINESE_STOP = re.compile("|".join(sorted(map(re.escape, CHINESE_STOP_PHRASES), key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class Term:
    """One search term taken from user text; `cjk` marks a run of a space-less script."""

    text: str
    cjk: bool


def normalize(text: str) -> str:
    """NFKC-normalise (full-width forms to ASCII) and case-fold text for matching."""
    return unicodedata.normalize("NFKC", text).casefold()


def is_cjk(text: str) -> bool:
    """True when the text contains a character of a space-less script."""
    return _CJK_RUN.search(text) is not None


def query_terms(text: str) -> list[Term]:
    """Extract search terms from user text: words without stopwords, CJK runs split at particles."""
    terms: dict[str, Term] = {}
    for word in _WORD_RUN.findall(normalize(text)):
        for run in _SCRIPT_RUN.findall(word):
            if _CJK_RUN.fullmatch(run):
                for segment in _CHINESE_STOP.split(run):
                    if segment:
                        terms.setdefault(segment, Term(segment, True))
            elif run not in ENGLISH_STOPWORDS:
                terms.setdefault(run, Term(run, False))
        if len(terms) >= MAX_TERMS:
            break
    return list(terms.values())[:MAX_TERMS]


def _quote(token: str) -> str:
    """An FTS5 string literal: the token in double quotes, inner quotes doubled."""
    return '"' + token.replace('"', '""') + '"'


def _ngrams(text: str, size: int) -> list[str]:
    """Overlapping character n-grams of a text (the text itself when it is shorter)."""
    if len(text) <= size:
        return [text]
    return [text[i : i + size] for i in range(len(text) - size + 1)]


def trigram_query(terms: list[Term]) -> str:
    """FTS5 query for the trigram table: terms of 3+ characters, CJK runs as OR-ed trigrams."""
    parts: list[str] = []
    for term in terms:
        if len(term.text) < 3:
            continue
        grams = _ngrams(term.text, 3) if term.cjk else [term.text]
        parts.extend(_quote(gram) for gram in grams)
    return " OR ".join(dict.fromkeys(parts))


def gram_query(terms: list[Term]) -> str:
    """FTS5 query for the word table: whole words, CJK runs as OR-ed bigrams (or one character)."""
    parts: list[str] = []
    for term in terms:
        grams = _ngrams(term.text, 2) if term.cjk else [term.text]
        parts.extend(_quote(gram) for gram in grams)
    return " OR ".join(dict.fromkeys(parts))


def gram_text(text: str) -> str:
    """Text for the word table: every CJK run becomes its characters and bigrams as tokens."""

    def grams(match: re.Match[str]) -> str:
        run = match.group(0)
        tokens = list(run)
        if len(run) > 1:
            tokens += _ngrams(run, 2)
        return f" {' '.join(tokens)} "

    return _CJK_RUN.sub(grams, unicodedata.normalize("NFKC", text))
