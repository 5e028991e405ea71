"""The built-in recognizers and the default registry that holds them all."""

from __future__ import annotations

from collections.abc import Sequence

from .credentials import SecretRecognizer
from .national import DEFAULT_REGIONS, NationalPhoneRecognizer, SsnRecognizer
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
    "NationalPhoneRecognizer",
    "PhoneRecognizer",
    "Recognizer",
    "RecognizerRegistry",
    "SecretRecognizer",
    "SsnRecognizer",
    "default_registry",
    "resolve_overlaps",
]

#: Entity types the built-in recognizers produce.
BUILTIN_ENTITIES: tuple[str, ...] = ("CN_ID", "PHONE", "EMAIL", "CARD", "IBAN", "IP", "SECRET", "SSN")


def default_registry(legacy_cn_id: bool = False, phone_regions: Sequence[str] = DEFAULT_REGIONS) -> RecognizerRegistry:
    """A registry with every built-in recognizer (the legacy 15-digit ID form if asked; national phone
    numbers of phone_regions, the first one needing no context)."""
    registry = RecognizerRegistry()
    for recognizer in (
        SecretRecognizer(),
        CnIdRecognizer(legacy=legacy_cn_id),
        CardRecognizer(),
        IbanRecognizer(),
        PhoneRecognizer(),
        NationalPhoneRecognizer(phone_regions),
        SsnRecognizer(),
        EmailRecognizer(),
        IpRecognizer(),
    ):
        registry.register(recognizer)
    return registry
