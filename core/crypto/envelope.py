"""Sealed JSON files: a readable header, authenticated, and an AES-256-GCM wrapped payload.

Used by the key file and by key exports. The header (everything but `nonce` and `wrapped`)
is the associated data, serialised with sorted keys, so changing any header field (the kdf
parameters, the salt, the passphrase flag, ...) makes the file fail to open instead of
silently changing its meaning.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.crypto.errors import KeyFileError
from core.crypto.kdf import SALT_BYTES, ScryptParams

MAX_FILE_BYTES = 1 << 20
NONCE_BYTES = 12


@dataclass(frozen=True)
class Envelope:
    """A parsed sealed file: its header, kdf parameters, salt, nonce and wrapped payload."""

    header: dict[str, Any]
    params: ScryptParams
    salt: bytes
    nonce: bytes
    wrapped: bytes


def b64(data: bytes) -> str:
    """Standard base64 text of `data`."""
    return base64.b64encode(data).decode("ascii")


def unb64(value: Any, field: str, where: str, size: int | None = None) -> bytes:
    """Decode a base64 field, checking its type and (optionally) its decoded size."""
    if not isinstance(value, str):
        raise KeyFileError(f"{where}: field {field!r} must be a base64 string")
    try:
        data = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as err:
        raise KeyFileError(f"{where}: field {field!r} is not valid base64") from err
    if size is not None and len(data) != size:
        raise KeyFileError(f"{where}: field {field!r} must decode to {size} bytes, got {len(data)}")
    return data


def associated_data(header: dict[str, Any]) -> bytes:
    """The header as associated data: canonical JSON with sorted keys."""
    return orjson.dumps(header, option=orjson.OPT_SORT_KEYS)


def seal(header: dict[str, Any], payload: bytes, key: bytes) -> bytes:
    """Wrap `payload` under `key` and return the whole file's bytes (pretty JSON)."""
    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(key).encrypt(nonce, payload, associated_data(header))
    doc = dict(header, nonce=b64(nonce), wrapped=b64(wrapped))
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def parse(data: bytes, where: str, file_format: str, version: int) -> Envelope:
    """Parse a sealed file of the expected format; KeyFileError says what is wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise KeyFileError(f"{where}: {len(data)} bytes is too large for a key file")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise KeyFileError(f"{where}: not valid JSON ({err}); the file is corrupt") from err
    if not isinstance(doc, dict):
        raise KeyFileError(f"{where}: expected a JSON object, got {type(doc).__name__}")
    if doc.get("format") != file_format:
        raise KeyFileError(f"{where}: expected format {file_format!r}, got {doc.get('format')!r}")
    if doc.get("version") != version:
        raise KeyFileError(
            f"{where}: unsupported version {doc.get('version')!r} (this Roost reads version {version})"
        )
    header = {k: v for k, v in doc.items() if k not in ("nonce", "wrapped")}
    return Envelope(
        header=header,
        params=ScryptParams.from_json(doc.get("kdf"), where),
        salt=unb64(doc.get("salt"), "salt", where, SALT_BYTES),
        nonce=unb64(doc.get("nonce"), "nonce", where, NONCE_BYTES),
        wrapped=unb64(doc.get("wrapped"), "wrapped", where),
    )


def unseal(envelope: Envelope, key: bytes) -> bytes | None:
    """The payload, or None when the key is wrong or the file was altered."""
    try:
        return AESGCM(key).decrypt(
            envelope.nonce, envelope.wrapped, associated_data(envelope.header)
        )
    except InvalidTag:
        return None
