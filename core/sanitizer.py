"""The sanitizer contract: replace sensitive text before a model sees it, restore it after."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from core.errors import PermanentError


@runtime_checkable
class Restorer(Protocol):
    """Restores replaced values in a stream of text chunks, also when a token is split."""

    def feed(self, chunk: str) -> str:
        """Take the next chunk; return the text that is safe to emit now."""
        ...

    def flush(self) -> str:
        """Return whatever is still held back at the end of the stream."""
        ...


@runtime_checkable
class Sanitizer(Protocol):
    """Replaces sensitive spans in text, scoped to a conversation, and undoes it.

    Optional: ``masks_outbound(platform) -> bool`` (scrub what is sent there too) and ``async forget(scope)``
    (the conversation starts over: drop what its placeholders stood for).
    """

    name: str

    async def sanitize(self, text: str, scope: str) -> str:
        """Return text with sensitive spans replaced; scope keys the reversible map (a chat)."""
        ...

    async def restorer(self, scope: str) -> Restorer:
        """Return a streaming restorer for model output in this scope."""
        ...

    def scrub(self, text: str) -> str:
        """Irreversibly mask sensitive spans (for logs and traces); synchronous and fast."""
        ...


def outbound_mask(sanitizers: Sequence[Sanitizer], platform: str) -> Callable[[str], str] | None:
    """The masking of text sent to platform (each sanitizer that masks it, in order), or None."""
    maskers = [s.scrub for s in sanitizers
               if getattr(s, "masks_outbound", None) is not None and s.masks_outbound(platform)]
    if not maskers:
        return None

    def mask(text: str) -> str:
        for scrub in maskers:
            text = scrub(text)
        return text

    return mask


async def sanitize_all(sanitizers: Sequence[Sanitizer], integrations: Mapping[str, Any], text: str, scope: str) -> str:
    """Every sanitizer's replacements applied in order.

    A configured sanitizer integration that failed to set up makes this refuse, rather than let
    raw text through to a model.
    """
    broken = [d for d, s in integrations.items() if s.manifest.kind == "sanitizer" and s.status != "loaded"]
    if broken:
        raise PermanentError(
            f"the sanitizer {', '.join(broken)} is configured but not set up "
            f"({integrations[broken[0]].reason}); nothing is sent to a model without it"
        )
    for sanitizer in sanitizers:
        text = await sanitizer.sanitize(text, scope)
    return text
