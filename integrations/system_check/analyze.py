"""Anomaly analysis of parsed log lines over a time window against the windows before it."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .records import ParsedLine
from .report_text import format_duration, render_report
from .templates import TemplateMiner

__all__ = ["Finding", "Report", "WindowError", "analyze", "format_duration", "parse_window"]

RANKS = {"error": 3, "warning": 2, "info": 1, "debug": 0}
MAX_WINDOW = 31 * 86400
MAX_EXAMPLE_CHARS = 1000

_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip
_WINDOW_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)\s*")


class WindowError(ValueError):
    """A time window that could not be understood; the message says what was expected."""


def parse_window(text: str | int | float) -> float:
    """Seconds in a window such as '30m', '2h', '90s', '1d', '1h30m' or a bare number of seconds."""
    if isinstance(text, bool):
        raise WindowError(f"invalid window {text!r}: expected e.g. 30m, 2h, 90s or 1d")
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        spec = str(text).strip().lower()
        if not spec:
            raise WindowError("empty window: expected a duration such as 30m, 2h, 90s or 1d")
        seconds = 0.0
        pos = 0
        while pos < len(spec):
            m = _WINDOW_PART.match(spec, pos)
            if m is None:
                raise WindowError(
                    f"invalid window {text!r}: expected a number with a unit s, m, h, d or w "
                    "(e.g. 30m, 2h, 90s, 1d, 1h30m)"
                )
            unit = m.group(2)
            if unit and unit not in _UNITS:
                raise WindowError(
                    f"invalid window {text!r}: unknown unit {unit!r}; use s, m, h, d or w"
                )
            if not unit and (pos > 0 or m.end() < len(spec)):
                raise WindowError(f"invalid window {text!r}: every number needs a unit (e.g. 1h30m)")
            seconds += float(m.group(1)) * _UNITS.get(unit or "s", 1)
            pos = m.end()
    if not math.isfinite(seconds) or seconds <= 0:
        raise WindowError(f"invalid window {text!r}: it must be longer than zero seconds")
    if seconds > MAX_WINDOW:
        raise WindowError(f"window {text!r} is too long: at most 31 days")
    return seconds


@dataclass
class Finding:
    """A template worth a reader's attention in the window."""

    template: str
    level: str
    count: int
    baseline_mean: float
    example: str

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return {
            "template": self.template,
            "level": self.level,
            "count": self.count,
            "baseline_mean": round(self.baseline_mean, 3),
            "example": self.example,
        }


@dataclass
class LevelStats:
    """Counts of one level in the window and in the baseline windows."""

    count: int
    rate: float
    baseline_rates: list[float]
    baseline_mean: float
    baseline_std: float
    threshold: float
    spike: bool | None

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return {
            "count": self.count,
            "rate_per_min": round(self.rate, 4),
            "baseline_rates_per_min": [round(r, 4) for r in self.baseline_rates],
            "baseline_mean_per_min": round(self.baseline_mean, 4),
            "baseline_std_per_min": round(self.baseline_std, 4),
            "spike_threshold_per_min": round(self.threshold, 4),
            "spike": self.spike,
        }


@dataclass
class Report:
    """The outcome of one analysis; `to_text()` fits one screen, `to_dict()` is JSON-ready."""

    now: float
    window: float
    baseline_windows: int
    baseline_covered: int
    baseline_seconds: float
    lines_total: int
    lines_in_window: int
    lines_in_baseline: int
    lines_before: int
    lines_after: int
    undated: dict[str, int]
    errors: LevelStats
    warnings: LevelStats
    peak_minute: tuple[float, int] | None
    new_templates: list[Finding]
    new_other: int
    unusual_templates: list[Finding]
    top_templates: list[Finding]
    templates_overflowed: bool = False
    files: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def unusual(self) -> bool:
        """True when there is a spike, a new warning/error template or a much more frequent one."""
        return bool(
            self.errors.spike or self.warnings.spike or self.new_templates or self.unusual_templates
        )

    def to_text(self) -> str:
        """A plain-text report a person reads in one screen."""
        return render_report(self)

    def to_dict(self) -> dict:
        """A JSON-ready dict with every figure of the report."""
        return {
            "now": self.now,
            "window_seconds": self.window,
            "window_start": self.now - self.window,
            "baseline_windows": self.baseline_windows,
            "baseline_windows_covered": self.baseline_covered,
            "baseline_seconds": self.baseline_seconds,
            "unusual": self.unusual,
            "lines": {
                "total": self.lines_total,
                "in_window": self.lines_in_window,
                "in_baseline": self.lines_in_baseline,
                "before_range": self.lines_before,
                "after_now": self.lines_after,
                "undated": self.undated,
            },
            "errors": self.errors.to_dict(),
            "warnings": self.warnings.to_dict(),
            "peak_error_minute": (
                None
                if self.peak_minute is None
                else {"start": self.peak_minute[0], "errors": self.peak_minute[1]}
            ),
            "new_templates": [f.to_dict() for f in self.new_templates],
            "new_info_templates": self.new_other,
            "unusual_templates": [f.to_dict() for f in self.unusual_templates],
            "top_templates": [f.to_dict() for f in self.top_templates],
            "templates_overflowed": self.templates_overflowed,
            "files": self.files,
            "problems": self.problems,
        }


def _level_stats(
    counts: list[int], covered: list[tuple[int, float]], window: float, floor_count: int
) -> LevelStats:
    per_min = window / 60.0
    rate = counts[-1] / per_min
    base = [counts[i] / (seconds / 60.0) for i, seconds in covered]
    if not base:
        return LevelStats(counts[-1], rate, [], 0.0, 0.0, 0.0, None)
    mean = sum(base) / len(base)
    std = math.sqrt(sum((r - mean) ** 2 for r in base) / len(base))
    threshold = max(3 * mean, mean + 3 * std, floor_count / per_min)
    return LevelStats(counts[-1], rate, base, mean, std, threshold, rate > threshold)


def analyze(
    lines: Iterable[ParsedLine],
    *,
    now: float,
    window: float,
    baseline_windows: int = 4,
    top: int = 5,
    min_spike_count: int = 5,
    min_unusual_count: int = 5,
    unusual_factor: float = 3.0,
    covered_from: float | None = None,
) -> Report:
    """Count, template and compare the lines of the last `window` seconds before `now`.

    The `baseline_windows` windows before it are the baseline; one counts only if the logs
    cover at least half of it (`covered_from` tells when the sources are known to start when
    older lines were not read, e.g. old rotated files skipped by their modification time).
    """
    if window <= 0:
        raise WindowError(f"window must be longer than zero seconds, got {window!r}")
    if baseline_windows < 0:
        raise ValueError(f"baseline_windows must be 0 or more, got {baseline_windows!r}")
    nb = baseline_windows + 1
    last = baseline_windows
    start = now - window * nb
    miner = TemplateMiner(buckets=nb)
    cache = miner._cache
    resolve = miner._resolve
    digits = b"0123456789"
    minutes: dict[int, int] = {}
    undated = {"lines": 0, "errors": 0, "warnings": 0}
    before = after = 0
    earliest = now
    # per line: place it in a window and count it in its template; totals per window and
    # level are summed from the templates afterwards (a template has a single level)
    for ts, level, message, source, raw in lines:
        if ts is None:
            undated["lines"] += 1
            if level == "error":
                undated["errors"] += 1
            elif level == "warning":
                undated["warnings"] += 1
            continue
        if ts < start:
            before += 1
            continue
        if ts > now:
            after += 1
            continue
        if ts < earliest:
            earliest = ts
        wi = int((ts - start) / window)
        if wi > last:
            wi = last
        try:
            key = (source, level, message.encode().translate(None, digits))
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape
            key = (source, level, message.encode("utf-8", "surrogatepass").translate(None, digits))
        tpl = cache.get(key)
        if tpl is None:
            tpl = resolve(source, level, message, key)
        tpl.counts[wi] += 1
        if wi == last:
            if last not in tpl.examples:
                tpl.examples[last] = raw
            if level == "error":
                minute = int(ts // 60)
                minutes[minute] = minutes.get(minute, 0) + 1

    totals = [0] * nb
    errors = [0] * nb
    warnings = [0] * nb
    for tpl in miner.templates():
        by_level = errors if tpl.level == "error" else warnings if tpl.level == "warning" else None
        for i, n in enumerate(tpl.counts):
            totals[i] += n
            if by_level is not None:
                by_level[i] += n
    if before or (covered_from is not None and covered_from <= start):
        earliest = start
    covered = []
    for i in range(last):
        begin = start + i * window
        seconds = begin + window - max(begin, earliest)
        if seconds >= window / 2:
            covered.append((i, seconds))
    err_stats = _level_stats(errors, covered, window, min_spike_count)
    warn_stats = _level_stats(warnings, covered, window, min_spike_count)
    new, unusual, top_found, new_other = _findings(
        miner, covered, window, last, min_unusual_count, unusual_factor
    )
    peak = None
    if minutes:
        minute, count = max(minutes.items(), key=lambda kv: (kv[1], -kv[0]))
        peak = (minute * 60.0, count)
    return Report(
        now=now,
        window=window,
        baseline_windows=baseline_windows,
        baseline_covered=len(covered),
        baseline_seconds=sum(seconds for _, seconds in covered),
        lines_total=sum(totals) + before + after + undated["lines"],
        lines_in_window=totals[last],
        lines_in_baseline=sum(totals[:last]),
        lines_before=before,
        lines_after=after,
        undated=undated,
        errors=err_stats,
        warnings=warn_stats,
        peak_minute=peak,
        new_templates=new[:top],
        new_other=new_other,
        unusual_templates=unusual[:top],
        top_templates=top_found[:top],
        templates_overflowed=miner.overflowed,
    )


def _findings(
    miner: TemplateMiner,
    covered: list[tuple[int, float]],
    window: float,
    last: int,
    min_count: int,
    factor: float,
) -> tuple[list[Finding], list[Finding], list[Finding], int]:
    new: list[tuple[int, int, Finding]] = []
    unusual: list[tuple[int, float, Finding]] = []
    top: list[tuple[int, int, Finding]] = []
    new_other = 0
    n_base = len(covered)
    base_seconds = sum(seconds for _, seconds in covered)
    for tpl in miner.templates():
        count = tpl.counts[last]
        if not count:
            continue
        rank = RANKS.get(tpl.level, 1)
        counts = tpl.counts
        base_total = sum(counts[i] for i, _ in covered)
        mean = base_total / base_seconds * window if base_seconds else 0.0
        example = tpl.examples.get(last, "")[:MAX_EXAMPLE_CHARS]
        finding = Finding(tpl.label(), tpl.level, count, mean, example)
        if rank >= 2:
            top.append((rank, count, finding))
        if not n_base:
            continue
        if not any(counts[:last]):
            if rank >= 2:
                new.append((rank, count, finding))
            else:
                new_other += 1
        elif rank >= 2 and count >= min_count and count >= factor * mean:
            unusual.append((rank, count / mean if mean else float("inf"), finding))
    new.sort(key=lambda item: (item[0], item[1]), reverse=True)
    unusual.sort(key=lambda item: (item[0], item[1]), reverse=True)
    top.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [f for *_, f in new], [f for *_, f in unusual], [f for *_, f in top], new_other
