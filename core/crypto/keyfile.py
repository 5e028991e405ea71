"""The key ring: random 256-bit data keys, wrapped in a key file bound to this device.

File `keys.json` in the config directory, mode 0600, JSON:

    format, version, created, updated     what and when
    kdf {name, n, r, p}, salt              scrypt parameters and a 16-byte salt per file
    device                                 name of the hardware source in the fingerprint
    device_secret                          whether the device secret is part of the wrapping key
    passphrase                             whether a passphrase is part of the wrapping key
    key_id, key_ids                        the current data key's id and all ids in the ring
    nonce, wrapped                         AES-256-GCM of the key ring (all data keys)

Wrapping key = HKDF-SHA256(scrypt(fingerprint || device secret || passphrase, salt),
info="roost key wrap v1"). The device secret (core.crypto.device_secret) lives outside the
configuration directory; a key file written before it existed is rewrapped with it when opened.
Every header field is authenticated (it is the associated data), and the raw data keys only
ever appear inside `wrapped`.

Loading runs scrypt (about 50 ms, 16 MiB) and file I/O: from async code, call it through
`asyncio.to_thread`. The same goes for `rotate` and `retire`, which rewrite the file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from core.crypto.device_secret import device_secret, secret_path
from core.crypto.envelope import b64, parse, seal, unb64, unseal
from core.crypto.errors import (
    CryptoError,
    DeviceMismatchError,
    FingerprintError,
    KeyFileError,
    PassphraseError,
)
from core.crypto.fingerprint import ENV_DEVICE_ID, SOURCE_ENV, read_identity
from core.crypto.kdf import INFO_KEY_WRAP, SALT_BYTES, ScryptParams, derive_key, passphrase_bytes
from core.crypto.private_file import write_private_file
from core.crypto.strength import require_strong

_LOGGER = logging.getLogger(__name__)

KEY_FILE_NAME = "keys.json"
KEY_FILE_FORMAT = "roost-keyfile"
KEY_FILE_VERSION = 1
ENV_PASSPHRASE = "ROOST_PASSPHRASE"
KEY_BYTES = 32
MOVE_HINT = (
    "To move Roost to this device on purpose, run `roost keys export --passphrase` on the "
    "old device and `roost keys import FILE` on this one."
)


@dataclass(frozen=True)
class DataKey:
    """One 256-bit data key and its 32-bit id (the id is written into every ciphertext)."""

    id: int
    key: bytes = field(repr=False)
    created: str


@dataclass
class _Wrapping:
    """How a key ring is stored: where, under which key, with which header values."""

    path: Path
    key: bytes = field(repr=False)
    salt: bytes
    params: ScryptParams
    device: str
    passphrase: bool
    created: str
    bound: bool = True


def now_iso() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def env_passphrase() -> str | None:
    """The passphrase from `ROOST_PASSPHRASE`, or None when unset or empty."""
    return os.environ.get(ENV_PASSPHRASE) or None


def new_data_key(taken: set[int] | dict[int, Any] = frozenset()) -> DataKey:
    """A fresh random data key with a random non-zero id not in `taken`."""
    while True:
        key_id = secrets.randbits(32)
        if key_id and key_id not in taken:
            return DataKey(key_id, secrets.token_bytes(KEY_BYTES), now_iso())


class KeyRing:
    """The current data key plus older keys that still decrypt existing values."""

    def __init__(self, keys: list[DataKey], current: int, wrapping: _Wrapping | None = None):
        self._keys = {k.id: k for k in keys}
        if current not in self._keys:
            raise KeyFileError(f"current key id {current} is not among the ring's keys")
        self._current = current
        self._wrapping = wrapping
        self._lock = threading.Lock()
        self.generation = 0

    def __repr__(self) -> str:
        return f"KeyRing(current={self._current}, key_ids={self.key_ids}, path={self.path})"

    @property
    def path(self) -> Path | None:
        """The key file this ring is stored in (None for a ring only in memory)."""
        return self._wrapping.path if self._wrapping else None

    @property
    def current_id(self) -> int:
        """The id of the key that encrypts new values."""
        return self._current

    @property
    def key_ids(self) -> tuple[int, ...]:
        """All key ids in the ring, oldest first."""
        return tuple(k.id for k in sorted(self._keys.values(), key=lambda k: k.created))

    def keys(self) -> tuple[DataKey, ...]:
        """All data keys, oldest first."""
        return tuple(self._keys[i] for i in self.key_ids)

    def key(self, key_id: int) -> bytes:
        """The raw key bytes for `key_id`; KeyError if the ring does not hold it."""
        return self._keys[key_id].key

    def rotate(self) -> int:
        """Make a new current key, keep the old ones, persist, and return the new id.

        The file is written before the new key is used, so no value is ever encrypted under
        a key that a crash could lose.
        """
        with self._lock:
            fresh = new_data_key(self._keys)
            keys = dict(self._keys)
            keys[fresh.id] = fresh
            self._persist(keys, fresh.id)
            self._keys, self._current = keys, fresh.id
            self.generation += 1
            return fresh.id

    def retire(self, key_id: int) -> None:
        """Drop an old key (after every value under it was re-encrypted) and persist."""
        with self._lock:
            if key_id == self._current:
                raise CryptoError(f"key {key_id} is the current key: rotate before retiring it")
            if key_id not in self._keys:
                raise CryptoError(f"key {key_id} is not in the key ring (ids: {self.key_ids})")
            keys = {i: k for i, k in self._keys.items() if i != key_id}
            self._persist(keys, self._current)
            self._keys = keys
            self.generation += 1

    def merge(self, keys: list[DataKey], current: int) -> None:
        """Add `keys` (an import) to the ring, make `current` the current key, and persist."""
        with self._lock:
            merged = dict(self._keys)
            for k in keys:
                if k.id in merged and merged[k.id].key != k.key:
                    raise KeyFileError(
                        f"key id {k.id} is already in {self.path} with different key material; "
                        "refusing to merge"
                    )
                merged.setdefault(k.id, k)
            if current not in merged:
                raise KeyFileError(f"current key id {current} is not among the merged keys")
            self._persist(merged, current)
            self._keys, self._current = merged, current
            self.generation += 1

    def payload(self) -> bytes:
        """The ring as the plaintext JSON that key files and exports wrap."""
        return ring_payload(list(self._keys.values()), self._current)

    def _persist(self, keys: dict[int, DataKey], current: int) -> None:
        """Rewrite the key file atomically with these keys (no-op for an in-memory ring)."""
        if self._wrapping is not None:
            data = _seal_ring(self._wrapping, list(keys.values()), current)
            write_private_file(self._wrapping.path, data, overwrite=True)


def ring_payload(keys: list[DataKey], current: int) -> bytes:
    """Serialise data keys (the secret part of key files and exports)."""
    return orjson.dumps(
        {
            "current": current,
            "keys": [{"id": k.id, "key": b64(k.key), "created": k.created} for k in keys],
        }
    )


def parse_ring_payload(data: bytes, where: str) -> tuple[list[DataKey], int]:
    """Parse a decrypted key ring payload back into keys and the current id."""
    try:
        doc = orjson.loads(data)
        current = doc["current"]
        keys = [
            DataKey(int(k["id"]), unb64(k["key"], "key", where, KEY_BYTES), str(k["created"]))
            for k in doc["keys"]
        ]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        raise KeyFileError(f"{where}: the wrapped key ring is malformed ({err!r})") from err
    if type(current) is not int or current not in {k.id for k in keys}:
        raise KeyFileError(f"{where}: the current key id {current!r} is not in the key ring")
    return keys, current


def _seal_ring(wrapping: _Wrapping, keys: list[DataKey], current: int) -> bytes:
    """The key file's bytes for these keys under this wrapping."""
    header = {
        "format": KEY_FILE_FORMAT,
        "version": KEY_FILE_VERSION,
        "created": wrapping.created,
        "updated": now_iso(),
        "kdf": wrapping.params.to_json(),
        "salt": b64(wrapping.salt),
        "device": wrapping.device,
        "device_secret": wrapping.bound,
        "passphrase": wrapping.passphrase,
        "key_id": current,
        "key_ids": sorted(k.id for k in keys),
    }
    return seal(header, ring_payload(keys, current), wrapping.key)


def _wrap_secret(fingerprint: bytes, secret: bytes, passphrase: str | None) -> bytes:
    """The scrypt input: the 32-byte fingerprint, the device secret, then the passphrase, if any."""
    return fingerprint + secret + (passphrase_bytes(passphrase) if passphrase else b"")


def new_wrapping(path: Path, passphrase: str | None, created: str | None = None) -> _Wrapping:
    """A wrapping for a new key file bound to this device and its secret (fresh salt)."""
    identity = read_identity()
    salt, params = secrets.token_bytes(SALT_BYTES), ScryptParams()
    secret = device_secret(create=True)
    key = derive_key(_wrap_secret(identity.fingerprint, secret, passphrase), salt, params, INFO_KEY_WRAP)
    return _Wrapping(path, key, salt, params, identity.source, bool(passphrase), created or now_iso())


def create_key_file(
    path: Path, keys: list[DataKey], current: int, passphrase: str | None
) -> KeyRing:
    """Write a new key file for these keys (fails with FileExistsError if one exists)."""
    if passphrase:
        require_strong(passphrase)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    wrapping = new_wrapping(path, passphrase)
    write_private_file(path, _seal_ring(wrapping, keys, current), overwrite=False)
    return KeyRing(keys, current, wrapping)


def load_or_create(config_dir: str | os.PathLike[str], passphrase: str | None = None) -> KeyRing:
    """Open the config directory's key file, or create one with a fresh data key.

    `passphrase=None` means `ROOST_PASSPHRASE` (unset or empty: no passphrase).
    Raises DeviceMismatchError, PassphraseError or KeyFileError with what to do next.
    """
    path = Path(config_dir) / KEY_FILE_NAME
    passphrase = passphrase if passphrase is not None else env_passphrase()
    if not path.exists():
        first = new_data_key()
        try:
            return create_key_file(path, [first], first.id, passphrase)
        except FileExistsError:
            pass  # another process created it first: open that one
    return open_key_file(path, passphrase)


def open_key_file(path: Path, passphrase: str | None) -> KeyRing:
    """Open an existing key file on this device with this passphrase (None: no passphrase)."""
    where = f"key file {path}"
    try:
        data = path.read_bytes()
        mode = path.stat().st_mode
    except OSError as err:
        raise KeyFileError(f"cannot read {where}: {err.strerror or err}") from err
    envelope = parse(data, where, KEY_FILE_FORMAT, KEY_FILE_VERSION)
    header = envelope.header
    device, protected = header.get("device"), header.get("passphrase")
    bound = header.get("device_secret", False)
    if not isinstance(device, str) or not isinstance(protected, bool) or not isinstance(bound, bool):
        raise KeyFileError(f"{where}: fields 'device' (string), 'passphrase' and 'device_secret' (bool) required")
    if protected and not passphrase:
        raise PassphraseError(
            f"{where} is protected by a passphrase: set {ENV_PASSPHRASE} to open it"
        )
    if passphrase and not protected:
        raise PassphraseError(
            f"{where} was created without a passphrase, but {ENV_PASSPHRASE} is set: unset it, "
            f"or protect the keys with one via `roost keys export --passphrase` and "
            f"`roost keys import FILE` with {ENV_PASSPHRASE} set"
        )
    try:
        identity = read_identity(device)
    except FingerprintError as err:
        raise DeviceMismatchError(
            f"cannot open {where}: it is bound to a device identity that is not available "
            f"here ({err}). {MOVE_HINT}"
        ) from err
    secret = device_secret(create=False) if bound else b""
    key = derive_key(
        _wrap_secret(identity.fingerprint, secret, passphrase),
        envelope.salt,
        envelope.params,
        INFO_KEY_WRAP,
    )
    payload = unseal(envelope, key)
    if payload is None:
        why = "on another device" + (" or with another passphrase" if protected else "")
        via = (
            f"; this device's identity comes from {ENV_DEVICE_ID}"
            if identity.source == SOURCE_ENV
            else ""
        )
        secret_hint = f", or with another device secret than {secret_path()}" if bound else ""
        raise DeviceMismatchError(
            f"cannot open {where}: this key file was created {why}{secret_hint} (or it was altered{via}), "
            f"so the data it protects (roost.db) cannot be read here. {MOVE_HINT}"
        )
    keys, current = parse_ring_payload(payload, where)
    if stat.S_IMODE(mode) & 0o077:
        _LOGGER.warning("%s was readable by others (mode %o); setting it to 0600", where, mode)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    if bound:
        wrapping = _Wrapping(path, key, envelope.salt, envelope.params, device, protected, str(header.get("created")))
    else:  # written before the device secret existed: bind it now
        wrapping = new_wrapping(path, passphrase, str(header.get("created")))
        write_private_file(path, _seal_ring(wrapping, keys, current), overwrite=True)
        _LOGGER.warning("%s is now also bound to this device's secret %s (keep that file with the device)",
                        where, secret_path())
    return KeyRing(keys, current, wrapping)
