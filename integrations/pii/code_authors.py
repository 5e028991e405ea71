"""Where code and its tools name a person: the author git records, a file's header, a copyright, a commit's trailer.

`git config --global user.name "Anna Schmidt"`, a `.gitconfig`'s `[user]` `name = Anna Schmidt`,
`GIT_AUTHOR_NAME="Tom Becker"`, Python's `__author__ = "Anna Schmidt"`, Javadoc's `@author Maria Rossi`, a header's
`# Author: Tom Becker`, a package's `"author": "Tom Becker"`, Xcode's `Created by Anna Schmidt on 07.12.26.`,
`Copyright (c) 2026 Tom Becker`, a commit's `Reviewed-by: Maria Rossi`. A name of two words or more, not a company's
(`Python Software Foundation`, `Meta Platforms, Inc.`, `The Go Authors`); whether the words are a name's is names.py's
to say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words
from .mail_names import COMPANY_ENDS

__all__ = ["CODE_AUTHOR_WORDS", "code_authors"]

_VALUE = (r"(?P<value>[^\W\d_](?:[^\n\"'<>()\[\]{},;:=]|(?<=[^\W\d_])['’](?=[^\W\d_])|(?<=[ \t])['’](?=t[ \t]))"
          r"{0,80})")
"""What may be a name, up to a quote (not an apostrophe within a name, "O'Connor", nor Dutch's "van 't Erve"), a
bracket, a comma or the line's end: cut where it ends (_ENDS)."""
_AUTHORS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    # git's and Python's: "user.name "Anna Schmidt"", "GIT_AUTHOR_NAME=Tom Becker", "__author__ = 'Anna Schmidt'"
    (("user.name", "author", "committer_name"),
     re.compile(r"(?:\buser\.name|\bGIT_(?:AUTHOR|COMMITTER)_NAME|\b__author__)[\"']?[ \t]*[=:]?[ \t]*[\"']?"
                + _VALUE)),
    # a file's header, Javadoc, a package's: "# Author: Tom Becker", "@author Maria Rossi", ""author": "Tom Becker"",
    # pyproject's "authors = [{name = "Anna Schmidt", …}]"
    (("author",), re.compile(r"(?:^[ \t#/*;%\-]*(?i:author)[ \t]*:[ \t]*|@author[ \t]+|\"author\"[ \t]*:[ \t]*\""
                             r"|\{[ \t]*name[ \t]*=[ \t]*\")" + _VALUE, re.MULTILINE)),
    # a .gitconfig's "[user]\n\tname = Anna Schmidt"
    (("user]",), re.compile(r"^[ \t]*name[ \t]*=[ \t]*" + _VALUE, re.MULTILINE)),
    # "Copyright (c) 2024-2026 Tom Becker", "Copyright © 2026 Anna Schmidt. All rights reserved."
    (("copyright",), re.compile(r"(?i:copyright)(?:[ \t]*(?:\([cC]\)|©))?[ \t]+(?:[0-9]{4}(?:[ \t]*[-–,][ \t]*"
                                r"[0-9]{4})*,?[ \t]+)?(?:by[ \t]+)?" + _VALUE)),
    # Xcode's header: "//  Created by Anna Schmidt on 07.12.26."
    (("created by",), re.compile(r"\b[Cc]reated[ \t]+by[ \t]+" + _VALUE)),
    # a commit's trailers: "Reviewed-by: Maria Rossi", "Co-authored-by: Tom Becker <tom@example.org>"
    (("-by:",), re.compile(r"^[ \t]*(?:Signed-off|Co-authored|Co-developed|Reviewed|Acked|Tested|Reported|Suggested"
                           r"|Helped)-by:[ \t]*" + _VALUE, re.MULTILINE | re.IGNORECASE)),
)
"""Each place's regex, looked for only in a text with one of its words."""
CODE_AUTHOR_WORDS = Words(*{cue for cues, _ in _AUTHORS for cue in cues})
"""What a text that names an author holds, as the scan looks for it ("author" in `GIT_AUTHOR_NAME` too)."""
_ENDS = re.compile(r"[ \t]+(?:and|on|&|at|from|via|-)(?:[ \t]|\Z)|(?<=[^\W\d_]{2})\.(?:[ \t]|\Z)|[ \t]*\Z")
"""Where a name ends within what may be one: "Anna Schmidt and contributors", "… on 07.12.26.", "Schmidt. All…"."""
_COMPANY_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:Inc|LLC|Ltd|Limited|GmbH|AG|SA|S\.A|BV|B\.V|Corp|Co|PLC|Pty|Oy|AB|SAS"
                            r"|SRL|KG|e\.V)\b")
"""A company's form after its name ("Meta Platforms, Inc.")."""


_NEXT = re.compile(r"(?:[ \t]*,[ \t]*|[ \t]+(?:and|&)[ \t]+)" + _VALUE)
"""Another author listed after one: "Ben Gertzfield, Barry Warsaw", "Makoto Matsumoto and Takuji Nishimura"."""


def code_authors(text: str) -> Iterator[tuple[int, int]]:
    """Where code and its tools name an author of two words or more, as (start, end), and the authors listed after."""
    if not CODE_AUTHOR_WORDS.anywhere(text):
        return
    present = {cue for _, cue in CODE_AUTHOR_WORDS.occurrences(text)}
    for cues, place in _AUTHORS:
        if present.intersection(cues):
            for found in place.finditer(text):
                author: re.Match[str] | None = found
                while author is not None and (end := _author_s_end(text, *author.span("value"))):
                    yield author.start("value"), end
                    author = _NEXT.match(text, end)


def _author_s_end(text: str, start: int, stop: int) -> int:
    """Where a name of two words or more in text[start:stop] ends, or 0 if none is there (one word, a company's)."""
    ends = _ENDS.search(text, start, stop)
    end = ends.start() if ends else stop
    words = text[start:end].split()
    if len(words) > 1 and words[-1].lower() not in COMPANY_ENDS and not _COMPANY_AFTER.match(text, end):
        return end
    return 0
