"""HTML pages read as headings (h1-h6) and paragraphs, as a browser breaks them, for the chunker's outline (with
Python's own html.parser)."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from .chunker import DocumentError, Heading

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_LINE = "\u2028"
"""Stands for a <br> in the text being gathered (whitespace is folded around it, as a browser does)."""


def html_outline(name: str, data: bytes) -> tuple[str | None, list[Heading | str]]:
    """The page's <title> (None without one) and its headings and paragraphs (DocumentError when it is not text
    in its charset)."""
    charset = _html_charset(data)
    try:
        text = data.decode(charset)
    except (UnicodeDecodeError, LookupError) as err:
        raise DocumentError(f"{name}: not {charset} text, as the page says or as is assumed ({err}); save it as"
                            " UTF-8") from None
    reader = _HtmlReader()
    reader.feed(text)
    reader.close()
    return reader.title, reader.blocks


def _html_charset(data: bytes) -> str:
    """The encoding a page's byte order mark or <meta> names, else UTF-8 (a BOM's is read without it)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return name
    declared = _CHARSET.search(data[:4096])
    return declared.group(1).decode("ascii").lower() if declared else "utf-8"


class _HtmlReader(HTMLParser):
    """Headings and paragraphs as a browser would break them; script, style and the like left out."""

    HEADINGS = {f"h{level}": level for level in range(1, 7)}
    BREAKS = frozenset({"address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div",
                        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li",
                        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot",
                        "tr", "ul"})
    SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "math", "object", "iframe"})
    CELLS = frozenset({"td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Heading | str] = []
        self.title: str | None = None
        self._text: list[str] = []
        self._skipping = 0
        self._heading: int | None = None
        self._in_title = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element: a break before a block, a heading, a cell or a line break in the text."""
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.HEADINGS:
            self._end_block()
            self._heading = self.HEADINGS[tag]
        elif tag == "br":
            self._text.append(_LINE)
        elif tag in self.CELLS and "".join(self._text).strip():
            self._text.append(" | ")
        elif tag in self.BREAKS:
            self._end_block()
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        """Close an element: the end of a heading or a block."""
        if tag in self.SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self.HEADINGS or tag in self.BREAKS:
            self._end_block()
        if tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        """Text: the title's, or the current block's."""
        if self._skipping:
            return
        if self._in_title:
            self.title = " ".join(((self.title or "") + " " + data).split()) or None
        else:
            self._text.append(data)

    def close(self) -> None:
        """The end of the page ends its last block."""
        super().close()
        self._end_block()

    def _end_block(self) -> None:
        text = "".join(self._text)
        self._text.clear()
        if self._pre:  # as written, but for the line breaks around it
            text = text.replace(_LINE, "\n").strip("\n")
        else:  # white space folds, as a browser shows it (a no-break space too, for the search); a <br> is a line
            text = "\n".join(" ".join(line.split()) for line in text.split(_LINE)).strip()
        if self._heading is not None:
            self.blocks.append(Heading(self._heading, " ".join(text.split())))
            self._heading = None
        elif text:
            self.blocks.append(text)
