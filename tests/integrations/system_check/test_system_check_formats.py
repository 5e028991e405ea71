"""Each supported log format is recognised and parsed into time, level, message and source."""

from __future__ import annotations

import calendar
import gzip
import json
import time
from pathlib import Path

import pytest

from integrations.system_check.journal import parse_journal_entry
from integrations.system_check.logfiles import LogSources, expand_patterns
from integrations.system_check.logformats import LogParser
from integrations.system_check.records import keyword_level
from integrations.system_check.timestamps import TimeParser

LOCAL_TS = time.mktime((2026, 11, 24, 3, 7, 30, 0, 0, -1))
UTC_TS = float(calendar.timegm((2026, 11, 24, 3, 7, 30)))


@pytest.fixture
def parser() -> LogParser:
    """A parser whose year hint is late November 2026."""
    return LogParser(source="test.log", ref_time=LOCAL_TS + 3600)


def test_rfc3164_syslog_with_keyword_level(parser: LogParser) -> None:
    line = "Nov 24 03:07:30 web1 sshd[1234]: Failed password for root from 203.0.113.9 port 22 ssh2"
    p = parser.parse(line)
    assert p.ts == LOCAL_TS
    assert (p.level, p.source, p.raw) == ("error", "sshd", line)
    assert p.message == "Failed password for root from 203.0.113.9 port 22 ssh2"
    info = parser.parse("Nov 24 03:07:31 web1 CRON[9]: (root) CMD (run-parts /etc/cron.hourly)")
    assert (info.level, info.source, info.ts) == ("info", "CRON", LOCAL_TS + 1)


def test_rfc3164_with_priority_and_padded_day(parser: LogParser) -> None:
    p = parser.parse("<12>Nov  4 03:07:30 web1 kernel: usb 1-1: new device")
    assert p.level == "warning"  # severity 12 & 7 = 4
    assert p.source == "kernel"
    assert p.ts == time.mktime((2026, 11, 4, 3, 7, 30, 0, 0, -1))


def test_rfc3164_year_is_inferred_so_the_time_is_not_in_the_future() -> None:
    january = LogParser(ref_time=time.mktime((2027, 1, 2, 12, 0, 0, 0, 0, -1)))
    p = january.parse("Dec 31 23:59:59 host app: last line of the year")
    assert time.localtime(p.ts).tm_year == 2026


def test_rfc5424(parser: LogParser) -> None:
    line = '<165>1 2026-11-24T03:07:30.003Z web1 evntslog 42 ID47 [ex@32473 iut="3"] An application event'
    p = parser.parse(line)
    assert p.ts == pytest.approx(UTC_TS + 0.003)
    assert (p.level, p.source, p.message) == ("info", "evntslog", "An application event")
    p = parser.parse("<11>1 2026-11-24T04:07:30+01:00 web1 app - - - disk failure")
    assert (p.level, p.ts, p.message) == ("error", UTC_TS, "disk failure")


@pytest.mark.parametrize(
    ("status", "level"), [("200", "info"), ("302", "info"), ("404", "warning"), ("503", "error")]
)
def test_access_log_level_follows_status(parser: LogParser, status: str, level: str) -> None:
    line = (
        f'198.51.100.7 - alice [24/Nov/2026:03:07:30 +0000] "GET /api/items/17?token=x HTTP/1.1" '
        f'{status} 512 "https://example.org/" "Mozilla/5.0"'
    )
    p = parser.parse(line)
    assert p.ts == UTC_TS
    assert p.level == level
    assert p.message == "GET /api/items/17"  # the query string is dropped
    assert p.source == f"test.log {status}"


def test_access_log_common_format_and_offset(parser: LogParser) -> None:
    p = parser.parse('2001:db8::1 - - [24/Nov/2026:05:07:30 +0200] "POST /login HTTP/2.0" 401 0')
    assert (p.ts, p.level, p.message) == (UTC_TS, "warning", "POST /login")


def test_nginx_error_log(parser: LogParser) -> None:
    line = (
        "2026/11/24 03:07:30 [crit] 812#0: *77 connect() to unix:/run/php.sock failed "
        '(2: No such file or directory), client: 192.0.2.1, request: "GET / HTTP/1.1"'
    )
    p = parser.parse(line)
    assert (p.ts, p.level, p.source) == (LOCAL_TS, "error", "nginx")
    assert p.message.startswith("connect() to unix:/run/php.sock failed")
    assert parser.parse("2026/11/24 03:07:30 [warn] 1#1: low disk").level == "warning"


def test_json_lines(parser: LogParser) -> None:
    p = parser.parse(
        json.dumps({"time": "2026-11-24T03:07:30Z", "level": "WARN", "msg": "slow", "logger": "db"})
    )
    assert (p.ts, p.level, p.message, p.source) == (UTC_TS, "warning", "slow", "db")
    p = parser.parse(json.dumps({"@timestamp": UTC_TS * 1000, "severity": "error", "message": "x"}))
    assert (p.ts, p.level, p.message) == (UTC_TS, "error", "x")
    p = parser.parse(json.dumps({"ts": UTC_TS, "lvl": 50, "msg": "pino fatal"}))
    assert p.level == "error"
    p = parser.parse(json.dumps({"timestamp": str(UTC_TS), "msg": "upload failed", "error": "EIO"}))
    assert (p.ts, p.level, p.message) == (UTC_TS, "error", "upload failed: EIO")


def test_json_that_is_not_an_object_falls_back_to_text(parser: LogParser) -> None:
    p = parser.parse("{not json at all, error here")
    assert p.ts is None and p.level == "error"


def test_python_logging_with_time(parser: LogParser) -> None:
    p = parser.parse("2026-11-24 03:07:30,123 ERROR app.db: connection lost")
    assert p.ts == pytest.approx(LOCAL_TS + 0.123)
    assert (p.level, p.source, p.message) == ("error", "app.db", "connection lost")
    p = parser.parse("2026-11-24 03:07:30,123 - app.cache - WARNING - miss ratio high")
    assert (p.level, p.source, p.message) == ("warning", "app.cache", "miss ratio high")
    p = parser.parse("2026-11-24 03:07:30,123 [CRITICAL] out of disk")
    assert (p.level, p.message) == ("error", "out of disk")


def test_python_logging_without_time(parser: LogParser) -> None:
    p = parser.parse("WARNING:urllib3.connectionpool:Retrying (Retry(total=2)) after error")
    assert (p.ts, p.level, p.source) == (None, "warning", "urllib3.connectionpool")
    assert p.message == "Retrying (Retry(total=2)) after error"


def test_iso_prefixed_lines(parser: LogParser) -> None:
    p = parser.parse("2026-11-24T03:07:30.5+00:00 web1 sshd[7]: Accepted publickey for deploy")
    assert (p.ts, p.source, p.level) == (UTC_TS + 0.5, "sshd", "info")
    p = parser.parse("2026-11-24 03:07:30.000 UTC [4711] ERROR:  relation \"x\" does not exist")
    assert (p.ts, p.level) == (UTC_TS, "error")
    assert p.message.startswith("relation")
    p = parser.parse("2026-11-24T03:07:30 something happened, nothing special")
    assert (p.ts, p.level) == (LOCAL_TS, "info")


def test_unknown_lines_keep_text_and_guess_level(parser: LogParser) -> None:
    p = parser.parse("kernel panic - not syncing")
    assert (p.ts, p.level, p.message) == (None, "error", "kernel panic - not syncing")
    assert keyword_level("Connection timed out") == "warning"
    assert keyword_level("all good") == "info"


def test_journal_entry() -> None:
    entry = {
        "__REALTIME_TIMESTAMP": str(int(UTC_TS * 1e6)),
        "PRIORITY": "3",
        "SYSLOG_IDENTIFIER": "nginx",
        "_PID": "812",
        "MESSAGE": "worker process exited on signal 9",
    }
    p = parse_journal_entry(entry)
    assert (p.ts, p.level, p.source) == (UTC_TS, "error", "nginx")
    assert "nginx[812]: worker process exited" in p.raw
    binary = parse_journal_entry({"MESSAGE": list(b"caf\xc3\xa9"), "PRIORITY": "6"})
    assert (binary.message, binary.level, binary.ts) == ("café", "info", None)


def test_time_parser_caches_minutes_without_mixing_zones() -> None:
    tp = TimeParser()
    assert tp.iso("2026-11-24T03:07:30Z") == UTC_TS
    assert tp.iso("2026-11-24T03:07:31") == LOCAL_TS + 1  # same minute text, naive = local
    assert tp.iso("2026-11-24T03:07:31-05:00") == UTC_TS + 1 + 5 * 3600
    assert tp.iso("2026-11-24T03:07") == LOCAL_TS - 30
    assert tp.clf("24/Nov/2026:03:07:59 +0000") == UTC_TS + 29
    assert tp.epoch_number(UTC_TS * 1e9) == pytest.approx(UTC_TS)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reader_mixed_formats_in_one_file_and_tracebacks(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "mixed.log",
        [
            "Nov 24 03:07:30 web1 sshd[1]: Accepted publickey for deploy",
            "2026-11-24 03:07:31,000 ERROR app: boom",
            "Traceback (most recent call last):",
            '  File "/srv/app.py", line 3, in <module>',
            "    main()",
            "ValueError: bad value",
            '203.0.113.1 - - [24/Nov/2026:03:07:32 +0000] "GET / HTTP/1.1" 200 5',
            "a line without any time",
            "",
            json.dumps({"time": "2026-11-24T03:07:33Z", "msg": "json", "level": "info"}),
        ],
    )
    sources = LogSources(ref_time=LOCAL_TS + 60)
    lines = list(sources.files_and_patterns([str(path)]))
    assert [p.message for p in lines] == [
        "Accepted publickey for deploy",
        "boom",
        "GET /",
        "a line without any time",
        "json",
    ]
    assert lines[3].ts == lines[2].ts  # undated lines inherit the time before them
    assert sources.files == [{"path": str(path), "lines": 5, "status": "read"}]
    assert sources.problems == []


def test_reader_gzip_and_rotation_names(tmp_path: Path) -> None:
    path = tmp_path / "syslog.2.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("Nov 24 03:07:30 web1 app: disk failure on sda\n")
        f.write("Nov 24 03:07:31 web1 app: recovered\n")
    lines = list(LogSources(ref_time=LOCAL_TS).file(str(path)))
    assert [(p.level, p.ts) for p in lines] == [("error", LOCAL_TS), ("info", LOCAL_TS + 1)]
    plain = _write(tmp_path / "app.log.1", ["no time, no format, fatal"])
    assert list(LogSources().file(str(plain)))[0].source == "app.log"


def test_reader_reports_problems_without_raising(tmp_path: Path) -> None:
    bad_gz = tmp_path / "broken.log.gz"
    bad_gz.write_bytes(gzip.compress(b"Nov 24 03:07:30 h a: fine\n" * 500)[:-40])
    good = _write(tmp_path / "good.log", ["Nov 24 03:07:30 h a: fine"])
    sources = LogSources(ref_time=LOCAL_TS)
    lines = list(
        sources.files_and_patterns(
            [str(tmp_path / "missing.log"), str(tmp_path), str(bad_gz), str(tmp_path / "*.nope"), str(good)]
        )
    )
    assert len(lines) >= 1 and lines[-1].message == "fine"
    text = "\n".join(sources.problems)
    assert "missing.log: no such file" in text
    assert f"{tmp_path}: is a directory" in text
    assert "broken.log.gz: damaged gzip data" in text
    assert "*.nope: no file matches this pattern" in text
    assert sources.files[-1]["status"] == "read"


def test_reader_skips_files_not_modified_in_the_range(tmp_path: Path) -> None:
    old = _write(tmp_path / "old.log", ["Nov 24 03:07:30 h a: old news"])
    sources = LogSources(since=old.stat().st_mtime + 10)
    assert list(sources.file(str(old))) == []
    assert sources.files[0]["status"].startswith("skipped")
    assert sources.skipped_old == 1


def test_expand_patterns_sorted_and_deduplicated(tmp_path: Path) -> None:
    for name in ("b.log", "a.log", "c.txt"):
        _write(tmp_path / name, ["x"])
    paths, problems = expand_patterns([str(tmp_path / "*.log"), str(tmp_path / "a.log")])
    assert paths == [str(tmp_path / "a.log"), str(tmp_path / "b.log")]
    assert problems == []


def test_apache_error_log(parser: LogParser) -> None:
    line = (
        "[Tue Nov 24 03:07:30.250000 2026] [proxy:error] [pid 4242:tid 140] "
        "[client 198.51.100.2:50312] AH00957: HTTP: attempt to connect to 127.0.0.1:8080 failed"
    )
    p = parser.parse(line)
    assert p.ts == pytest.approx(LOCAL_TS + 0.25)
    assert (p.level, p.source) == ("error", "apache")
    assert p.message.startswith("AH00957: HTTP: attempt to connect")
    assert parser.parse("[Tue Nov  3 01:02:03 2026] [notice] resuming normal operations").level == "info"
