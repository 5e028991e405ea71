"""Replies in Markdown, as models write them, in a chat app's own markup: Telegram's HTML, WhatsApp's, a page's;
for Discord, which shows Markdown itself, only the tables it does not show.

Only a model's answer is read so (``OutboundMessage.markdown``); an automation's own text goes as written.
The Markdown is read as CommonMark (with tables and ~~strikethrough~~) by markdown-it-py, whose
parser follows the spec where a hand-written one would guess; raw HTML in a reply is text, never
markup. Each app gets what it can show: bold, italic, strikethrough, code and code blocks, links
(to web addresses only: http or https, with a host), quotes; headings become bold lines, list
items lines that start with `•` or their number, a table a code block of its cells in columns. A
text cut off as it is written (an answer streamed) renders too: a marker not yet closed stays as
written.

The parser is imported at the first answer formatted (16 ms and 1.4 MiB here), so a Roost that
formats none never pays for it.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

_BULLET = "• "
_RULE = "———"


@dataclass(frozen=True, slots=True)
class _Style:
    """How one chat app writes each kind of markup."""

    bold: tuple[str, str]
    italic: tuple[str, str]
    strike: tuple[str, str]
    code: tuple[str, str]
    escape: Callable[[str], str]
    block: Callable[[str, str], str]
    """A code block from its language (may be empty) and its escaped code."""
    quote: Callable[[str], str]
    link: Callable[[str, str], str]
    """A link from its address and its rendered text."""


def _telegram_block(language: str, code: str) -> str:
    if language:
        return f'<pre><code class="language-{html.escape(language)}">{code}</code></pre>'
    return f"<pre>{code}</pre>"


def _whatsapp_link(href: str, text: str) -> str:
    return text if text == href else f"{text} ({href})"


_TELEGRAM = _Style(
    bold=("<b>", "</b>"), italic=("<i>", "</i>"), strike=("<s>", "</s>"), code=("<code>", "</code>"),
    escape=functools.partial(html.escape, quote=False),
    block=_telegram_block,
    quote=lambda inner: f"<blockquote>{inner}</blockquote>",
    link=lambda href, text: f'<a href="{html.escape(href)}">{text}</a>',
)
_WHATSAPP = _Style(
    bold=("*", "*"), italic=("_", "_"), strike=("~", "~"), code=("`", "`"),
    escape=lambda text: text,
    block=lambda _language, code: f"```\n{code}\n```",
    quote=lambda inner: "\n".join(f"> {line}" for line in inner.split("\n")),
    link=_whatsapp_link,
)
_PAGE = _Style(  # Telegram's tags, which a page shows alike; a link opens beside the page
    bold=_TELEGRAM.bold, italic=_TELEGRAM.italic, strike=_TELEGRAM.strike, code=_TELEGRAM.code,
    escape=_TELEGRAM.escape, block=_TELEGRAM.block, quote=_TELEGRAM.quote,
    link=lambda href, text: f'<a href="{html.escape(href)}" target="_blank" rel="noopener noreferrer">{text}</a>',
)
_PLAIN = _Style(  # what Telegram shows of its HTML: what its limit counts
    bold=("", ""), italic=("", ""), strike=("", ""), code=("", ""),
    escape=lambda text: text,
    block=lambda _language, code: code,
    quote=lambda inner: inner,
    link=lambda _href, text: text,
)


def telegram_html(markdown: str, limit: int) -> str | None:
    """The Markdown as Telegram's HTML (send it with parse_mode HTML); None: send it as written.

    None when it has no markup (so a plain text goes exactly as written), or when what Telegram would
    show of the HTML is over limit. What a chat shows is about as long as the Markdown, seldom
    longer (a table, its columns padded): a part split to fit as Markdown then goes as written.
    """
    tree = _tree(markdown)
    return _changed(markdown, _render(tree, _TELEGRAM), len(_render(tree, _PLAIN)), limit)


def whatsapp_text(markdown: str, limit: int) -> str | None:
    """The Markdown in WhatsApp's markup (*bold*, _italic_, ~strike~, `code`); None: send it as written (as above)."""
    text = _render(_tree(markdown), _WHATSAPP)
    return _changed(markdown, text, len(text), limit)


def discord_text(markdown: str, limit: int) -> str | None:
    """The Markdown with each table as a code block of its cells in columns (Discord shows the rest of Markdown
    itself, tables as written); None: send it as written (no table in it, or the result over limit)."""
    tree = _tree(markdown)
    tables = [node for node in tree.children if node.type == "table" and node.map]
    if not tables:
        return None
    lines = markdown.replace("\r\n", "\n").split("\n")
    columns = _Renderer(_PLAIN)
    for table in reversed(tables):
        start, end = table.map
        lines[start:end] = ["```", columns.table(table), "```"]
    text = "\n".join(lines)
    return text if len(text) <= limit else None


def page_html(markdown: str) -> str:
    """The Markdown as HTML for a web page (every text escaped; only the tags of formatting and links)."""
    return _render(_tree(markdown), _PAGE)


def _changed(markdown: str, rendered: str, shown_length: int, limit: int) -> str | None:
    return None if rendered == markdown.strip() or shown_length > limit else rendered


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # noqa: PLC0415 - at the first reply, not at start (see the docstring)

    return MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])


def _tree(markdown: str) -> SyntaxTreeNode:
    from markdown_it.tree import SyntaxTreeNode  # noqa: PLC0415 - imported with the parser

    return SyntaxTreeNode(_parser().parse(markdown))


def _render(tree: SyntaxTreeNode, style: _Style) -> str:
    return _Renderer(style).blocks(tree).strip("\n")


def _web_address(href: str) -> bool:
    """An address a link may lead to: http or https with a host (Telegram refuses a message linking elsewhere)."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


class _Renderer:
    """Walks a parsed reply and writes it in one style."""

    def __init__(self, style: _Style) -> None:
        self.style = style
        self.quoted = False  # inside a quote (Telegram's quotes do not nest)

    def blocks(self, node: SyntaxTreeNode, between: str = "\n\n") -> str:
        return between.join(text for child in node.children if (text := self.block(child)))

    def block(self, node: SyntaxTreeNode) -> str:
        kind, style = node.type, self.style
        if kind == "paragraph":
            return self.inline(node.children[0]) if node.children else ""
        if kind == "heading":
            return self.wrap(style.bold, self.inline(node.children[0]) if node.children else "")
        if kind in ("bullet_list", "ordered_list"):
            return self.list(node)
        if kind == "blockquote":
            if self.quoted:
                return self.blocks(node)
            self.quoted = True
            try:
                return style.quote(self.blocks(node))
            finally:
                self.quoted = False
        if kind in ("fence", "code_block"):
            language = node.info.split(maxsplit=1)[0] if node.info.strip() else ""
            return style.block(language, style.escape(node.content.rstrip("\n")))
        if kind == "hr":
            return _RULE
        if kind == "table":
            return self.table(node)
        return self.blocks(node)

    def list(self, node: SyntaxTreeNode) -> str:
        number = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else None
        tight = all(child.hidden for item in node.children for child in item.children if child.type == "paragraph")
        items = []
        for item in node.children:
            marker = _BULLET if number is None else f"{number}. "
            body = self.blocks(item, "\n" if tight else "\n\n")
            indent = " " * len(marker)
            items.append(marker + "\n".join(indent + line if line and n else line
                                             for n, line in enumerate(body.split("\n"))))
            number = None if number is None else number + 1
        return ("\n" if tight else "\n\n").join(items)

    def table(self, node: SyntaxTreeNode) -> str:
        """A code block of its cells' text in columns (chat apps show no tables, and a monospace font aligns them)."""
        plain = _Renderer(_PLAIN)
        rows = [[plain.inline(cell.children[0]) if cell.children else "" for cell in row.children]
                for section in node.children for row in section.children]
        widths = [max(len(row[n]) for row in rows if n < len(row)) for n in range(max(map(len, rows)))]
        lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
                 for row in rows]
        if node.children and node.children[0].type == "thead":
            lines.insert(1, "-+-".join("-" * width for width in widths))
        return self.style.block("", self.style.escape("\n".join(lines)))

    def inline(self, node: SyntaxTreeNode) -> str:
        return "".join(self.span(child) for child in node.children)

    def span(self, node: SyntaxTreeNode) -> str:
        kind, style = node.type, self.style
        if kind == "text":
            return style.escape(node.content)
        if kind in ("softbreak", "hardbreak"):
            return "\n"
        if kind == "code_inline":
            return self.wrap(style.code, style.escape(node.content))
        wraps = {"strong": style.bold, "em": style.italic, "s": style.strike}
        if kind in wraps:
            return self.wrap(wraps[kind], self.inline(node))
        if kind in ("link", "image"):
            href = str(node.attrs.get("href" if kind == "link" else "src", ""))
            text = self.inline(node) if kind == "link" else style.escape(node.content) or style.escape(href)
            if _web_address(href):
                return style.link(href, text)
            return text if text == style.escape(href) else f"{text} ({style.escape(href)})"  # an address, not a link
        return style.escape(node.content)

    @staticmethod
    def wrap(marks: tuple[str, str], text: str) -> str:
        return f"{marks[0]}{text}{marks[1]}" if text else ""
