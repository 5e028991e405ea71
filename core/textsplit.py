"""Long texts split for chat platforms' message limits (Telegram and WhatsApp 4,096, Discord 2,000).

Platforms count code points (of the text after markup is parsed). Splitting prefers a paragraph
break, then a line break, then a space, and never cuts a surrogate pair (Python strings hold
code points) or a markup tag; an HTML tag or a MarkdownV2 code block open at a cut is closed at
the end of the part and opened again at the start of the next.
"""

from __future__ import annotations

import re

LIMIT = 4096
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z-]+)(\s[^>]*)?>")


def split(text: str, parse_mode: str = "none", limit: int = LIMIT) -> list[str]:
    """Parts of at most limit characters (after markup) whose plain concatenation is the text.

    parse_mode: none, HTML, MarkdownV2 (Telegram's), or markdown (Discord's: code fences only)."""
    mode = parse_mode.lower()
    margin = 0 if mode == "none" else 64  # room for tags or fences closed and opened again
    parts = _cut(text, limit - margin, mode)
    if mode == "html":
        return _balance_html(parts)
    if mode in ("markdownv2", "markdown"):
        return _balance_fences(parts)
    return parts


def _cut(text: str, size: int, mode: str) -> list[str]:
    parts: list[str] = []
    while len(text) > size:
        cut = _boundary(text, size, mode)
        parts.append(text[:cut])
        text = text[cut:]
    if text or not parts:
        parts.append(text)
    return parts


def _boundary(text: str, size: int, mode: str) -> int:
    """Where to cut text (at most size): after a paragraph, line or space break, outside any tag."""
    window = text[:size]
    for separator in ("\n\n", "\n", " "):
        at = window.rfind(separator)
        if at > size // 4:
            cut = at + len(separator)
            break
    else:
        cut = size
    if mode == "html":
        opened = window.rfind("<", 0, cut)
        if opened > window.rfind(">", 0, cut):
            cut = opened or cut  # never inside a tag
        entity = window.rfind("&", 0, cut)
        if entity != -1 and ";" not in window[entity:cut] and cut - entity < 10:
            cut = entity or cut  # nor inside &amp;
    if mode == "markdownv2" and window[cut - 1:cut] == "\\":
        cut -= 1  # nor between an escape and what it escapes
    return cut


def _balance_html(parts: list[str]) -> list[str]:
    balanced: list[str] = []
    carried: list[tuple[str, str]] = []  # (name, opening tag) open at the start of the part
    for part in parts:
        opening = "".join(tag for _, tag in carried)
        stack = list(carried)
        for match in _HTML_TAG.finditer(part):
            if match.group(1):
                if stack and stack[-1][0] == match.group(2).lower():
                    stack.pop()
            else:
                stack.append((match.group(2).lower(), match.group(0)))
        closing = "".join(f"</{name}>" for name, _ in reversed(stack))
        balanced.append(opening + part + closing)
        carried = stack
    return balanced


def _balance_fences(parts: list[str]) -> list[str]:
    balanced: list[str] = []
    reopen = ""
    for part in parts:
        text = reopen + part
        fences = re.findall(r"```(\w*)", part)
        inside = bool(reopen)
        language = reopen[3:].strip() if reopen else ""
        for lang in fences:
            inside = not inside
            if inside:
                language = lang
        if inside:
            text += "\n```" if not text.endswith("\n") else "```"
            reopen = f"```{language}\n"
        else:
            reopen = ""
        balanced.append(text)
    return balanced

