"""What a terminal shows of text with ANSI styles: runs of (styles, text), however the codes were split."""

from __future__ import annotations

import re

_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def shown(text: str) -> list[tuple[str, str]]:
    """The text as runs of (its styles, e.g. "1" or "36"; "" for none, the text in them)."""
    runs: list[tuple[str, str]] = []
    styles, at = "", 0
    for code in [*_SGR.finditer(text), None]:
        part = text[at:code.start() if code else len(text)]
        if part:
            if runs and runs[-1][0] == styles:
                runs[-1] = (styles, runs[-1][1] + part)
            else:
                runs.append((styles, part))
        if code is None:
            break
        styles = "" if code[1] in ("", "0") else code[1]
        at = code.end()
    return runs
