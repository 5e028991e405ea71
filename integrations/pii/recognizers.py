"""The built-in recognizers and the default registry that holds them all."""

from __future__ import annotations

from .credentials import SecretRecognizer
from .network import EmailRecognizer, IpRecognizer
from .numeric import CardRecognizer, CnIdRecognizer, IbanRecognizer, PhoneRecognizer
from .registry import Finding, Recognizer, RecognizerRegistry, resolve_overlaps

__all__ = [
    "BUILTIN_ENTITIES",
    "CardRecognizer",
    "CnIdRecognizer",
    "EmailRecognizer",
    "Finding",
    "IbanRecognizer",
    "IpRecognizer",
    "PhoneRecognizer",
    "Recognizer",
    "RecognizerRegistry",
    "SecretRecognizer",
    "default_registry",
    "resolve_overlaps",
]

#: Entity types the built-in recognizers produce.
BUILTIN_ENTITIES: tuple[str, ...] = ("CN_ID", "PHONE", "EMAIL", "CARD", "IBAN", "IP", "SECRET")


def default_registry(legacy_cn_id: bool = False) -> RecognizerRegistry:
    """A registry with every built-in recognizer (the legacy 15-digit ID form if asked)."""
    registry = RecognizerRegistry()
    for recognizer in (
        SecretRecognizer(),
        CnIdRecognizer(legacy=legacy_cn_id),
        CardRecognizer(),
        IbanRecognizer(),
        PhoneRecognizer(),
        EmailRecognizer(),
        IpRecognizer(),
    ):
        registry.register(recognizer)
    return registry
