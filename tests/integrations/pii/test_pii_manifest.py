"""The manifest is read without importing code: right domain, sorted keys, all required keys; the README names every type."""

from __future__ import annotations

import json
import re
from pathlib import Path

import integrations.pii.engine as engine

MANIFEST = Path(engine.__file__).with_name("manifest.json")


def test_manifest() -> None:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert data == {
        "after_dependencies": [],
        "codeowners": [],
        "dependencies": [],
        "documentation": "README.md#privacy",
        "domain": "pii",
        "kind": "sanitizer",
        "name": "PII desensitization",
        "requirements": [],
        "version": "0.1.0",
    }
    assert list(data) == sorted(data)
    assert data["domain"] == MANIFEST.parent.name


def test_the_readme_names_every_type_the_recognizers_find() -> None:
    """`pii: entities` takes these names: the Privacy section lists them all."""
    from integrations.pii.recognizers import BUILTIN_ENTITIES

    readme = (MANIFEST.parents[2] / "README.md").read_text(encoding="utf-8")
    listed = readme.split("The types, as `pii: entities` names them", 1)[1].split("\n\n", 1)[0]
    assert sorted(re.findall(r"`([A-Z_]+)`", listed)) == sorted(BUILTIN_ENTITIES)
