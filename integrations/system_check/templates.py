"""Group log messages into templates by masking the parts that vary.

Numbers, hex ids, UUIDs, IP addresses, paths, URLs, quoted strings and e-mail addresses are
replaced by placeholders (`<NUM>`, `<HEX>`, `<UUID>`, `<IP>`, `<PATH>`, `<URL>`, `<STR>`,
`<EMAIL>`, `<ID>`), so "disk /dev/sda1 at 91%" and "disk /dev/sdb2 at 97%" fall into one
template. Masking works token by token (whitespace-separated, surrounding punctuation kept),
with a cache per token. A miner also caches the template of each message with its digits
removed, so most lines cost one bytes.translate and one dictionary lookup, and, for messages
with long hex runs, of its "shape" (hex characters folded into one). Both caches assume that
messages which differ only there share a template; the rare exception (a number in one line
where another has a word like "abc" or "facade") is grouped with the first one seen.
"""

from __future__ import annotations

import re

__all__ = ["Template", "TemplateMiner", "mask", "mask_token"]

_DIGITS = b"0123456789"
_HEX_TO_ONE = bytes.maketrans(b"0123456789abcdefABCDEF", b"\x01" * 22)
_HEX_RUN = b"\x01" * 6
_MAX_CHARS = 400
_TOKEN_CACHE_LIMIT = 100_000
_PUNCT = "()[]{},;:!?'\"<>"
OVERFLOW = "<other templates>"

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|(?<!\w)\'(?:[^\'\\]|\\.)*\'(?!\w)')
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_IPV4 = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?:/\d{1,2})?")
_IPV6 = re.compile(r"(?=[0-9a-fA-F:]*::|(?:[0-9a-fA-F]{1,4}:){7})[0-9a-fA-F:]{2,39}(?:%\w+)?")
_HEX = re.compile(r"0x[0-9a-fA-F]+|(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{6,}")
_ID = re.compile(r"(?=[\w\-]*\d)(?=[\w\-]*[A-Za-z])[\w\-]{12,}|(?=\w*\d)(?=\w*[A-Za-z])\w{8,}")
_NUM = re.compile(r"\d+(?:\.\d+)*")
_HAS_DIGIT = re.compile(r"\d")
_token_cache: dict[str, str] = {}


def _classify(core: str) -> str:
    """The placeholder for a token without its surrounding punctuation (or the token itself)."""
    if "://" in core:
        return "<URL>"
    first = core[0]
    if first == "/" or core.startswith(("~/", "./", "../")):
        return "<PATH>"
    if "=" in core:
        key, _, value = core.partition("=")
        if key and value:
            return key + "=" + _classify(value.strip(_PUNCT) or value)
    if "@" in core and _EMAIL.fullmatch(core):
        return "<EMAIL>"
    if _HAS_DIGIT.search(core) is None:
        if "::" in core and _IPV6.fullmatch(core):
            return "<IP>"
        return core
    if core.isdigit():
        return "<NUM>"
    if _IPV4.fullmatch(core) or (":" in core and _IPV6.fullmatch(core)):
        return "<IP>"
    if _UUID.fullmatch(core):
        return "<UUID>"
    if _HEX.fullmatch(core):
        return "<HEX>"
    if _ID.fullmatch(core):
        return "<ID>"
    if "/" in core:
        return "<PATH>" if core.count("/") > 1 else _NUM.sub("<NUM>", core)
    return _NUM.sub("<NUM>", core)


def mask_token(token: str) -> str:
    """One whitespace-separated token with its variable part replaced by a placeholder."""
    core = token.strip(_PUNCT)
    if not core:
        return token
    masked = _classify(core)
    if masked is core:
        return token
    start = token.find(core)
    return token[:start] + masked + token[start + len(core) :]


def mask(text: str, token_cache: dict[str, str] | None = None) -> str:
    """The template of a message: its variable parts replaced by placeholders."""
    text = text[:_MAX_CHARS]
    if '"' in text or "'" in text:
        text = _QUOTED.sub("<STR>", text)
    cache = _token_cache if token_cache is None else token_cache
    if len(cache) > _TOKEN_CACHE_LIMIT:
        cache.clear()
    out = []
    for token in text.split():
        masked = cache.get(token)
        if masked is None:
            masked = cache[token] = mask_token(token)
        out.append(masked)
    return " ".join(out)


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
        self._overflow: dict[str, Template] = {}
        self._tokens: dict[str, str] = {}
        self._shapes: dict[tuple[str, str, bytes], Template] = {}

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
        found.extend(self._overflow.values())
        found.sort(key=lambda t: t.total, reverse=True)
        return found

    @property
    def overflowed(self) -> bool:
        """True when more distinct templates arrived than max_templates (the rest were lumped)."""
        return bool(self._overflow)

    def _resolve(
        self, source: str, level: str, message: str, key: tuple[str, str, bytes]
    ) -> Template:
        cache = self._cache
        if len(cache) >= self.cache_size:
            cache.clear()
            self._shapes.clear()
        # Second chance before masking: the message's shape, with hex digits and letters
        # replaced by one byte. Fixed-length ids (hashes, trace ids, UUIDs) vary only there.
        # Used only when the shape has a hex run of six or more, so that short words made of
        # the letters a-f ("bad", "cafe", "added") never stand in for one another.
        shape_key = None
        shape = message.encode("utf-8", "surrogatepass").translate(_HEX_TO_ONE)
        if _HEX_RUN in shape:
            shape_key = (source, level, shape)
            tpl = self._shapes.get(shape_key)
            if tpl is not None:
                cache[key] = tpl
                return tpl
        text = mask(message, self._tokens)
        tpl = self._by_text.get((source, level, text))
        if tpl is None:
            if len(self._by_text) >= self.max_templates:
                tpl = self._overflow.get(level)
                if tpl is None:  # one per level, so counts per level stay exact
                    tpl = self._overflow[level] = Template(OVERFLOW, "", level, self.buckets)
            else:
                tpl = Template(text, source, level, self.buckets)
                self._by_text[(source, level, text)] = tpl
        cache[key] = tpl
        if shape_key is not None:
            self._shapes[shape_key] = tpl
        return tpl
