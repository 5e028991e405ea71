"""The import layers hold (import-linter, contracts in pyproject.toml), and a breach is caught; modules stay small."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT)], cwd=root, capture_output=True, text=True, timeout=300,
                          env={"PATH": str(LINT.parent), "PYTHONPATH": str(root)})


def test_every_layer_contract_is_kept() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and result.stdout.count("KEPT") >= 4


def test_the_pipeline_importing_the_gateway_breaks_the_layers(tmp_path: Path) -> None:
    copy = tmp_path / "roost"
    copy.mkdir()
    shutil.copy(REPO / "pyproject.toml", copy)
    for package in ("core", "integrations"):
        shutil.copytree(REPO / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    runner = copy / "core" / "pipeline" / "runner.py"
    runner.write_text(runner.read_text() + "\nfrom core.gateway import Gateway  # a call back up\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "core.pipeline.runner -> core.gateway" in result.stdout


MAX_MODULE_LINES = 400


def test_every_module_of_roost_its_scripts_and_its_tests_is_small() -> None:
    long = {path.relative_to(REPO).as_posix(): lines for package in ("core", "integrations", "scripts", "tests")
            for path in (REPO / package).rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"split by responsibility: over {MAX_MODULE_LINES} lines"
