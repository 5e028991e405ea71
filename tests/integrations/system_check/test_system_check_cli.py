"""The analyzer command in real subprocesses: JSON output, globs, gzip, journal on stdin, purity."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from system_check_logs import NEW_TEMPLATE, SPIKE_TEMPLATE, LogSet

ROOT = Path(__file__).resolve().parents[3]
ANALYZER = ROOT / "integrations" / "system_check" / "analyzer.py"


def run_cli(args: list[str], stdin: str | None = None, *, module: bool = True) -> subprocess.CompletedProcess:
    """Run the analyzer in a child process from the repository root."""
    head = [sys.executable, "-m", "integrations.system_check.analyzer"] if module else [
        sys.executable, "-I", "-S", str(ANALYZER)
    ]  # fmt: skip
    return subprocess.run(
        head + args, input=stdin, capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def test_cli_json_finds_spike_and_new_template(make_logs: Callable[..., LogSet]) -> None:
    logs = make_logs(spike=True, new_template=True)
    auth = logs.files["auth.log"]
    with open(auth, "rb") as src, gzip.open(logs.dir / "auth.log.gz", "wb") as dst:
        dst.write(src.read())  # the same syslog once more, compressed
    auth.unlink()
    done = run_cli(
        ["--window", "1800", "--now", str(logs.now), "--json", str(logs.dir / "*.log"),
         str(logs.dir / "*.gz"), str(logs.dir / "app.json"), "/proc/self/mem"]
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["errors"]["spike"] is True
    assert data["window_seconds"] == 1800
    assert [t["template"] for t in data["new_templates"]] == [NEW_TEMPLATE]
    assert [t["template"] for t in data["unusual_templates"]] == [SPIKE_TEMPLATE]
    paths = {f["path"] for f in data["files"]}
    assert str(logs.dir / "auth.log.gz") in paths and len(paths) == 6
    assert any(p.startswith("/proc/self/mem: input/output error") for p in data["problems"])


def test_cli_text_quiet_window(make_logs: Callable[..., LogSet]) -> None:
    logs = make_logs()
    done = run_cli(["--window", "30m", "--now", str(logs.now), str(logs.dir / "*")])
    assert done.returncode == 0, done.stderr
    assert "Nothing unusual" in done.stdout
    assert len(done.stdout.splitlines()) <= 40


def test_cli_reads_journal_json_from_stdin() -> None:
    now = float(int(time.time()))
    records = []
    for i in range(20):  # one info record a minute for the baseline and the window
        ts = now - 600 * 15 + i * 450
        records.append({"__REALTIME_TIMESTAMP": str(int(ts * 1e6)), "PRIORITY": "6",
                        "SYSLOG_IDENTIFIER": "cron", "MESSAGE": f"job {i} ran"})  # fmt: skip
    for i in range(30):
        ts = now - 300 + i
        records.append({"__REALTIME_TIMESTAMP": str(int(ts * 1e6)), "PRIORITY": "2", "_PID": "77",
                        "SYSLOG_IDENTIFIER": "kernel", "MESSAGE": f"EXT4-fs error (device sda{i % 2})"})  # fmt: skip
    stdin = "\n".join(json.dumps(r) for r in records) + "\nnot json\n"
    done = run_cli(["--journal", "--window", "30m", "--now", str(now), "--json"], stdin=stdin)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["errors"]["count"] == 30 and data["errors"]["spike"] is True
    assert data["new_templates"][0]["template"] == "kernel: EXT<NUM>-fs error (device sda<NUM>)"
    assert "kernel[77]: EXT4-fs error" in data["new_templates"][0]["example"]
    assert data["problems"] == ["journal (stdin): 1 lines were not journal JSON records"]


def test_cli_bad_arguments_are_clear_errors() -> None:
    done = run_cli(["--window", "soon", "x.log"])
    assert done.returncode == 2
    assert "invalid window 'soon'" in done.stderr
    done = run_cli(["--window", "30m"])
    assert done.returncode == 2 and "name at least one log file" in done.stderr


CHECK_IMPORTS = """
import json, runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as exc:
    status = exc.code
sys.stderr.write("MODULES " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})) + "\\n")
sys.exit(status)
"""


def test_script_path_imports_only_the_standard_library(make_logs: Callable[..., LogSet]) -> None:
    """Run as a file in isolated mode without site-packages, as a sandbox would."""
    logs = make_logs(new_template=True)
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", CHECK_IMPORTS, str(ANALYZER), "--now", str(logs.now),
         "--json", str(logs.dir / "*")],
        capture_output=True, text=True, timeout=60, cwd="/",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["new_templates"][0]["template"] == NEW_TEMPLATE
    modules_line = [line for line in done.stderr.splitlines() if line.startswith("MODULES ")]
    loaded = set(json.loads(modules_line[0][len("MODULES ") :]))
    assert "_roost_system_check" in loaded
    foreign = loaded - set(sys.stdlib_module_names) - {"__main__", "_roost_system_check"}
    assert foreign == set(), foreign
    assert not {"core", "integrations"} & loaded


def test_cli_starts_fast() -> None:
    """Printing the usage (imports included) takes well under a second even on a busy machine."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-I", "-S", str(ANALYZER), "--help"], capture_output=True, timeout=30)
    assert done.returncode == 0
    assert time.perf_counter() - t0 < 2.0
