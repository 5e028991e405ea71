"""The analysis finds planted spikes and new templates in real files, and says so when all is quiet."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from system_check_logs import NEW_TEMPLATE, SPIKE_TEMPLATE, WINDOW, LogSet

from integrations.system_check.analyze import WindowError, analyze, format_duration, parse_window
from integrations.system_check.logfiles import LogSources
from integrations.system_check.records import ParsedLine


def run(logs: LogSet, **kwargs: object):
    """Analyse every file of a LogSet."""
    sources = LogSources(ref_time=logs.now)
    report = analyze(
        sources.files_and_patterns([str(logs.dir / "*")]), now=logs.now, window=WINDOW, **kwargs
    )
    report.files, report.problems = sources.files, sources.problems
    return report


def test_spike_and_new_template_are_found(make_logs: Callable[..., LogSet]) -> None:
    logs = make_logs(spike=True, new_template=True)
    report = run(logs)
    assert report.baseline_covered == 4
    assert report.errors.spike is True
    assert report.errors.count == 6 + 2 + logs.spike_lines + logs.new_lines  # traceback not counted
    assert report.errors.baseline_mean == pytest.approx(8 / 30)
    assert report.warnings.spike is False
    assert [f.template for f in report.new_templates] == [NEW_TEMPLATE]
    new = report.new_templates[0]
    assert (new.level, new.count) == ("error", 4)
    assert "ERROR app.db: connection to 10.0.0.5:5432 refused" in new.example
    assert [f.template for f in report.unusual_templates] == [SPIKE_TEMPLATE]
    assert report.unusual_templates[0].count == 126
    assert report.unusual_templates[0].baseline_mean == pytest.approx(6.0)
    assert report.peak_minute is not None and report.peak_minute[1] >= 12
    assert report.unusual


def test_report_text_fits_one_screen_and_names_the_findings(make_logs: Callable[..., LogSet]) -> None:
    report = run(make_logs(spike=True, new_template=True))
    text = report.to_text()
    assert len(text.splitlines()) <= 40
    assert all(len(line) <= 200 for line in text.splitlines())
    assert "SPIKE" in text
    assert NEW_TEMPLATE in text and SPIKE_TEMPLATE in text
    assert "Nothing unusual" not in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["errors"]["spike"] is True and data["unusual"] is True
    assert data["new_templates"][0]["template"] == NEW_TEMPLATE
    assert len(data["files"]) == 5 and data["problems"] == []


def test_quiet_window_says_nothing_unusual(make_logs: Callable[..., LogSet]) -> None:
    report = run(make_logs())
    assert not report.unusual
    assert report.errors.spike is False and report.warnings.spike is False
    assert report.new_templates == [] and report.unusual_templates == []
    text = report.to_text()
    assert "Nothing unusual" in text
    assert "SPIKE" not in text
    assert len(text.splitlines()) <= 40


def test_only_a_new_template_is_still_reported(make_logs: Callable[..., LogSet]) -> None:
    report = run(make_logs(new_template=True))
    assert report.errors.spike is False  # 4 more errors stay under the absolute floor
    assert [f.template for f in report.new_templates] == [NEW_TEMPLATE]
    assert "Nothing unusual" not in report.to_text()


def test_without_history_there_is_no_baseline(make_logs: Callable[..., LogSet]) -> None:
    logs = make_logs(spike=True)
    report = run(logs, baseline_windows=4, top=3)
    assert report.baseline_covered == 4
    short = analyze(
        LogSources(ref_time=logs.now).files_and_patterns([str(logs.dir / "*")]),
        now=logs.now,
        window=4 * 3600,
    )
    assert short.baseline_covered == 0
    assert short.errors.spike is None and short.new_templates == []
    assert "Nothing to compare with" in short.to_text()


def _line(ts: float | None, level: str, message: str, source: str = "app") -> ParsedLine:
    return ParsedLine(ts, level, message, source, f"{ts} {level} {message}")


def test_spike_thresholds_use_mean_sigma_and_floor() -> None:
    now, window = 10_000.0, 600.0
    start = now - 5 * window

    def lines(per_window: list[int], level: str = "error") -> list[ParsedLine]:
        out = [_line(start + 0.5, "info", "logs begin")]  # the baseline is fully covered
        for wi, n in enumerate(per_window):
            for k in range(n):
                out.append(_line(start + wi * window + 1 + k, level, f"failure {k}"))
        return out

    assert analyze(lines([10, 10, 10, 10, 31]), now=now, window=window).errors.spike is True
    assert analyze(lines([10, 10, 10, 10, 30]), now=now, window=window).errors.spike is False
    # a noisy baseline raises the bar to mean + 3 sigma
    noisy = analyze(lines([0, 40, 0, 40, 70]), now=now, window=window).errors
    assert noisy.baseline_mean == pytest.approx(20 / 10)
    assert noisy.threshold == pytest.approx((20 + 3 * 20) / 10)
    assert noisy.spike is False
    # the absolute floor: 4 errors after a silent baseline are no spike, 6 are
    assert analyze(lines([0, 0, 0, 0, 4]), now=now, window=window).errors.spike is False
    assert analyze(lines([0, 0, 0, 0, 6]), now=now, window=window).errors.spike is True


def test_lines_outside_the_range_and_undated_lines_are_counted_apart() -> None:
    now, window = 10_000.0, 100.0
    report = analyze(
        [
            _line(now - 1000, "error", "ancient"),
            _line(now + 5, "error", "from the future"),
            _line(None, "error", "no time"),
            _line(None, "warning", "no time either"),
            _line(now - 10, "error", "recent"),
            _line(now, "error", "exactly now"),
        ],
        now=now,
        window=window,
    )
    assert (report.lines_total, report.lines_before, report.lines_after) == (6, 1, 1)
    assert report.undated == {"lines": 2, "errors": 1, "warnings": 1}
    assert report.lines_in_window == 2 and report.errors.count == 2
    text = report.to_text()
    assert "2 lines without a timestamp (1 error, 1 warning)" in text
    assert "1 line dated after the end" in text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("2h", 7200), ("90s", 90), ("1d", 86400), ("1h30m", 5400), (" 45 min ", 2700),
     ("1800", 1800), (600, 600), ("1.5h", 5400), ("1w", 604800)],
)  # fmt: skip
def test_parse_window(text: str | int, seconds: float) -> None:
    assert parse_window(text) == seconds


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "empty window"), ("abc", "expected a number with a unit"), ("30x", "unknown unit 'x'"),
     ("0m", "longer than zero"), ("1h30", "every number needs a unit"), ("40d", "at most 31 days"),
     (-5, "longer than zero")],
)  # fmt: skip
def test_parse_window_errors_say_what_was_expected(text: str | int, expected: str) -> None:
    with pytest.raises(WindowError, match=expected):
        parse_window(text)
    assert issubclass(WindowError, ValueError)


def test_unreadable_file_is_reported_in_the_report(make_logs: Callable[..., LogSet], tmp_path: Path) -> None:
    logs = make_logs()
    locked = logs.dir / "secure.log"
    locked.write_text("Nov 24 03:07:30 h sshd[1]: secret\n")
    locked.chmod(0)
    try:
        try:
            locked.open().close()
        except PermissionError:
            pass
        else:
            pytest.skip("running with privileges that read any file")
        report = run(logs)
    finally:
        locked.chmod(0o600)
    assert any("secure.log: permission denied" in p for p in report.problems)
    assert "Could not read" in report.to_text()
    assert not report.unusual


def test_worst_case_report_still_fits_one_screen() -> None:
    now, window = 100_000.0, 600.0
    lines = [_line(now - 5 * window + 1, "info", "begin")]
    for k in range(12):  # twelve new error templates, and six much more frequent warnings
        word = "abcdefghijkl"[k] * 3
        lines += [_line(now - 10 - i, "error", f"{word} broke " + "x" * 300) for i in range(3)]
    for k in range(6):
        word = "mnopqr"[k] * 4
        lines += [_line(now - 5 * window + 100 + w * window, "warning", f"{word} slow") for w in range(4)]
        lines += [_line(now - 20 - i, "warning", f"{word} slow") for i in range(40)]
    lines += [_line(None, "error", "undated"), _line(now + 60, "info", "late")]
    report = analyze(lines, now=now, window=window)
    assert len(report.new_templates) == 5 and len(report.unusual_templates) == 5
    report.problems = [f"/var/log/file{i}.log: permission denied" for i in range(10)]
    text = report.to_text()
    assert len(text.splitlines()) <= 40, text
    assert "... and 6 more sources could not be read." in text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(90, "1m30s"), (1800, "30m"), (5400, "1h30m"), (86400, "1d"), (2399, "40m"), (0, "0s")],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
