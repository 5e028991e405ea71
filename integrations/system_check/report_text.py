"""Plain-text rendering of a log analysis report: one screen, most important first."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .analyze import Finding, LevelStats, Report

__all__ = ["format_duration", "render_report"]

LABEL_WIDTH = 110
EXAMPLE_WIDTH = 150
MAX_PROBLEMS = 4


def format_duration(seconds: float) -> str:
    """'30m', '2h', '1h30m', '90s' -> '1m30s', '1d'."""
    total = int(round(seconds))
    if total <= 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if total >= size:
            parts.append(f"{total // size}{unit}")
            total %= size
    return "".join(parts[:2])


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _clock(ts: float, with_date: bool = False) -> str:
    return time.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M", time.localtime(ts))


def _rate_line(name: str, stats: LevelStats, window: float, covered: int) -> str:
    line = f"{name}: {stats.count:,} ({stats.rate:.2f}/min)"
    if stats.spike is None:
        return line + " — no earlier logs to compare with"
    usual = f"usual {stats.baseline_mean:.2f}/min"
    if stats.baseline_std:
        usual += f" ±{stats.baseline_std:.2f}"
    if stats.spike:
        return f"{line} — SPIKE, {usual} over the previous {format_duration(window * covered)}"
    return f"{line} — {usual}"


def _finding_lines(finding: Finding, window: float, with_baseline: bool) -> list[str]:
    head = f"  • {finding.level} ×{finding.count:,}"
    if with_baseline:
        head += f" (usually {finding.baseline_mean:.1f} per {format_duration(window)})"
    return [
        f"{head}  {_clip(finding.template, LABEL_WIDTH)}",
        f"      e.g. {_clip(finding.example, EXAMPLE_WIDTH)}",
    ]


def render_report(report: Report) -> str:
    """The report as text of at most about 40 lines."""
    window = report.window
    span = format_duration(window)
    start = report.now - window
    baseline_span = format_duration(window * report.baseline_covered)
    out = [
        f"Logs for the last {span} ({_clock(start, True)} → {_clock(report.now)}): "
        f"{report.lines_in_window:,} lines in the window, {report.lines_total:,} read"
        + (f" from {len(report.files)} sources" if report.files else "")
    ]
    out.append(_rate_line("Errors", report.errors, window, report.baseline_covered))
    out.append(_rate_line("Warnings", report.warnings, window, report.baseline_covered))
    if report.peak_minute is not None and report.errors.count:
        minute, count = report.peak_minute
        out.append(f"Busiest minute for errors: {_clock(minute)} ({count:,})")
    if report.baseline_covered < report.baseline_windows and report.baseline_covered:
        out.append(f"(the logs only reach back {baseline_span} before the window)")

    if report.new_templates:
        out.append(f"New messages (not seen in the previous {baseline_span}):")
        for finding in report.new_templates:
            out.extend(_finding_lines(finding, window, False))
    if report.unusual_templates:
        out.append("Much more frequent than usual:")
        for finding in report.unusual_templates:
            out.extend(_finding_lines(finding, window, True))
    if not report.unusual:
        if report.baseline_covered:
            out.append(
                f"Nothing unusual: error and warning rates are in line with the previous "
                f"{baseline_span}, and there are no new warning or error messages."
            )
        else:
            out.append("Nothing to compare with: no log lines before the window.")
        if report.top_templates:
            out.append("Most frequent warnings and errors in the window:")
            for finding in report.top_templates[:3]:
                out.extend(_finding_lines(finding, window, bool(report.baseline_covered)))
    if report.new_other:
        out.append(f"({report.new_other:,} new info/debug message templates not listed)")

    undated = report.undated
    if undated["lines"]:
        out.append(
            f"{undated['lines']:,} lines without a timestamp ({undated['errors']:,} errors, "
            f"{undated['warnings']:,} warnings) could not be placed in time."
        )
    if report.lines_after:
        out.append(f"{report.lines_after:,} lines are dated after the end of the window.")
    if report.templates_overflowed:
        out.append("Too many distinct messages: the rarest were grouped as '<other templates>'.")
    for problem in report.problems[:MAX_PROBLEMS]:
        out.append(f"Could not read: {_clip(problem, LABEL_WIDTH)}")
    if len(report.problems) > MAX_PROBLEMS:
        out.append(f"... and {len(report.problems) - MAX_PROBLEMS} more sources could not be read.")
    return "\n".join(out)
