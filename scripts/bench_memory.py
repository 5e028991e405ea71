"""Benchmark: memory of the `roost run` process tree, idle, without a model.

Starts `roost run` on a copy of config.example without its `llama_cpp:` section (no model),
waits until it is ready, lets it idle for ``--settle`` seconds and reads the resident memory
(VmRSS, and PSS, which splits shared pages fairly) of the gateway and of every child process.
The yardstick measured in the same run is a bare Python interpreter (its floor).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_TREE_MIB = 60.0


def _kib(pid: int, field: str, source: str = "status") -> int:
    text = Path(f"/proc/{pid}/{source}").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _children(pid: int) -> list[int]:
    """The processes pid started (from its main thread, as asyncio starts them)."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _process(pid: int, role: str) -> dict[str, Any]:
    return {"role": role, "pid": pid, "rss_mib": round(_kib(pid, "VmRSS") / 1024, 1),
            "pss_mib": round(_kib(pid, "Pss", "smaps_rollup") / 1024, 1)}


def _config(directory: Path) -> None:
    shutil.copytree(ROOT / "config.example", directory, ignore=shutil.ignore_patterns(
        "roost.db*", "roost.lock", "keys.json*", "knowledge.db*", "models", "*.export"))
    text = (directory / "configuration.yaml").read_text()
    text = re.sub(r"(?ms)^llama_cpp:\n(?:[ #].*\n|\n)*", "", text)  # the model section, up to the next key
    (directory / "configuration.yaml").write_text(text)


def _parse(args: argparse.Namespace | Sequence[str] | None) -> argparse.Namespace:
    if isinstance(args, argparse.Namespace):
        return args
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--settle", type=float, default=5.0, help="seconds idle after ready")
    return parser.parse_args(list(args or []))


def run(args: argparse.Namespace | Sequence[str] | None = None) -> dict[str, Any]:
    """Measure the idle process tree of `roost run`; return the figures."""
    ns = _parse(args)
    with tempfile.TemporaryDirectory(prefix="roost-bench-memory-") as tmp:
        config = Path(tmp) / "config"
        _config(config)
        log = Path(tmp) / "roost.log"
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-c", "import sys; from core.cli import main; sys.exit(main())",
                 "run", "--config", str(config)],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
            floor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            try:
                deadline = time.monotonic() + 60
                while "Roost started" not in log.read_text(errors="replace"):
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"roost did not start:\n{log.read_text(errors='replace')[-3000:]}")
                    time.sleep(0.05)
                time.sleep(ns.settle)
                tree = [_process(proc.pid, "gateway")]
                tree += [_process(pid, "child") for pid in _children(proc.pid)]
                bare = _process(floor.pid, "bare python")
            finally:
                floor.kill()
                proc.terminate()
                proc.wait(30)
    total = round(sum(p["rss_mib"] for p in tree), 1)
    return {
        "processes": tree,
        "tree_rss_mib": total,
        "tree_pss_mib": round(sum(p["pss_mib"] for p in tree), 1),
        "bare_python_rss_mib": bare["rss_mib"],
        "target_tree_mib": TARGET_TREE_MIB,
        "within_target": total <= TARGET_TREE_MIB,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1:]), indent=2))
