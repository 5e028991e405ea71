"""The built-in recognizers and the default registry that holds them all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .accounts import BankAccountRecognizer
from .addresses import AddressRecognizer
from .birth_dates import BirthDateRecognizer
from .contact_cards import CardAddressRecognizer, CardBirthdayRecognizer, CardNameRecognizer
from .context import DEFAULT_THRESHOLD
from .coordinates import CoordinatesRecognizer
from .credentials import SecretRecognizer
from .device_owners import DeviceOwnerRecognizer
from .devices import ImeiRecognizer, MacAddressRecognizer
from .documents import PassportRecognizer, TravelPermitRecognizer
from .id_numbers import LabelledIdRecognizer, NationalIdRecognizer
from .login_names import LoginNameRecognizer
from .names import PersonRecognizer
from .national import DEFAULT_REGIONS, NationalPhoneRecognizer, SsnRecognizer
from .network import EmailRecognizer, IpRecognizer
from .numeric import CardRecognizer, CnIdRecognizer, IbanRecognizer, PhoneRecognizer
from .password_hashes import PasswordHashRecognizer
from .phone_links import PhoneLinkRecognizer
from .plates import PlateRecognizer
from .registry import Finding, Recognizer, RecognizerRegistry, resolve_overlaps
from .street_addresses import StreetAddressRecognizer
from .wallets import CryptoRecognizer

__all__ = [
    "BUILTIN_ENTITIES",
    "AddressRecognizer",
    "BankAccountRecognizer",
    "BirthDateRecognizer",
    "CardAddressRecognizer",
    "CardBirthdayRecognizer",
    "CardNameRecognizer",
    "CardRecognizer",
    "CnIdRecognizer",
    "CoordinatesRecognizer",
    "CryptoRecognizer",
    "DeviceOwnerRecognizer",
    "EmailRecognizer",
    "Finding",
    "IbanRecognizer",
    "ImeiRecognizer",
    "IpRecognizer",
    "LabelledIdRecognizer",
    "LoginNameRecognizer",
    "MacAddressRecognizer",
    "NationalIdRecognizer",
    "NationalPhoneRecognizer",
    "PassportRecognizer",
    "PasswordHashRecognizer",
    "PersonRecognizer",
    "PhoneLinkRecognizer",
    "PhoneRecognizer",
    "PlateRecognizer",
    "Recognizer",
    "RecognizerRegistry",
    "SecretRecognizer",
    "SsnRecognizer",
    "StreetAddressRecognizer",
    "TravelPermitRecognizer",
    "default_registry",
    "resolve_overlaps",
]

#: Entity types the built-in recognizers produce.
BUILTIN_ENTITIES: tuple[str, ...] = ("CN_ID", "PHONE", "EMAIL", "CARD", "IBAN", "IP", "SECRET", "SSN", "PASSPORT",
                                     "TRAVEL_PERMIT", "PERSON", "DATE_OF_BIRTH", "ADDRESS", "NATIONAL_ID", "CRYPTO",
                                     "BANK_ACCOUNT", "DEVICE_ID", "COORDINATES",
                                     "VEHICLE_PLATE", "USERNAME")


def default_registry(legacy_cn_id: bool = False, phone_regions: Sequence[str] = DEFAULT_REGIONS,
                     thresholds: Mapping[str, float] | None = None) -> RecognizerRegistry:
    """A registry with every built-in recognizer (the legacy 15-digit ID form if asked; national phone
    numbers of phone_regions, the first one's surer; travel documents searched as thresholds need)."""
    limits = thresholds or {}
    registry = RecognizerRegistry()
    for recognizer in (
        SecretRecognizer(),
        PasswordHashRecognizer(),
        CnIdRecognizer(legacy=legacy_cn_id),
        CardRecognizer(),
        IbanRecognizer(),
        PhoneRecognizer(),
        NationalPhoneRecognizer(phone_regions),
        PhoneLinkRecognizer(),
        SsnRecognizer(),
        NationalIdRecognizer(),
        LabelledIdRecognizer(),
        PassportRecognizer(limits.get("PASSPORT", DEFAULT_THRESHOLD)),
        TravelPermitRecognizer(limits.get("TRAVEL_PERMIT", DEFAULT_THRESHOLD)),
        EmailRecognizer(),
        IpRecognizer(),
        PersonRecognizer(),
        DeviceOwnerRecognizer(),
        CardNameRecognizer(),
        BirthDateRecognizer(),
        CardBirthdayRecognizer(),
        AddressRecognizer(),
        CardAddressRecognizer(),
        StreetAddressRecognizer(),
        CryptoRecognizer(),
        BankAccountRecognizer(),
        MacAddressRecognizer(),
        ImeiRecognizer(),
        CoordinatesRecognizer(),
        PlateRecognizer(),
        LoginNameRecognizer(),
    ):
        registry.register(recognizer)
    return registry
