"""Sealing the device secret with the TPM 2.0, where the device has one (tpm2-tools does the talking).

A sealed secret is two files (the TPM's public and encrypted private parts) that only this TPM
can load, under a storage key it derives from its own seed: copied to another machine, even
with the whole disk, they open nowhere. Which TPM: ``$ROOST_TPM_TCTI`` when set (a tpm2-tss
TCTI string such as ``swtpm:host=127.0.0.1,port=2321``; ``none`` turns the TPM off), else
``/dev/tpmrm0`` when it exists. Every call runs tpm2-tools programs: call from a thread.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from core.crypto.errors import DeviceMismatchError, KeyFileError

ENV_TCTI = "ROOST_TPM_TCTI"
DEVICE = "/dev/tpmrm0"
TOOLS = ("tpm2_createprimary", "tpm2_create", "tpm2_load", "tpm2_unseal", "tpm2_flushcontext")
# The storage key is made again from the owner hierarchy's seed each time (the same template
# gives the same key); ECC P-256 because an RSA primary takes seconds on a hardware TPM.
PRIMARY = ("tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256", "-c", "primary.ctx")
TIMEOUT = 30.0


def tcti() -> str | None:
    """The TCTI of the TPM to use, or None when there is none (or tpm2-tools is missing)."""
    chosen = os.environ.get(ENV_TCTI)
    if chosen == "none":
        return None
    if not chosen:
        if not os.path.exists(DEVICE):
            return None
        chosen = f"device:{DEVICE}"
    if not all(shutil.which(tool) for tool in TOOLS):
        return None
    return chosen


def seal(secret: bytes, public: Path, private: Path, where: str) -> None:
    """Seal secret with the TPM at where (a TCTI) into the public and private files."""
    with tempfile.TemporaryDirectory(prefix="roost-tpm-") as work:
        Path(work, "secret").write_bytes(secret)
        _tools(where, work, [list(PRIMARY), ["tpm2_create", "-Q", "-C", "primary.ctx", "-i", "secret",
                                             "-u", "seal.pub", "-r", "seal.priv"]])
        for name, target in (("seal.pub", public), ("seal.priv", private)):
            data = Path(work, name).read_bytes()
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)


def unseal(public: Path, private: Path, where: str) -> bytes:
    """The secret sealed in the public and private files; DeviceMismatchError when this TPM cannot open it."""
    with tempfile.TemporaryDirectory(prefix="roost-tpm-") as work:
        shutil.copyfile(public, Path(work, "seal.pub"))
        shutil.copyfile(private, Path(work, "seal.priv"))
        try:
            _tools(where, work, [list(PRIMARY),
                                 ["tpm2_load", "-Q", "-C", "primary.ctx", "-u", "seal.pub", "-r", "seal.priv",
                                  "-c", "seal.ctx"],
                                 ["tpm2_unseal", "-c", "seal.ctx", "-o", "secret"]])
        except KeyFileError as err:
            raise DeviceMismatchError(
                f"the TPM ({where}) cannot unseal this device's secret ({private}): it was sealed by another"
                f" TPM, or the TPM was cleared ({err})"
            ) from None
        return Path(work, "secret").read_bytes()


def _tools(where: str, work: str, steps: list[list[str]]) -> None:
    """Run tpm2-tools steps in work, flushing transient objects after each (a TPM holds only a few)."""
    env = {**os.environ, "TPM2TOOLS_TCTI": where, "TSS2_LOG": "all+none"}
    flush = ["tpm2_flushcontext", "-t"]
    for step in steps:
        for argv in (step, flush):
            try:
                done = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=TIMEOUT)
            except (OSError, subprocess.TimeoutExpired) as err:
                raise KeyFileError(f"the TPM ({where}) did not answer {argv[0]}: {err}") from None
            if done.returncode != 0:
                detail = " ".join(done.stderr.split())[:300] or f"exit code {done.returncode}"
                raise KeyFileError(f"{argv[0]} failed: {detail}")
