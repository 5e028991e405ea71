"""The device secret: 32 random bytes kept outside the configuration directory, mixed into the key wrapping.

The machine id and a MAC address can be read by any local user and typed into another
machine; a random secret that lives only on this device, readable only by Roost's user, cannot.
A copy of the configuration directory (a backup, a stolen SD card image of that folder alone)
therefore does not open without it. It lives in Roost's state directory:

- ``$ROOST_STATE_DIR`` when set (containers: mount it as a volume that outlives the container);
- ``/var/lib/roost`` when Roost runs as root;
- otherwise ``$XDG_STATE_HOME/roost`` (``~/.local/state/roost``).

Where the device has a TPM 2.0 (core.crypto.tpm), a new secret is sealed by it instead of being
written in the clear: then not even a copy of the whole disk opens the key file elsewhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from core.crypto import tpm
from core.crypto.errors import DeviceMismatchError, KeyFileError

_LOGGER = logging.getLogger(__name__)
ENV_STATE_DIR = "ROOST_STATE_DIR"
SECRET_FILE = "device-secret"
SEALED_PUBLIC = "device-secret.tpm-public"
SEALED_PRIVATE = "device-secret.tpm-private"
SECRET_BYTES = 32


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where Roost keeps what belongs to this device rather than to one configuration."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_STATE_DIR):
        return Path(environ[ENV_STATE_DIR]).expanduser()
    if os.geteuid() == 0:
        return Path("/var/lib/roost")
    base = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "roost"


def secret_path() -> Path:
    """The device secret's file (its TPM-sealed private part when it is sealed)."""
    sealed = state_dir() / SEALED_PRIVATE
    return sealed if sealed.exists() else state_dir() / SECRET_FILE


def device_secret(*, create: bool) -> bytes:
    """This device's secret; made now when create is true and there is none (never for an existing key file)."""
    folder = state_dir()
    public, private = folder / SEALED_PUBLIC, folder / SEALED_PRIVATE
    if private.exists():
        where = tpm.tcti()
        if where is None:
            raise DeviceMismatchError(
                f"this device's secret is sealed by a TPM ({private}), and no TPM is reachable here ({tpm.DEVICE},"
                f" or {tpm.ENV_TCTI}; tpm2-tools must be installed)"
            )
        return tpm.unseal(public, private, where)
    path = folder / SECRET_FILE
    if not path.exists():
        if not create:
            raise DeviceMismatchError(
                f"the device secret {path} is missing, and the key file needs it: this is another device, or"
                f" the secret was deleted (it cannot be made again). Restore {path} from where it was, or set"
                f" {ENV_STATE_DIR} to the folder holding it."
            )
        sealed = _create_sealed(public, private)
        if sealed is not None:
            return sealed
        _create(path)
    try:
        data = path.read_bytes()
        mode = path.stat().st_mode
    except OSError as err:
        raise KeyFileError(f"cannot read the device secret {path}: {err.strerror or err}") from err
    if len(data) != SECRET_BYTES:
        raise KeyFileError(f"{path} is not a Roost device secret ({len(data)} bytes; {SECRET_BYTES} expected)")
    if stat.S_IMODE(mode) & 0o077:
        _LOGGER.warning("The device secret %s was readable by others (mode %o); setting it to 0600", path, mode)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    return data


def _create_sealed(public: Path, private: Path) -> bytes | None:
    """A new secret sealed by this device's TPM; None when there is no TPM (or it refused)."""
    where = tpm.tcti()
    if where is None:
        return None
    secret = secrets.token_bytes(SECRET_BYTES)
    try:
        public.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        public.unlink(missing_ok=True)  # left by a crash between the two files
        tpm.seal(secret, public, private, where)
    except FileExistsError:  # another process sealed one first: use that
        return tpm.unseal(public, private, where)
    except (KeyFileError, OSError) as err:
        for part in (public, private):
            part.unlink(missing_ok=True)
        _LOGGER.warning("The TPM (%s) could not seal the device secret (%s); keeping it in a file instead", where, err)
        return None
    _LOGGER.info("Sealed this device's secret with the TPM (%s) in %s", where, public.parent)
    return secret


def _create(path: Path) -> None:
    """Write a new random secret, mode 0600, in a folder only its owner can enter (a racing writer wins)."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as err:
        raise KeyFileError(
            f"cannot create the device secret {path}: {err.strerror or err} (set {ENV_STATE_DIR} to a"
            " folder Roost's user may write, outside the configuration directory)"
        ) from err
    try:
        os.write(fd, secrets.token_bytes(SECRET_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    _LOGGER.info("Created this device's secret at %s: keep it with the device, not with the configuration", path)
