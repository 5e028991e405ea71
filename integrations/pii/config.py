"""The ``pii:`` configuration section: which entity types are on and which policy each uses."""

from __future__ import annotations

from typing import Any

import phonenumbers
import voluptuous as vol

from .context import DEFAULT_THRESHOLD
from .national import DEFAULT_REGIONS
from .policies import DEFAULT_MASK, FALLBACK_MASK, POLICIES
from .recognizers import BUILTIN_ENTITIES
from .registry import ENTITY_NAME

__all__ = ["CONFIG_SCHEMA", "ENTITY_SCHEMA", "DEFAULT_VAULT_TTL"]

DEFAULT_VAULT_TTL = 86400


def _entity_name(value: Any) -> str:
    """An entity type is upper case, like CN_ID or PHONE."""
    if not isinstance(value, str) or not ENTITY_NAME.fullmatch(value):
        raise vol.Invalid(
            f"entity type {value!r} is not valid; expected an upper-case name such as "
            f"{', '.join(BUILTIN_ENTITIES)}"
        )
    return value


def _policy(value: Any) -> str:
    """One of the known policies."""
    if value not in POLICIES:
        raise vol.Invalid(f"policy {value!r} is not known; expected one of {', '.join(POLICIES)}")
    return value


_COUNT = vol.All(int, vol.Range(min=0, max=64, msg="expected a whole number from 0 to 64"))

ENTITY_SCHEMA = vol.Schema(
    {
        vol.Optional("enabled", default=True): bool,
        vol.Optional("policy", default="placeholder"): _policy,
        vol.Optional("keep_head"): _COUNT,
        vol.Optional("keep_tail"): _COUNT,
        vol.Optional("mask_char", default="*"): vol.All(
            str, vol.Length(min=1, max=1, msg="expected a single character")
        ),
        vol.Optional("hash_length", default=8): vol.All(
            int, vol.Range(min=4, max=64, msg="expected a whole number from 4 to 64")
        ),
        vol.Optional("threshold", default=DEFAULT_THRESHOLD): vol.All(
            vol.Coerce(float), vol.Range(min=0.0, max=1.0, msg="expected a confidence from 0 to 1")
        ),
    }
)


def _entity_shorthand(value: Any) -> Any:
    """An entity entry may be a mapping, a bare policy name, true/false, or empty."""
    if value is None or value is True:
        return {}
    if value is False:
        return {"enabled": False}
    if isinstance(value, str):
        return {"policy": value}
    return value


def _section(value: Any) -> dict[str, Any]:
    """The section itself: empty means all defaults; empty keys take their defaults."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise vol.Invalid(f"expected a mapping for the pii section, got {type(value).__name__}")
    return {k: v for k, v in value.items() if v is not None}


def _fill_entities(config: dict[str, Any]) -> dict[str, Any]:
    """Every built-in entity type gets an entry (enabled, placeholder) and its mask shape."""
    entities = {name: dict(options) for name, options in config["entities"].items()}
    for entity in BUILTIN_ENTITIES:
        entities.setdefault(entity, ENTITY_SCHEMA({}))
    for entity, options in entities.items():
        head, tail = DEFAULT_MASK.get(entity, FALLBACK_MASK)
        options.setdefault("keep_head", head)
        options.setdefault("keep_tail", tail)
    return {**config, "entities": entities}


# Codes people write for a region whose ISO 3166 code (libphonenumber's) is another.
_REGION_ALIASES = {"UK": "GB", "EN": "GB", "EL": "GR", "JA": "JP", "KO": "KR", "ZH": "CN"}


def _phone_region(region: str) -> str:
    """A region libphonenumber has numbering plans for: a code it does not know would find nothing."""
    if region in phonenumbers.SUPPORTED_REGIONS:
        return region
    alias = _REGION_ALIASES.get(region)
    hint = f" (did you mean {alias}?)" if alias else ""
    raise vol.Invalid(f"unknown region {region!r}{hint}: expected a two-letter ISO 3166 region code such as US or GB")


CONFIG_SCHEMA = vol.All(
    _section,
    vol.Schema(
        {
            vol.Optional("entities", default=dict): {
                _entity_name: vol.All(_entity_shorthand, ENTITY_SCHEMA)
            },
            vol.Optional("legacy_cn_id", default=False): bool,
            vol.Optional("phone_regions", default=list(DEFAULT_REGIONS)): vol.All(
                [vol.All(str, vol.Upper, _phone_region)], vol.Length(min=1, msg="list at least one region")),
            vol.Optional("vault_ttl", default=DEFAULT_VAULT_TTL): vol.All(
                int, vol.Range(min=1, msg="expected a number of seconds greater than 0")
            ),
            vol.Optional("mask_outbound", default=list): [str],
        }
    ),
    _fill_entities,
)
"""Validate the ``pii:`` section and return it with every default filled in."""
