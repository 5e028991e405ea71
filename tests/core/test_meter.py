"""The progress line of long command-line work: redrawn in place on a terminal, a line a quarter elsewhere."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from core.meter import Meter, megabytes

ROOST = Path(sys.executable).parent / "roost"


class Tty(io.StringIO):
    """A terminal, as far as the meter can tell."""

    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_a_line_at_each_quarter() -> None:
    out = io.StringIO()
    meter = Meter("indexing", 0, unit="files", stream=out)
    for done in range(1, 101):
        meter.update(done, 100)
    meter.finish()
    assert out.getvalue().splitlines() == [f"indexing: {n} / 100 files ({n}%)" for n in (25, 50, 75, 100)]


def test_a_terminal_gets_one_line_redrawn() -> None:
    out = Tty()
    meter = Meter("model.gguf", 3_000_000, show=megabytes, stream=out)
    for done in (1_000_000, 3_000_000):
        meter.update(done)
    meter.finish()
    text = out.getvalue()
    assert text.startswith("\rmodel.gguf: 1.0 MB / 3.0 MB") and text.endswith("3.0 MB / 3.0 MB (100%)\n")
    assert text.count("\n") == 1


def test_nothing_when_off_or_when_there_is_nothing_to_do() -> None:
    out = Tty()
    Meter("x", 10, enabled=False, stream=out).update(5)
    empty = Meter("y", 0, stream=out)
    empty.update(0, 0)
    empty.finish()
    assert out.getvalue() == ""


def test_knowledge_reindex_shows_its_progress(tmp_path: Path) -> None:
    (tmp_path / "configuration.yaml").write_text("knowledge:\n  directory: docs\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(40):
        (docs / f"note{n:02}.md").write_text(f"# Note {n}\n\nThe boiler code is {n}.\n", encoding="utf-8")
    result = subprocess.run([str(ROOST), "knowledge", "reindex", "--config", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"indexing: {n} / 40 files ({n * 100 // 40}%)" for n in (10, 20, 30, 40)]
    assert "40 added" in result.stdout
