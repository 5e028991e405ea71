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
    if total >= 600:  # beyond ten minutes, seconds are noise
        total = int(round(total / 60.0)) * 60
    if total <= 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if total >= size:
            parts.append(f"{total // size}{unit}")
            total %= size
    return "".join(parts[:2])


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _clock(ts: float, with_date: bool = False) -> str:
    return time.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M", time.localtime(ts))


def _rate_line(name: str, stats: LevelStats, baseline_seconds: float) -> str:
    line = f"{name}: {stats.count:,} ({stats.rate:.2f}/min)"
    if stats.spike is None:
        return line + " — no earlier logs to compare with"
    span = format_duration(baseline_seconds)
    if stats.baseline_mean == 0:
        usual = f"none in the previous {span}"
    else:
        usual = f"usual {stats.baseline_mean:.2f}/min"
        if stats.baseline_std >= 0.005:
            usual += f" ±{stats.baseline_std:.2f}"
        if stats.spike:
            usual += f" over the previous {span}"
    return f"{line} — SPIKE, {usual}" if stats.spike else f"{line} — {usual}"


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
    baseline_span = format_duration(report.baseline_seconds)
    out = [
        f"Logs for the last {span} ({_clock(start, True)} → {_clock(report.now)}): "
        f"{report.lines_in_window:,} lines in the window, {report.lines_total:,} read"
        + (f" from {len(report.files)} sources" if report.files else "")
    ]
    out.append(_rate_line("Errors", report.errors, report.baseline_seconds))
    out.append(_rate_line("Warnings", report.warnings, report.baseline_seconds))
    if report.peak_minute is not None and report.peak_minute[1] >= 3:
        minute, count = report.peak_minute
        out.append(f"Busiest minute for errors: {_clock(minute)} ({count:,})")
    if report.baseline_covered and report.baseline_seconds < 0.98 * window * report.baseline_windows:
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
            out.append(
                "Nothing to compare with: the logs do not reach back half a window before this one."
            )
        if report.top_templates:
            out.append("Most frequent warnings and errors in the window:")
            for finding in report.top_templates[:3]:
                out.extend(_finding_lines(finding, window, bool(report.baseline_covered)))
    if report.new_other:
        out.append(f"({report.new_other:,} new info/debug message templates not listed)")

    undated = report.undated
    if undated["lines"]:
        out.append(
            f"{_plural(undated['lines'], 'line')} without a timestamp "
            f"({_plural(undated['errors'], 'error')}, {_plural(undated['warnings'], 'warning')}) "
            "could not be placed in time."
        )
    if report.lines_after:
        out.append(f"{_plural(report.lines_after, 'line')} dated after the end of the window.")
    if report.templates_overflowed:
        out.append("Too many distinct messages: the rarest were grouped as '<other templates>'.")
    for problem in report.problems[:MAX_PROBLEMS]:
        out.append(f"Could not read: {_clip(problem, LABEL_WIDTH)}")
    if len(report.problems) > MAX_PROBLEMS:
        out.append(f"... and {len(report.problems) - MAX_PROBLEMS} more sources could not be read.")
    return "\n".join(out)
