"""A model's Markdown styled for a terminal as it is written: each piece in, the text to print out.

The terminal shows an answer piece by piece, so the styling cannot wait for the whole text (core.markup's
converters read a whole text, and would have to be run again over the text so far at every piece, and what was
printed could not be taken back). This reads the marks one character at a time instead, holding back only the
few characters that decide one (a ``*`` that may be the first of ``**``, the start of a line that may open a
heading, a list item or a code block), and styles what its marks make clear, as a terminal can show it:

- ``**bold**`` in bold, a heading's line (``#`` to ``######``) in bold without its marks;
- ``*italics*`` and ``_italics_`` in italics, and ``~~struck~~`` struck through, once the mark that ends them has
  come on the same line (a ``*`` that nothing ends, as in ``*.py``, stays as written, and so does one ``~``, as in
  ``~5 min``); an ``_`` inside a word (``snake_case``) is no mark;
- ``code`` and the lines of a fenced code block in cyan (the fence lines faint);
- a link ``[text](address)`` as its text underlined, then the address faint in brackets (only the address when
  the text is the address);
- a list item's ``-``, ``*`` or ``+`` as ``•``;
- a quote's ``>`` as a faint bar ``│`` (one for each level), the quoted line read as any other (its list item, its
  heading);
- a table's rows, held back until the table ends, as core.markup lays them out for Discord: cells in columns, the
  header in bold, the rule under it faint.

Anything else goes out as written.
Each piece's text is whole in itself: a style it opens is ended before each line break and at its end (and
opened again after), so a log line printed between two pieces, or the prompt after the answer, is not styled.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

from core.markup import discord_text  # its parser, markdown-it, is imported at the first table

_BOLD = "1"
_FAINT = "2"
_CYAN = "36"
_ITALIC = "3"
_UNDERLINE = "4"
_STRIKE = "9"
_RESET = "\x1b[0m"
_LINE = re.compile(r"(?P<indent>[ \t]*)(?:(?P<fence>```|~~~)|(?P<bullet>[-*+])[ \t]|(?P<heading>#{1,6})(?:[ \t]+|(?=\n)|$)"
                   r"|(?P<quote>>)[ \t]?)")
"""What a line begins with, when it is a mark: a code fence, a list item, a heading, a quote."""
_UNDECIDED = re.compile(r"[ \t]*(?:>[ \t]*)*(?:`{1,2}|~{1,2}|[-*+]|#{1,6})?")
"""A line's start that may still become a mark, or not, with what comes next."""
_ROW = re.compile(r"[ \t]{0,3}\|")
"""A line that may be a table's row."""
_EMPHASIS = {"*": re.compile(r"\*(?=[^\s*])[^*\n]*?[^\s*]\*"), "_": re.compile(r"_(?=[^\s_])[^_\n]*?[^\s_]_"),
             "~": re.compile(r"~~(?=[^\s~])[^~\n]*?[^\s~]~~")}
"""Italics opened by ``*`` or ``_`` (or a strikethrough by ``~~``): the first mark of the same kind on the line that
follows a character."""
_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<address>[^()\s]+)\)")
_LINK_START = re.compile(r"\[[^\]\n]*(?:\](?:\([^()\s]*)?)?")
"""The start of a text that may still become a link with what comes next."""


class TerminalMarkdown:
    """One answer's Markdown, styled for a terminal piece by piece (``feed``, then ``end``)."""

    def __init__(self) -> None:
        self._held = ""  # the last characters of the text so far, which decide a mark with what comes next
        self._line_start = True
        self._bold = False
        self._code = False
        self._fence = ""  # the fence of the code block the text is in ("" outside one)
        self._fence_line = False  # the line being written is a fence's
        self._heading = False
        self._table: list[str] = []  # the rows of a table held back until it ends (each line with its line break)
        self._last = "\n"  # the last character written (a ** after a space opens bold, before one closes nothing)
        self._read = "\n"  # the last character read before what is held back (an _ after a letter is no mark)
        self._out: list[str] = []
        self._shown: tuple[str, ...] = ()  # the styles the text written so far in this piece is in

    def feed(self, piece: str) -> str:
        """The text to print for the next piece of the answer."""
        return self._style(self._held + piece, final=False)

    def end(self) -> str:
        """The text to print once the answer is whole (what was held back, as written)."""
        return self._style(self._held, final=True)

    def _style(self, text: str, final: bool) -> str:
        self._held, self._out, self._shown = "", [], ()
        i = 0
        while i < len(text):
            if self._line_start:
                if not self._fence and _ROW.match(text, i):
                    end = text.find("\n", i)
                    if end < 0 and not final:
                        self._held = text[i:]
                        break
                    end = len(text) if end < 0 else end + 1
                    self._table.append(text[i:end])
                    i = end
                    continue
                if not final and "\n" not in text[i:] and _UNDECIDED.fullmatch(text, i):
                    self._held = text[i:]
                    break
                if self._table:
                    self._lay_out_table()
                i = self._begin_line(text, i)
                continue
            ch = text[i]
            if ch == "\n":
                self._end_line()
                i += 1
            elif self._fence or self._fence_line:
                self._put(ch)
                i += 1
            elif self._heading and self._last == "\n" and ch in " \t":  # between a heading's marks and its text
                i += 1
            elif ch == "`":
                self._code = not self._code
                i += 1
            elif ch == "*" and not self._code and text.startswith("**", i):
                if i + 2 == len(text) and not final:
                    self._held = text[i:]
                    break
                after = text[i + 2] if i + 2 < len(text) else " "
                if self._bold and not self._last.isspace():
                    self._bold = False
                elif not self._bold and not after.isspace():
                    self._bold = True
                else:
                    self._put("**")
                i += 2
            elif ch == "*" and i + 1 == len(text) and not final and not self._code:
                self._held = ch
                break
            elif ch in "*_[~" and not self._code:
                end = self._span(text, i, final)
                if end < 0:
                    self._held = text[i:]
                    break
                if end == i:
                    self._put(ch)
                    end += 1
                i = end
            else:
                self._put(ch)
                i += 1
        if final and self._table:
            self._lay_out_table()
        read = len(text) - len(self._held)
        self._read = text[read - 1] if read else self._read
        self._show(())
        return "".join(self._out)

    def _span(self, text: str, i: int, final: bool) -> int:
        """Write the italics or the link that begins at i; where it ends, i when none does, -1 when what comes next
        decides it."""
        if text[i] == "[":
            link = _LINK.match(text, i)
            if link is None:
                return -1 if not final and _LINK_START.fullmatch(text, i) else i
            words, address = link["text"], link["address"]
            self._put(words, (*self._marked(), _UNDERLINE))
            if address not in (words, f"mailto:{words}"):
                self._put(f" ({address})", (_FAINT,))
            return link.end()
        mark = text[i]
        before = text[i - 1] if i else self._read
        if mark == "_" and (before.isalnum() or before == "_"):
            return i  # inside a word (snake_case) or a run of marks (__init__)
        if mark == "~" and not text.startswith("~~", i):
            return -1 if i + 1 == len(text) and not final else i  # one ~ (~5 min) is no mark
        found = _EMPHASIS[mark].match(text, i)
        if found is None:
            return -1 if not final and "\n" not in text[i:] else i
        if found.end() == len(text) and not final:
            return -1  # the next character may join the closing mark to a word or to a **
        after = text[found.end()] if found.end() < len(text) else " "
        if after == mark or mark == "_" and after.isalnum():
            return i
        width = 2 if mark == "~" else 1
        self._put(text[i + width:found.end() - width], (*self._marked(), _STRIKE if mark == "~" else _ITALIC))
        return found.end()

    def _lay_out_table(self) -> None:
        """Write the rows held back: a table's cells in columns (its header bold, the rule under it faint), or as
        written when they make no table."""
        rows, self._table = "".join(self._table), []
        laid = discord_text(rows, 16 * len(rows) + 1024)
        lines = rows.split("\n") if laid is None else [line for line in laid.split("\n") if line != "```"]
        ruled = laid is not None and len(lines) > 1 and set(lines[1]) <= {"-", "+"}
        ended = rows.endswith("\n")
        lines = [line for line in lines if line] if laid is not None else lines[:-1] if ended else lines
        for n, line in enumerate(lines):
            self._put(line, (_BOLD,) if ruled and n == 0 else (_FAINT,) if ruled and n == 1 else ())
            if n < len(lines) - 1 or ended:
                self._end_line()

    def _begin_line(self, text: str, i: int, quoted: bool = False) -> int:
        """Read the marks a line begins with; where its text begins."""
        self._line_start = False
        found = _LINE.match(text, i)
        if found is None:
            return i
        if quoted and found["fence"]:  # a code block in a quote: its fences faint, its lines as written
            self._put(found["indent"] + found["fence"], (_FAINT,))
            return found.end()
        if found["quote"] and not self._fence:
            self._put(found["indent"] + "│ ", (_FAINT,))
            self._last = "\n"  # the bar is no text: the quoted line's text is still to begin
            return self._begin_line(text, found.end(), quoted=True)  # what the quoted line begins with
        if found["fence"] and (not self._fence or found["fence"] == self._fence):
            self._fence = "" if self._fence else found["fence"]
            self._fence_line = True
            return i
        if self._fence:
            return i
        if found["bullet"]:
            self._put(found["indent"] + "• ")
            return found.end()
        if found["heading"]:
            self._heading = True
            return found.end()
        return i

    def _end_line(self) -> None:
        """A line break: styles end before it; a blank line ends a paragraph and what it left open."""
        blank = self._last == "\n"
        self._show(())
        self._out.append("\n")
        self._last = "\n"
        self._line_start = True
        self._heading = self._fence_line = False
        if blank or self._fence:
            self._bold = self._code = False

    def _put(self, text: str, styles: tuple[str, ...] | None = None) -> None:
        """Write text in these styles, or in those the marks read so far make."""
        self._show(self._marked() if styles is None else styles)
        self._out.append(text)
        self._last = text[-1]

    def _marked(self) -> tuple[str, ...]:
        """The styles the marks read so far make."""
        if self._fence_line:
            return (_FAINT,)
        if self._fence or self._code:
            return (_CYAN,)
        return (_BOLD,) if self._bold or self._heading else ()

    def _show(self, styles: tuple[str, ...]) -> None:
        if styles != self._shown:
            self._out.append(_RESET if not styles else _RESET * bool(self._shown) + f"\x1b[{';'.join(styles)}m")
            self._shown = styles


def styled(text: str) -> str:
    """A whole answer's Markdown, styled for a terminal."""
    markdown = TerminalMarkdown()
    return markdown.feed(text) + markdown.end()


def wants_styles(stream: TextIO) -> bool:
    """Whether text for this stream may be styled: it is a terminal that shows styles, and NO_COLOR is not set."""
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
