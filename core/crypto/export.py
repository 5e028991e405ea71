"""Key exports: the key ring wrapped by a passphrase alone, to move Roost to another device.

An export is bound to no device: whoever has the file and the passphrase has the keys, so
its scrypt cost is higher than the key file's (n=2^15, 32 MiB) and the passphrase must not
be empty. Importing rewraps the keys for the importing device.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from core.crypto.envelope import b64, parse, seal, unseal
from core.crypto.errors import DeviceMismatchError, KeyFileError, PassphraseError
from core.crypto.kdf import INFO_KEY_EXPORT, SALT_BYTES, ScryptParams, derive_key, passphrase_bytes
from core.crypto.keyfile import (
    KEY_FILE_NAME,
    KeyRing,
    create_key_file,
    env_passphrase,
    now_iso,
    open_key_file,
    parse_ring_payload,
)
from core.crypto.strength import require_strong

_LOGGER = logging.getLogger(__name__)

EXPORT_FORMAT = "roost-key-export"
EXPORT_VERSION = 1
EXPORT_PARAMS = ScryptParams(n=2**15, r=8, p=1)


def export_keys(keyring: KeyRing, passphrase: str) -> bytes:
    """Every key of `keyring`, wrapped under `passphrase` only, as a portable file's bytes."""
    require_strong(passphrase)  # whoever has the file can try passphrases offline, unthrottled
    salt = secrets.token_bytes(SALT_BYTES)
    key = derive_key(passphrase_bytes(passphrase), salt, EXPORT_PARAMS, INFO_KEY_EXPORT)
    header = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "created": now_iso(),
        "kdf": EXPORT_PARAMS.to_json(),
        "salt": b64(salt),
        "key_id": keyring.current_id,
        "key_ids": sorted(keyring.key_ids),
    }
    return seal(header, keyring.payload(), key)


def import_keys(
    data: bytes,
    passphrase: str,
    config_dir: str | os.PathLike[str],
    *,
    device_passphrase: str | None = None,
) -> KeyRing:
    """Open an export with `passphrase` and store its keys in `config_dir` for this device.

    If the directory's key file opens here, the imported keys join it (the imported current
    key becomes current). If it does not (typically the old device's key file copied along
    with roost.db), it is renamed to `keys.json.replaced-<time>` and a new one is written.
    `device_passphrase=None` means `ROOST_PASSPHRASE`.
    """
    where = "key export"
    envelope = parse(data, where, EXPORT_FORMAT, EXPORT_VERSION)
    if not passphrase:
        raise PassphraseError("the key export's passphrase is required to import it")
    key = derive_key(passphrase_bytes(passphrase), envelope.salt, envelope.params, INFO_KEY_EXPORT)
    payload = unseal(envelope, key)
    if payload is None:
        raise PassphraseError(
            "wrong passphrase for this key export (or the file was altered): use the "
            "passphrase given to `roost keys export --passphrase` on the old device"
        )
    imported, current = parse_ring_payload(payload, where)
    device_passphrase = device_passphrase if device_passphrase is not None else env_passphrase()
    path = Path(config_dir) / KEY_FILE_NAME
    if path.exists():
        try:
            ring = open_key_file(path, device_passphrase)
        except (DeviceMismatchError, KeyFileError) as err:
            aside = path.with_name(f"{KEY_FILE_NAME}.replaced-{now_iso().replace(':', '')}")
            os.replace(path, aside)
            _LOGGER.warning(
                "%s does not open on this device (%s); moved it to %s", path, err, aside
            )
        else:
            ring.merge(imported, current)
            return ring
    return create_key_file(path, imported, current, device_passphrase)
