"""Command line: analyse log files and/or journal JSON from stdin, print the report.

    python -m integrations.system_check.analyzer --window 30m [--now TS] [--json] FILE_OR_GLOB...
    journalctl --since @TS -o json | python -m integrations.system_check.analyzer --journal ...

Only the standard library and this folder are imported, so the command runs in a sandbox
that sees nothing but the logs. It also runs as a plain script path
(`python -I .../system_check/analyzer.py`), which skips the packages' __init__ modules.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time

if not __package__:  # run as a file: load the sibling modules without importing the parents
    import os
    import types

    _PKG = "_roost_system_check"
    if _PKG not in sys.modules:
        _pkg = types.ModuleType(_PKG)
        _pkg.__path__ = [os.path.dirname(os.path.abspath(__file__))]
        sys.modules[_PKG] = _pkg
    __package__ = _PKG

from .analyze import WindowError, analyze, parse_window  # noqa: E402
from .logfiles import LogSources  # noqa: E402

__all__ = ["build_parser", "main", "run"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the command."""
    parser = argparse.ArgumentParser(
        prog="python -m integrations.system_check.analyzer",
        description="Find error spikes and new or unusual messages in log files.",
    )
    parser.add_argument("paths", nargs="*", metavar="FILE_OR_GLOB", help="log files or glob patterns")
    parser.add_argument(
        "--window", default="30m", help="window to analyse: seconds or e.g. 30m, 2h, 1d (default 30m)"
    )
    parser.add_argument("--now", type=float, default=None, help="end of the window, epoch seconds")
    parser.add_argument(
        "--baseline-windows", type=int, default=4, help="earlier windows to compare with (default 4)"
    )
    parser.add_argument("--top", type=int, default=5, help="findings to list per kind (default 5)")
    parser.add_argument("--journal", action="store_true", help="also read journalctl -o json from stdin")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def run(argv: list[str] | None = None) -> tuple[int, str]:
    """Run the command; returns (exit status, text to print)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        window = parse_window(args.window)
    except WindowError as exc:
        return 2, f"error: {exc}"
    if args.baseline_windows < 0 or args.top < 1:
        return 2, "error: --baseline-windows must be 0 or more and --top at least 1"
    if not args.paths and not args.journal:
        return 2, "error: name at least one log file or pattern, or pass --journal"
    now = time.time() if args.now is None else args.now
    since = now - window * (args.baseline_windows + 1)
    sources = LogSources(ref_time=now, since=since)
    streams = [sources.files_and_patterns(args.paths)]
    if args.journal:
        streams.append(sources.journal(sys.stdin, "journal (stdin)"))
    report = analyze(
        itertools.chain.from_iterable(streams),
        now=now,
        window=window,
        baseline_windows=args.baseline_windows,
        top=args.top,
        covered_from=since if sources.skipped_old else None,
    )
    report.files = sources.files
    report.problems = sources.problems
    if args.json:
        return 0, json.dumps(report.to_dict(), ensure_ascii=False, indent=1)
    return 0, report.to_text()


def main(argv: list[str] | None = None) -> int:
    """Entry point: print the report, return the exit status."""
    status, text = run(argv)
    stream = sys.stdout if status == 0 else sys.stderr
    stream.write(text + "\n")
    stream.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
