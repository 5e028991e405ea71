"""manifest.json: read without importing code, validated with errors that say what to fix."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from core.errors import ConfigError
from core.loader import builtin_dir, discover
from core.manifest import KINDS, MANIFEST_FILE, read_manifest
from tests.helpers import write_integration


def read(base: Path, source: str = "config", *, dirname: str = "chan", **manifest: object):
    # The code would stop the test run if reading a manifest ever imported it.
    directory = write_integration(base, dirname, "raise SystemExit('imported!')\n", **manifest)
    return read_manifest(directory, module=f"pkg.{directory.name}", source=source)


def error_of(base: Path, source: str = "config", **manifest: object) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        read(base, source, **manifest)
    return info.value


def test_a_complete_manifest_is_read(tmp_path: Path) -> None:
    manifest = read(
        tmp_path, domain="chan", name="Chat", version="1.2.3", kind="channel",
        dependencies=["store"], after_dependencies=["pii"], requirements=["x>=1"],
        documentation="https://example.invalid/chan", codeowners=["@me"],
    )
    assert (manifest.domain, manifest.name, manifest.version, manifest.kind) == ("chan", "Chat", "1.2.3", "channel")
    assert manifest.dependencies == ("store",)
    assert manifest.after_dependencies == ("pii",)
    assert manifest.requirements == ("x>=1",)
    assert manifest.codeowners == ("@me",)
    assert manifest.documentation == "https://example.invalid/chan"
    assert manifest.module == "pkg.chan" and manifest.source == "config"
    assert manifest.manifest_file == tmp_path / "chan" / MANIFEST_FILE


def test_kind_defaults_to_other_and_lists_to_empty(tmp_path: Path) -> None:
    manifest = read(tmp_path, kind=None)
    assert manifest.kind == "other"
    assert manifest.dependencies == () and manifest.after_dependencies == ()


def test_domain_must_equal_the_folder_name(tmp_path: Path) -> None:
    error = error_of(tmp_path, dirname="chan", domain="channel")
    assert error.file == str(tmp_path / "chan" / MANIFEST_FILE)
    assert error.path == ("domain",)
    assert "'domain' is 'channel' but the integration is named 'chan'" in str(error)


@pytest.mark.parametrize("domain", ["Chan", "chan-2", "2chan", "", None, 5])
def test_domain_must_be_a_lowercase_identifier(tmp_path: Path, domain: object) -> None:
    manifest = {"domain": domain} if domain is not None else {}
    if domain is None:
        directory = tmp_path / "chan"
        directory.mkdir()
        (directory / MANIFEST_FILE).write_text('{"name": "Chan", "version": "1.0"}')
        with pytest.raises(ConfigError) as info:
            read_manifest(directory, module="x", source="config")
        error = info.value
    else:
        error = error_of(tmp_path, **manifest)
    assert error.path == ("domain",)


def test_name_is_required(tmp_path: Path) -> None:
    error = error_of(tmp_path, name=None)
    assert error.path == ("name",)
    assert "'name' is required" in str(error)


@pytest.mark.parametrize("source", ["config", "package"])
def test_version_is_required_for_integrations_not_built_in(tmp_path: Path, source: str) -> None:
    error = error_of(tmp_path, source, version=None)
    assert error.path == ("version",)
    assert "'version' is required" in str(error)


def test_a_built_in_may_leave_version_out(tmp_path: Path) -> None:
    assert read(tmp_path, "builtin", version=None).version is None


@pytest.mark.parametrize("version", ["1", "1.0", "2.10.3", "1.0.0-beta1", "0.1.0.dev3"])
def test_valid_versions(tmp_path: Path, version: str) -> None:
    assert read(tmp_path, version=version).version == version


@pytest.mark.parametrize("version", ["latest", "v1.0", "1..0", "", 1.0, ["1"]])
def test_invalid_versions_are_refused_even_for_built_ins(tmp_path: Path, version: object) -> None:
    for source in ("config", "builtin"):
        error = error_of(tmp_path / source, source, version=version)
        assert error.path == ("version",)
        assert "not a valid version like 1.0.0" in str(error)


def test_unknown_kind_lists_the_known_ones(tmp_path: Path) -> None:
    error = error_of(tmp_path, kind="chatbot")
    assert error.path == ("kind",)
    assert "'kind' is 'chatbot'" in str(error)
    for kind in KINDS:
        assert kind in str(error)


@pytest.mark.parametrize("key", ["dependencies", "after_dependencies", "requirements", "codeowners"])
@pytest.mark.parametrize("value", ["store", ["store", 3], {"store": True}])
def test_lists_must_be_lists_of_strings(tmp_path: Path, key: str, value: object) -> None:
    error = error_of(tmp_path, **{key: value})
    assert error.path == (key,)
    assert f"'{key}' must be a list of strings" in str(error)


@pytest.mark.parametrize("key", ["dependencies", "after_dependencies"])
def test_an_integration_cannot_depend_on_itself(tmp_path: Path, key: str) -> None:
    assert "cannot depend on itself" in str(error_of(tmp_path, **{key: ["chan"]}))


def test_missing_or_broken_manifest_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ConfigError, match="has no manifest.json"):
        read_manifest(empty, module="x", source="config")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / MANIFEST_FILE).write_text('{"domain": "broken",')
    with pytest.raises(ConfigError, match="not valid JSON"):
        read_manifest(broken, module="x", source="config")
    (broken / MANIFEST_FILE).write_text('["broken"]')
    with pytest.raises(ConfigError, match="must be a JSON object"):
        read_manifest(broken, module="x", source="config")


# -- the built-in integrations shipped with Roost ---------------------------------------------


def builtin_manifests() -> list[Path]:
    return sorted(builtin_dir().glob(f"*/{MANIFEST_FILE}"))


def test_there_are_built_in_manifests() -> None:
    assert "console" in {path.parent.name for path in builtin_manifests()}


@pytest.mark.parametrize("path", builtin_manifests(), ids=lambda p: p.parent.name)
def test_built_in_manifest_is_valid_sorted_and_named_after_its_folder(path: Path) -> None:
    raw = orjson.loads(path.read_bytes())
    assert list(raw) == sorted(raw), f"{path}: keys must be sorted"
    assert raw["domain"] == path.parent.name
    manifest = read_manifest(path.parent, module=f"integrations.{path.parent.name}", source="builtin")
    assert manifest.version is not None, f"{path}: built-ins carry a version too"
    for key in ("dependencies", "after_dependencies", "requirements", "codeowners"):
        assert key in raw, f"{path}: '{key}' should be written out (even when empty)"
        assert list(raw[key]) == sorted(raw[key]), f"{path}: '{key}' must be sorted"


def test_every_built_in_package_has_a_manifest() -> None:
    for init in builtin_dir().glob("*/__init__.py"):
        assert (init.parent / MANIFEST_FILE).is_file(), f"{init.parent} has code but no manifest.json"


def test_discovering_the_built_ins_finds_no_problem() -> None:
    found = discover(None)
    assert found.errors == []
    for path in builtin_manifests():
        assert found.integrations[path.parent.name].source in ("builtin", "package")
