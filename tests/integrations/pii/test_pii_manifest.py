"""The manifest is read without importing code: right domain, sorted keys, all required keys."""

from __future__ import annotations

import json
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
