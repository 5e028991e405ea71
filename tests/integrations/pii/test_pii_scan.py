"""scripts/pii_scan.py: what the recognizers find in files that should hold none, counted by type."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCAN = Path(__file__).resolve().parents[3] / "scripts" / "pii_scan.py"


def test_the_scan_counts_each_line_s_findings_and_reads_only_text_files(tmp_path: Path) -> None:
    code = "Name: PassThrough | None\nName: Anna Schmidt\nx = 1\n"
    notes = "Send 0.1 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n"
    (tmp_path / "module.py").write_text(code, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text(notes, encoding="utf-8")
    (tmp_path / "image.bin").write_text("Name: Someone Else\n", encoding="utf-8")  # not a text file's suffix
    result = json.loads(subprocess.run([sys.executable, str(SCAN), str(tmp_path), "--examples", "1"], check=True,
                                       capture_output=True, text=True).stdout)
    assert result["findings"] == {"PERSON": 1, "CRYPTO": 1}
    assert [example[1] for example in result["examples"]["PERSON"]] == ["Anna Schmidt"]
    assert result["characters"] == len(code) + len(notes)
