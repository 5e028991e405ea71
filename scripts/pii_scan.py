"""What the pii recognizers find in files that should hold no personal data: each line of each text file under the
given directories is analysed alone, and the findings are counted by type, with examples (file, value, line).

Over source code, documentation and licences, a finding is a mistake unless it is an example the text gives; the
README quotes the figures over Python's standard library and the test environment's packages.

    python scripts/pii_scan.py DIR [DIR ...] [--types PERSON,NATIONAL_ID] [--examples 20]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from integrations.pii.recognizers import default_registry  # noqa: E402

SUFFIXES = (".py", ".md", ".txt", ".rst", ".cfg", ".toml", ".json", ".yaml", ".html", ".js", ".log")
"""The text files read."""


def scan(roots: list[str], types: set[str] | None, examples: int) -> dict[str, object]:
    """Characters read, findings by type, and up to examples of each type."""
    registry = default_registry()
    found: Counter[str] = Counter()
    shown: dict[str, list[tuple[str, str, str]]] = {}
    characters = 0
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file() or path.stat().st_size > 2_000_000:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            characters += len(text)
            for line in text.splitlines():
                for finding in registry.analyze(line):
                    if types is None or finding.entity in types:
                        found[finding.entity] += 1
                        listed = shown.setdefault(finding.entity, [])
                        if len(listed) < examples:
                            listed.append((str(path), finding.text, line.strip()[:120]))
    return {"characters": characters, "findings": dict(found), "examples": shown}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", help="directories to read")
    parser.add_argument("--types", help="only these types, comma-separated (default: all)")
    parser.add_argument("--examples", type=int, default=20, help="examples shown of each type (default: 20)")
    options = parser.parse_args()
    kinds = set(options.types.split(",")) if options.types else None
    print(json.dumps(scan(options.roots, kinds, options.examples), indent=2, ensure_ascii=False))
