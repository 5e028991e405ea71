"""Replies in Markdown rendered for chat apps: Telegram's HTML and WhatsApp's markup."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.markup import discord_text, page_html, telegram_html, whatsapp_text
from tests.fakes.telegram_text import parse_html

LIMIT = 4096

ANSWER = """# Prices

Rye bread is **4.20**, *fresh* on ~~Mondays~~ Tuesdays; ask for `RYE-1 < 2`.

- one
- two
  - under two

3. third
4. fourth

> said **once**
> and again

```python
print("<hi> & bye")
```

See [the shop](https://example.org/?a=1&b=2) or <https://example.org>.

| Item | Price |
|------|-------|
| Rye  | 4.20  |"""


def test_an_answer_in_telegrams_html() -> None:
    assert telegram_html(ANSWER, LIMIT) == """<b>Prices</b>

Rye bread is <b>4.20</b>, <i>fresh</i> on <s>Mondays</s> Tuesdays; ask for <code>RYE-1 &lt; 2</code>.

• one
• two
  • under two

3. third
4. fourth

<blockquote>said <b>once</b>
and again</blockquote>

<pre><code class="language-python">print("&lt;hi&gt; &amp; bye")</code></pre>

See <a href="https://example.org/?a=1&amp;b=2">the shop</a> or <a href="https://example.org">https://example.org</a>.

<pre>Item | Price
-----+------
Rye  | 4.20</pre>"""


def test_an_answer_in_whatsapps_markup() -> None:
    assert whatsapp_text(ANSWER, LIMIT) == """*Prices*

Rye bread is *4.20*, _fresh_ on ~Mondays~ Tuesdays; ask for `RYE-1 < 2`.

• one
• two
  • under two

3. third
4. fourth

> said *once*
> and again

```
print("<hi> & bye")
```

See the shop (https://example.org/?a=1&b=2) or https://example.org.

```
Item | Price
-----+------
Rye  | 4.20
```"""


@pytest.mark.parametrize(("markdown", "telegram", "whatsapp"), [
    ("<b>raw</b> & <script>x</script>", "&lt;b&gt;raw&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;",
     None),  # HTML in a reply is text
    ("[click](javascript:alert(1)) [file](file:///etc/passwd)", None, None),  # the parser makes no link of these
    ('[x](https://e.org/"onclick=") ', '<a href="https://e.org/%22onclick=%22">x</a>', "x (https://e.org/%22onclick=%22)"),
    ("Half **writ", None, None),  # streamed, not closed yet: as written
    ("snake_case_name and 2 * 3", None, None),
    ("line one\nline two\n", None, None),  # no markup: as written, to the last space
    ("- a\n\n  more of a\n- b", "• a\n\n  more of a\n\n• b", "• a\n\n  more of a\n\n• b"),
    ("> outer\n>> inner", "<blockquote>outer\n\ninner</blockquote>", "> outer\n> \n> inner"),  # Telegram's do not nest
    ("![a cat](https://e.org/cat.png)", '<a href="https://e.org/cat.png">a cat</a>', "a cat (https://e.org/cat.png)"),
    ("[mail me](mailto:me@e.org) [no host](http:///etc)", "mail me (mailto:me@e.org) no host (http:///etc)",
     "mail me (mailto:me@e.org) no host (http:///etc)"),  # Telegram refuses links to these
    ("---", "———", "———"),
])
def test_what_each_app_is_given(markdown: str, telegram: str | None, whatsapp: str | None) -> None:
    """None: the text goes as written."""
    assert (telegram_html(markdown, LIMIT), whatsapp_text(markdown, LIMIT)) == (telegram, whatsapp)


def test_a_rendering_over_the_limit_is_none_so_the_part_goes_as_written() -> None:
    table = "a|b\n-|-\n" + "x|y\n" * 10  # 48 characters; shown in columns ("x | y"), 71
    assert telegram_html(table, 70) is None and telegram_html(table, 71) == "<pre>" + "\n".join(
        ["a | b", "--+--", *["x | y"] * 10]) + "</pre>"
    assert whatsapp_text(table, 78) is None and whatsapp_text(table, 79) is not None  # and its fences
    bold = "**" + "b" * 50 + "**"  # shown: 50 characters, the HTML is longer and does not count
    assert telegram_html(bold, 50) == f"<b>{'b' * 50}</b>" and whatsapp_text(bold, 51) is None


def test_for_discord_only_the_tables_change() -> None:
    text = "**Rye**:\r\n\r\n|a|b|\n|-|-|\n|x|`y`|\n\n- item\n\n  |c|d|\n  |-|-|\n  |1|2|"
    assert discord_text(text, 2000) == "**Rye**:\n\n```\na | b\n--+--\nx | y\n```\n\n- item\n\n  |c|d|\n  |-|-|\n  |1|2|"
    assert discord_text("**no table** here", 2000) is None  # as written: Discord shows the rest itself
    assert discord_text(text, 40) is None  # over the limit: as written


_MARKDOWNISH = st.lists(st.sampled_from([*"ab <>&\"'*_~`#->|[]()!\n\\:/1.", "https://", "```", "  "]),
                        max_size=80).map("".join)


@settings(max_examples=400, deadline=None)
@given(_MARKDOWNISH)
def test_whatever_a_model_writes_telegram_and_a_page_can_parse_and_its_length_is_what_was_checked(markdown: str) -> None:
    page = page_html(markdown)
    assert (parse_html(page) if page.strip() else "") is not None, f"tags left open in {page!r}"
    shown = telegram_html(markdown, LIMIT)
    if shown is None:  # sent as written, without parse_mode
        return
    plain = parse_html(shown) if shown.strip() else ""
    assert plain is not None, f"Telegram could not parse {shown!r}"
    assert not re.search(r"<a href=\"(?!https?://[^/\"])", shown)
    assert len(plain) == len(html.unescape(re.sub(r"<[^>]+>", "", shown)))
