"""The pii sanitizer: findings from the recognizers, replaced by each entity type's policy."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from core.errors import ConfigError

from .config import CONFIG_SCHEMA
from .policies import (
    REDACTED,
    EntityPolicy,
    PlaceholderBook,
    hash_token,
    mask_value,
    scrub_tag,
)
from .recognizers import default_registry
from .registry import Finding, RecognizerRegistry
from .restore import PlaceholderRestorer
from .vault import VaultBackend

__all__ = ["BOOK_CACHE_SCOPES", "MIN_HASH_KEY_BYTES", "OFFLOAD_CHARS", "PiiSanitizer"]

MIN_HASH_KEY_BYTES = 16
#: How many scopes' placeholder books are kept in memory between messages.
BOOK_CACHE_SCOPES = 1024
#: How long a book read from the vault (whose expiry is not known here) is trusted, in seconds.
LOADED_BOOK_SECONDS = 60.0
#: Texts longer than this are analyzed in a worker thread so the event loop stays free.
OFFLOAD_CHARS = 20_000


class PiiSanitizer:
    """Implements the core Sanitizer protocol: placeholders for models, masks for logs."""

    name = "pii"

    def __init__(
        self,
        config: Mapping[str, Any] | None,
        vault: VaultBackend,
        hash_key: bytes,
        *,
        registry: RecognizerRegistry | None = None,
        clock: Callable[[], float] = time.time,
        on_findings: Callable[[dict[str, int]], None] | None = None,
    ) -> None:
        if not isinstance(hash_key, bytes | bytearray) or len(hash_key) < MIN_HASH_KEY_BYTES:
            raise ConfigError(
                f"the pii hash key must be at least {MIN_HASH_KEY_BYTES} random bytes "
                "(the device key); got "
                + (f"{len(hash_key)} bytes" if isinstance(hash_key, bytes | bytearray) else "none")
            )
        self.config: dict[str, Any] = CONFIG_SCHEMA(dict(config or {}))
        self._policies = {
            entity: EntityPolicy.for_entity(entity, options)
            for entity, options in self.config["entities"].items()
        }
        self._thresholds = {entity: policy.threshold for entity, policy in self._policies.items()}
        self.registry = registry or default_registry(legacy_cn_id=self.config["legacy_cn_id"],
                                                     phone_regions=self.config["phone_regions"],
                                                     thresholds=self._thresholds)
        self.vault = vault
        self.on_findings = on_findings
        """Told the count of each entity type a sanitize() replaced (for metrics; never the values)."""
        self._key = bytes(hash_key)
        self._clock = clock
        self._disabled = frozenset(e for e, p in self._policies.items() if not p.enabled)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        # scope -> (book, trusted until): this sanitizer is the vault's only writer, so the
        # book it last saved is what the vault holds until that entry expires.
        self._books: OrderedDict[str, tuple[PlaceholderBook, float]] = OrderedDict()

    # -- inspection -------------------------------------------------------------------------

    def policy_for(self, entity: str) -> EntityPolicy:
        """The policy of an entity type (types without configuration get the placeholder)."""
        policy = self._policies.get(entity)
        if policy is None:
            policy = self._policies[entity] = EntityPolicy.for_entity(entity)
        return policy

    def masks_outbound(self, platform: str) -> bool:
        """True when text sent to this platform should be scrubbed (config ``mask_outbound``)."""
        return platform in self.config["mask_outbound"]

    def analyze(self, text: str) -> list[Finding]:
        """The findings of every enabled entity type, overlaps resolved, in text order."""
        return self.registry.analyze(text, skip=self._disabled, thresholds=self._thresholds)

    # -- irreversible -----------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Irreversibly mask sensitive spans (for logs and traces); synchronous and fast."""
        findings = self.analyze(text)
        if not findings:
            return text
        return self._replace(text, findings, self._irreversible)

    def _irreversible(self, finding: Finding, policy: EntityPolicy) -> str:
        """The replacement when nothing may be restored: placeholders become a type tag."""
        if policy.policy == "placeholder":
            return scrub_tag(finding.entity)
        return self._apply(finding, policy, None)

    # -- reversible -------------------------------------------------------------------------

    async def sanitize(self, text: str, scope: str) -> str:
        """Return text with sensitive spans replaced; scope keys the reversible map (a chat)."""
        if len(text) > OFFLOAD_CHARS:
            findings = await asyncio.to_thread(self.analyze, text)
        else:
            findings = self.analyze(text)
        if not findings:
            return text
        if self.on_findings is not None:
            self.on_findings(dict(Counter(f.entity for f in findings)))
        policies = [self.policy_for(f.entity) for f in findings]
        if not any(p.policy == "placeholder" for p in policies):
            return self._replace(text, findings, lambda f, p: self._apply(f, p, None))
        async with self._lock(scope):
            book = await self._book(scope)
            result = self._replace(text, findings, lambda f, p: self._apply(f, p, book))
            if book.changed:
                expires_at = self._clock() + self.config["vault_ttl"]
                await self.vault.save(scope, book.mapping, expires_at)
                book.changed = False
                self._remember(scope, book, expires_at)
        return result

    async def restorer(self, scope: str) -> PlaceholderRestorer:
        """Return a streaming restorer for model output in this scope."""
        book = await self._book(scope)
        return PlaceholderRestorer(book.mapping, lost=book.lost)

    async def forget(self, scope: str) -> None:
        """Forget what the placeholders of a scope stood for (its chat starts over: ``/new``)."""
        async with self._lock(scope):
            self._books.pop(scope, None)
            await self.vault.forget(scope)

    async def _book(self, scope: str) -> PlaceholderBook:
        """The scope's placeholder book: from memory while trusted, else from the vault."""
        entry = self._books.get(scope)
        now = self._clock()
        if entry is not None and entry[1] > now:
            self._books.move_to_end(scope)
            return entry[0]
        mapping = await self.vault.load(scope)
        book = PlaceholderBook(mapping)
        book.lost = mapping is None
        self._remember(scope, book, now + LOADED_BOOK_SECONDS)
        return book

    def _remember(self, scope: str, book: PlaceholderBook, until: float) -> None:
        """Keep a book in the bounded cache."""
        self._books[scope] = (book, until)
        self._books.move_to_end(scope)
        while len(self._books) > BOOK_CACHE_SCOPES:
            self._books.popitem(last=False)

    async def restore(self, text: str, scope: str) -> str:
        """Restore the placeholders of a complete (not streamed) text in this scope."""
        return (await self.restorer(scope)).restore(text)

    def sanitize_report(self, text: str) -> tuple[str, list[tuple[Finding, str]]]:
        """Sanitize with a fresh, unsaved scope and say which policy handled each finding."""
        findings = self.analyze(text)
        book = PlaceholderBook()
        sanitized = self._replace(text, findings, lambda f, p: self._apply(f, p, book))
        return sanitized, [(f, self.policy_for(f.entity).policy) for f in findings]

    # -- replacement ------------------------------------------------------------------------

    def _lock(self, scope: str) -> asyncio.Lock:
        """The lock serializing vault updates of one scope (kept while someone holds it)."""
        lock = self._locks.get(scope)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[scope] = lock
        return lock

    def _apply(self, finding: Finding, policy: EntityPolicy, book: PlaceholderBook | None) -> str:
        """The replacement for one finding under its policy."""
        kind = policy.policy
        if kind == "placeholder":
            if book is None:
                return scrub_tag(finding.entity)
            return book.placeholder_for(finding.entity, finding.text)
        if kind == "mask":
            return mask_value(finding.text, policy.keep_head, policy.keep_tail, policy.mask_char)
        if kind == "hash":
            return hash_token(finding.entity, finding.text, self._key, policy.hash_length)
        return REDACTED

    def _replace(
        self,
        text: str,
        findings: list[Finding],
        replacement: Callable[[Finding, EntityPolicy], str],
    ) -> str:
        """Rebuild text with each (non-overlapping, ordered) finding replaced."""
        parts: list[str] = []
        last = 0
        for finding in findings:
            parts.append(text[last : finding.start])
            parts.append(replacement(finding, self.policy_for(finding.entity)))
            last = finding.end
        parts.append(text[last:])
        return "".join(parts)
