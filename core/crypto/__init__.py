"""Encryption at rest: device-bound key ring, per-value AES-256-GCM, key export and import."""

from __future__ import annotations

from core.crypto.cipher import OVERHEAD, Cipher, NullCipher, key_id_of
from core.crypto.errors import (
    CryptoError,
    DecryptError,
    DeviceMismatchError,
    FingerprintError,
    KeyFileError,
    PassphraseError,
)
from core.crypto.export import export_keys, import_keys
from core.crypto.fingerprint import ENV_DEVICE_ID, DeviceIdentity, device_fingerprint, read_identity
from core.crypto.keyfile import (
    ENV_PASSPHRASE,
    KEY_FILE_NAME,
    DataKey,
    KeyRing,
    load_or_create,
    open_key_file,
)
from core.crypto.private_file import write_private_file

__all__ = [
    "ENV_DEVICE_ID",
    "ENV_PASSPHRASE",
    "KEY_FILE_NAME",
    "OVERHEAD",
    "Cipher",
    "CryptoError",
    "DataKey",
    "DecryptError",
    "DeviceIdentity",
    "DeviceMismatchError",
    "FingerprintError",
    "KeyFileError",
    "KeyRing",
    "NullCipher",
    "PassphraseError",
    "device_fingerprint",
    "export_keys",
    "import_keys",
    "key_id_of",
    "load_or_create",
    "open_key_file",
    "read_identity",
    "write_private_file",
]
