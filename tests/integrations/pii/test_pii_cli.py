"""``roost pii test`` output: the sanitized text first, then one line per finding, or JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from integrations.pii.cli import format_report
from integrations.pii.engine import PiiSanitizer

ROOST = Path(sys.executable).parent / "roost"
TEXT = "手机 13812345678，邮箱 alice@example.com，再说 13812345678"


def test_text_report(make_sanitizer: Callable[..., PiiSanitizer]) -> None:
    sanitizer = make_sanitizer({"entities": {"EMAIL": "mask"}})
    lines = format_report(TEXT, sanitizer).splitlines()
    assert lines == [
        "手机 [PHONE_1]，邮箱 a****@*******.***，再说 [PHONE_1]",
        "PHONE 3-14 confidence=0.90 policy=placeholder",
        "EMAIL 18-35 confidence=0.95 policy=mask",
        "PHONE 39-50 confidence=0.90 policy=placeholder",
    ]
    assert "13812345678" not in "\n".join(lines)


def test_json_report(sanitizer: PiiSanitizer) -> None:
    report = json.loads(format_report(TEXT, sanitizer, as_json=True))
    assert report["sanitized"] == "手机 [PHONE_1]，邮箱 [EMAIL_1]，再说 [PHONE_1]"
    assert report["findings"][1] == {
        "type": "EMAIL", "start": 18, "end": 35, "confidence": 0.95, "policy": "placeholder",
    }  # fmt: skip
    assert len(report["findings"]) == 3


def test_multiline_text_stays_on_the_first_line(sanitizer: PiiSanitizer) -> None:
    lines = format_report("line one\npassword=hunter2", sanitizer).splitlines()
    assert lines[0] == "line one\\npassword=[SECRET_1]"
    assert lines[1].startswith("SECRET 18-25 ")


def test_no_findings(sanitizer: PiiSanitizer) -> None:
    assert format_report("nothing here", sanitizer) == "nothing here"


def test_piped_text_loses_only_its_last_line_end(tmp_path: Path) -> None:
    done = subprocess.run([str(ROOST), "pii", "test", "-", "--config", str(tmp_path)], input="ssn 123-45-6789\npin\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "ssn [SSN_1]\\npin"
