"""Every pattern Roost ships matches in time linear in the text, on inputs made to make regexes backtrack."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

BLUEPRINTS = Path(__file__).resolve().parents[3] / "blueprints"
SIZE = 50_000


def shipped_patterns() -> list[tuple[str, str]]:
    """(blueprint file, pattern) for every regex input default in the shipped blueprints."""
    found = []
    for path in sorted(BLUEPRINTS.glob("*.yaml")):
        text = path.read_text(encoding="utf-8").replace("!input", "")  # plain YAML for this scan
        for name, spec in (yaml.safe_load(text)["blueprint"].get("input") or {}).items():
            if "pattern" in name and isinstance(spec, dict) and isinstance(spec.get("default"), str):
                found.append((path.name, spec["default"]))
    return found


def adversarial(prefix: str) -> list[str]:
    """Texts that make a careless pattern backtrack: long runs of spaces, newlines and repeats."""
    return [
        prefix + " x" + " " * SIZE + "y",
        prefix + " x" + " " * SIZE,
        prefix + " " + "\n" * SIZE + "y",
        prefix + " " + (" \t\n" * (SIZE // 3)) + "!",
        (prefix + " ") * (SIZE // (len(prefix) + 1)),
        prefix + " " + "x" * SIZE + "\n",
    ]


def test_the_blueprints_have_patterns_to_check() -> None:
    names = {name for name, _ in shipped_patterns()}
    assert {"emergency_alert.yaml", "echo.yaml", "system_check.yaml", "ping.yaml"} <= names


@pytest.mark.parametrize(("blueprint", "pattern"), shipped_patterns())
def test_a_shipped_pattern_matches_in_linear_time(blueprint: str, pattern: str) -> None:
    compiled = re.compile(pattern)
    for prefix in ("!alert", "/echo", "/check_logs", "ping", ""):
        for text in adversarial(prefix):
            started = time.perf_counter()
            compiled.search(text)
            took = time.perf_counter() - started
            # A linear scan of 50 KB takes well under a millisecond; the quadratic pattern this
            # replaced took seconds on such a text.
            assert took < 0.05, f"{blueprint}: {pattern!r} took {took:.3f} s on {text[:20]!r}... ({len(text)} chars)"


def test_the_alert_pattern_still_takes_the_text() -> None:
    pattern = dict((name, p) for name, p in shipped_patterns())["emergency_alert.yaml"]
    match = re.compile(pattern).search("  !alert  Server room\nis flooding  \n")
    assert match is not None and match.group("text").strip() == "Server room\nis flooding"
    assert re.compile(pattern).search("!alert") is None and re.compile(pattern).search("!alerts now") is None
