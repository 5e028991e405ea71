"""PII desensitization: recognizers with validation, reversible placeholders, masking in logs."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from core import events
from core.hookspecs import hookimpl
from integrations.pii import hookspecs
from integrations.pii.config import CONFIG_SCHEMA
from integrations.pii.engine import PiiSanitizer
from integrations.pii.national import DEFAULT_REGIONS
from integrations.pii.recognizers import default_registry
from integrations.pii.vault import StoredVault

__all__ = ["CONFIG_SCHEMA", "HOOKSPECS"]
HOOKSPECS = hookspecs
DOMAIN = "pii"
HASH_KEY = "hash_key"
_LOGGER = logging.getLogger(__name__)


async def device_hash_key(gateway: Any) -> bytes:
    """The keyed-hash secret of this device, kept (encrypted) in the store's state."""
    storage = gateway.storage(DOMAIN)
    key = await storage.get(HASH_KEY)
    if not key:
        key = secrets.token_bytes(32)
        await storage.set(HASH_KEY, key)
    return key if isinstance(key, bytes) else bytes(key, "latin-1")


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any]) -> Any:
    """Build the sanitizer on an encrypted vault in Roost's store and put it in the model and log paths."""
    return _setup(gateway, config)


async def _setup(gateway: Any, config: dict[str, Any]) -> None:
    registry = default_registry(legacy_cn_id=config.get("legacy_cn_id", False),
                                phone_regions=config.get("phone_regions") or DEFAULT_REGIONS)
    for extra in gateway.call_hooks("roost_recognizers"):
        for recognizer in extra or ():
            registry.register(recognizer)
    unfound = sorted(set(config.get("entities", {})) - set(registry.entities))
    if unfound:  # a misspelt type ("EMIAL: hash") would otherwise leave the real one on its default
        _LOGGER.warning("pii: no recognizer finds %s, configured under pii: entities (the types found are %s)",
                        ", ".join(unfound), ", ".join(registry.entities))
    vault = StoredVault(gateway.storage(DOMAIN))
    sanitizer = PiiSanitizer(config, vault, await device_hash_key(gateway), registry=registry,
                             on_findings=lambda counts: gateway.bus.fire(events.SANITIZER_FINDINGS, {"counts": counts}))
    gateway.data[DOMAIN] = sanitizer
    gateway.register_sanitizer(sanitizer)
