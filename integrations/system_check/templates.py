"""Group log messages into templates by masking the parts that vary.

Numbers, hex ids, UUIDs, IP addresses, paths, URLs, quoted strings and e-mail addresses are
replaced by placeholders (`<NUM>`, `<HEX>`, `<UUID>`, `<IP>`, `<PATH>`, `<URL>`, `<STR>`,
`<EMAIL>`, `<ID>`), so "disk /dev/sda1 at 91%" and "disk /dev/sdb2 at 97%" fall into one
template. Masking is regex work; a miner caches the template of each message with its digits
removed, so most lines cost one bytes.translate and one dictionary lookup.
"""

from __future__ import annotations

import re

__all__ = ["Template", "TemplateMiner", "mask"]

_DIGITS = b"0123456789"
_MAX_CHARS = 400
OVERFLOW = "<other templates>"

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|(?<!\w)\'(?:[^\'\\]|\\.)*\'(?!\w)')
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://\S+")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PATH = re.compile(r"(?<![\w.<>/])(?:~|\.{1,2})?(?:/[\w.\-@%+~=]+)+/?")
_UUID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(
    r"(?<![\w:])(?=[0-9a-fA-F:]*::|(?:[0-9a-fA-F]{1,4}:){7})[0-9a-fA-F:]{2,39}(?:%\w+)?(?![\w:])"
)
_HEX = re.compile(
    r"\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{6,}\b"
)
_ID = re.compile(r"\b(?=\w*\d)(?=\w*[A-Za-z])\w{8,}\b")
_NUM = re.compile(r"\d+(?:\.\d+)*")
_HAS_DIGIT = re.compile(r"\d")


def mask(text: str) -> str:
    """The template of a message: its variable parts replaced by placeholders."""
    text = text[:_MAX_CHARS]
    if '"' in text or "'" in text:
        text = _QUOTED.sub("<STR>", text)
    if "://" in text:
        text = _URL.sub("<URL>", text)
    if "@" in text:
        text = _EMAIL.sub("<EMAIL>", text)
    if "/" in text:
        text = _PATH.sub("<PATH>", text)
    if _HAS_DIGIT.search(text) is None:
        if "::" in text:
            text = _IPV6.sub("<IP>", text)
        return text
    if "-" in text:
        text = _UUID.sub("<UUID>", text)
    if "." in text:
        text = _IPV4.sub("<IP>", text)
    if ":" in text:
        text = _IPV6.sub("<IP>", text)
    text = _HEX.sub("<HEX>", text)
    text = _ID.sub("<ID>", text)
    return _NUM.sub("<NUM>", text)


class Template:
    """A group of messages of one source and level: text, a count and first raw line per bucket."""

    __slots__ = ("text", "source", "level", "counts", "examples")

    def __init__(self, text: str, source: str, level: str, buckets: int) -> None:
        self.text = text
        self.source = source
        self.level = level
        self.counts = [0] * buckets
        self.examples: dict[int, str] = {}

    @property
    def total(self) -> int:
        """Messages counted over all buckets."""
        return sum(self.counts)

    def label(self) -> str:
        """'source: template' as shown to a reader."""
        return f"{self.source}: {self.text}" if self.source else self.text

    def __repr__(self) -> str:
        return f"Template({self.label()!r}, counts={self.counts})"


class TemplateMiner:
    """Assigns messages to templates; counts them per bucket (for example per time window)."""

    def __init__(
        self, *, buckets: int = 1, max_templates: int = 20_000, cache_size: int = 200_000
    ) -> None:
        self.buckets = buckets
        self.max_templates = max_templates
        self.cache_size = cache_size
        self._cache: dict[tuple[str, str, bytes], Template] = {}
        self._by_text: dict[tuple[str, str, str], Template] = {}
        self._overflow: Template | None = None

    def lookup(self, source: str, level: str, message: str) -> Template:
        """The template a message belongs to (created on first sight)."""
        key = (source, level, message.encode("utf-8", "surrogatepass").translate(None, _DIGITS))
        tpl = self._cache.get(key)
        if tpl is None:
            tpl = self._resolve(source, level, message, key)
        return tpl

    def add(
        self,
        message: str,
        *,
        source: str = "",
        level: str = "info",
        raw: str | None = None,
        bucket: int = 0,
    ) -> Template:
        """Count one message in a bucket; keep `raw` as the bucket's example if it is the first."""
        tpl = self.lookup(source, level, message)
        tpl.counts[bucket] += 1
        if raw is not None and bucket not in tpl.examples:
            tpl.examples[bucket] = raw
        return tpl

    def templates(self) -> list[Template]:
        """All templates, most frequent first."""
        found = list(self._by_text.values())
        if self._overflow is not None:
            found.append(self._overflow)
        found.sort(key=lambda t: t.total, reverse=True)
        return found

    @property
    def overflowed(self) -> bool:
        """True when more distinct templates arrived than max_templates (the rest were lumped)."""
        return self._overflow is not None

    def _resolve(
        self, source: str, level: str, message: str, key: tuple[str, str, bytes]
    ) -> Template:
        text = mask(message)
        tpl = self._by_text.get((source, level, text))
        if tpl is None:
            if len(self._by_text) >= self.max_templates:
                if self._overflow is None:
                    self._overflow = Template(OVERFLOW, "", "info", self.buckets)
                tpl = self._overflow
            else:
                tpl = Template(text, source, level, self.buckets)
                self._by_text[(source, level, text)] = tpl
        if len(self._cache) >= self.cache_size:
            self._cache.clear()
        self._cache[key] = tpl
        return tpl
