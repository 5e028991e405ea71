"""How Telegram reads the text of a message: its HTML and MarkdownV2 markup, and its entities.

Shallow but faithful where Roost's tests look: supported HTML tags balanced and nothing else, links
with no host refused, the
plain text after markup (what the 4,096 limit counts), MarkdownV2's reserved characters escaped,
and mention and command entities with UTF-16 offsets.
"""

from __future__ import annotations

import html
import re
from typing import Any

_TAG = re.compile(r"<(/?)([a-zA-Z-]+)(?:\s[^>]*)?>")
_HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
              "blockquote", "tg-emoji"}


def parse_html(text: str) -> str | None:
    """Telegram's HTML: supported tags, balanced; the plain text, or None when it cannot be parsed."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if name not in _HTML_TAGS:
            return None
        if closing:
            if not stack or stack.pop() != name:
                return None
        else:
            stack.append(name)
    if stack or re.search(r"<(?![/a-zA-Z])", text):
        return None
    return html.unescape(_TAG.sub("", text))


def refused_link(text: str) -> str | None:
    """The address of the first link in the HTML that Telegram refuses (no host: ``http:///x``), or None."""
    for match in re.finditer(r"<a\s[^>]*href=\"([^\"]*)\"", text):
        href = html.unescape(match.group(1))
        if not href.startswith("tg://") and not re.match(r"^https?://[^/?#]+", href):
            return href
    return None


_MD_RESERVED = set("_*[]()~`>#+-=|{}.!")


def parse_markdown_v2(text: str) -> str | None:
    """MarkdownV2 (shallow): reserved characters escaped outside code, markers balanced."""
    out: list[str] = []
    open_markers: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            if end == -1:
                return None
            out.append(text[i + 3:end].split("\n", 1)[-1] if "\n" in text[i + 3:end] else text[i + 3:end])
            i = end + 3
            continue
        if char in "*_~":
            if open_markers and open_markers[-1] == char:
                open_markers.pop()
            else:
                open_markers.append(char)
            i += 1
            continue
        if char in _MD_RESERVED:
            return None
        out.append(char)
        i += 1
    return None if open_markers else "".join(out)


def entities_of(text: str) -> list[dict[str, Any]]:
    """mention and bot_command entities, with offsets and lengths in UTF-16 code units."""
    found = []
    for match in re.finditer(r"(?<![\w@])@\w{3,}|(?:^|(?<=\s))/[A-Za-z0-9_]+(?:@\w+)?", text):
        kind = "mention" if match.group().startswith("@") else "bot_command"
        offset = len(text[:match.start()].encode("utf-16-le")) // 2
        length = len(match.group().encode("utf-16-le")) // 2
        found.append({"type": kind, "offset": offset, "length": length})
    return found


