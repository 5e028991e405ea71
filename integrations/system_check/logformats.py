"""Recognise and parse common log line formats into ParsedLine values.

Formats: RFC 3164 and RFC 5424 syslog, nginx/apache access logs (common and combined),
nginx and apache error logs, JSON lines, Python logging (with and without a time), and lines that
start with an ISO-8601 time in general. A LogParser is made per file: it dispatches on the
first character and tries the format that matched the previous line first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from .journal import parse_journal_entry
from .records import DEBUG, ERROR, INFO, LEVELS, SYSLOG_SEVERITY, WARNING, ParsedLine, keyword_level
from .timestamps import MONTHS, TimeParser

__all__ = ["LogParser"]


_RFC5424 = re.compile(
    r"<(\d{1,3})>\d{1,2} (\S+) (\S+) (\S+) (\S+) (\S+) (?:-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$"
)
_RFC3164 = re.compile(
    r"(?:<(\d{1,3})>)?([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+) (?:([^:\[\s]+)(?:\[\d+\])?: ?)?(.*)"
)
_ACCESS = re.compile(r'\S+ \S+ \S+ \[([^\]]+)\] "([^"]*)" (\d{3}) ')
_NGINX_ERROR = re.compile(
    r"(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*)"
)
_ISO_LINE = re.compile(
    r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|z|[+-]\d\d(?::?\d\d)?| UTC| GMT)?)"
    r"[\s|\]]*(.*)"
)
# the usual Python logging shapes after the time: "ERROR name: msg", "[ERROR] msg", "INFO: msg"
_PYLOG_REST = re.compile(
    r"\[?(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|NOTICE|TRACE)\]?:?\s+(?:\[?([\w.\-/]+)\]?: )?(.*)"
)
_APACHE_ERROR = re.compile(
    r"\[\w{3} (\w{3}) ([ \d]\d) (\d\d:\d\d:\d\d(?:\.\d+)?) (\d{4})\] \[(?:[\w-]+:)?(\w+)\]"
    r"(?: \[pid \d+(?::tid \d+)?\])?(?: \[client [^\]]+\])? (.*)"
)
_PY_NOTIME = re.compile(r"(DEBUG|INFO|WARNING|ERROR|CRITICAL):([^:]*):(.*)")
_LEAD_LEVEL = re.compile(r"[\[(<]?([A-Za-z]{3,13})[\])>]?(?::|\s+-)?\s+")
_NAME_COLON = re.compile(r"\[?([\w.\-/]+)\]?:? (.*)")
_HOST_TAG = re.compile(r"(\S+) ([^:\[\s]+)(?:\[\d+\])?: (.*)")
_LEVEL_TOKEN = re.compile(
    r"(?<![\w.])[\[(<]?(TRACE|DEBUG|INFO|NOTICE|LOG|WARN|WARNING|ERROR|ERR|CRITICAL|CRIT|FATAL"
    r"|SEVERE|EMERG|ALERT|PANIC|Debug|Info|Warn|Warning|Error|Critical|Fatal|level=\w+)"
    r"[\])>]?(?=[\s:|,\-]|$)"
)

_JSON_TIME_KEYS = ("time", "timestamp", "ts", "@timestamp", "datetime", "date", "t")
_JSON_LEVEL_KEYS = ("level", "severity", "lvl", "levelname", "loglevel", "log.level", "priority")
_JSON_MSG_KEYS = ("msg", "message", "MESSAGE", "event", "text", "log")
_JSON_SOURCE_KEYS = ("logger", "name", "logger_name", "module", "component", "service", "app")
_NUMERIC_LEVELS = {10: DEBUG, 20: INFO, 30: INFO, 40: WARNING, 50: ERROR, 60: ERROR}
_DIGITS = "0123456789"
_DIGIT_BYTES = b"0123456789"
_CACHE_LIMIT = 50_000
_new = tuple.__new__  # builds a ParsedLine without the Python-level NamedTuple constructor

Parser = Callable[[str], "ParsedLine | None"]


class LogParser:
    """Parses the lines of one file; per kind of first character, tries the format that matched last."""

    def __init__(self, *, source: str = "log", ref_time: float | None = None) -> None:
        self.source = source
        self.time = TimeParser(ref_time)
        self.guesses: dict[str, Parser] = {}  # key: first character (two for digit-led lines)
        self._by_first: dict[str, tuple[Parser, ...]] = {}
        self._levels: dict[bytes, str] = {}
        self._status_sources: dict[str, str] = {}

    def parse(self, line: str) -> ParsedLine:
        """Parse one line (without its newline); unknown shapes come back with ts None."""
        first = line[:1]
        if first in _DIGITS:  # years, IPv4 clients: the fifth character tells them apart
            first = line[:5:4]
        guess = self.guesses.get(first)
        if guess is not None:
            parsed = guess(line)
            if parsed is not None:
                return parsed
        for parser in self._candidates(first[:1]):
            if parser is guess:
                continue
            parsed = parser(line)
            if parsed is not None:
                self.guesses[first] = parser
                return parsed
        return _new(ParsedLine, (None, self.level_of(line), line, self.source, line))

    def level_of(self, message: str) -> str:
        """keyword_level, cached by the message with its digits removed (numbers never decide it)."""
        try:
            key = message.encode().translate(None, _DIGIT_BYTES)
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape
            key = message.encode("utf-8", "surrogatepass").translate(None, _DIGIT_BYTES)
        level = self._levels.get(key)
        if level is None:
            level = keyword_level(message)
            if len(self._levels) >= _CACHE_LIMIT:
                self._levels.clear()
            self._levels[key] = level
        return level

    def _candidates(self, first: str) -> tuple[Parser, ...]:
        found = self._by_first.get(first)
        if found is None:
            if first == "<":
                found = (self.rfc5424, self.rfc3164)
            elif first == "{":
                found = (self.json_line,)
            elif first == "[":
                found = (self.apache_error,)
            elif first and first in _DIGITS:
                found = (self.iso_line, self.nginx_error, self.access)
            elif "A" <= first <= "Z":
                found = (self.rfc3164, self.python_notime, self.access)
            else:
                found = (self.access,)
            self._by_first[first] = found
        return found

    # -- formats -------------------------------------------------------------------------

    def rfc5424(self, line: str) -> ParsedLine | None:
        """'<165>1 2026-11-24T03:07:30.003Z host app 123 ID47 [sd] message'."""
        m = _RFC5424.match(line)
        if m is None:
            return None
        pri, stamp, _host, app, _procid, _msgid, msg = m.groups()
        ts = None if stamp == "-" else self.time.iso(stamp)
        msg = (msg or "").lstrip("\ufeff")
        level = SYSLOG_SEVERITY[int(pri) & 7]
        return _new(ParsedLine, (ts, level, msg, self.source if app == "-" else app, line))

    def rfc3164(self, line: str) -> ParsedLine | None:
        """'Nov 24 03:07:30 host prog[123]: message', optionally with a '<PRI>' prefix."""
        m = _RFC3164.match(line)
        if m is None:
            return None
        pri, stamp, _host, tag, msg = m.groups()
        if stamp[:3] not in MONTHS:
            return None
        ts = self.time.syslog(stamp)
        level = self.level_of(msg) if pri is None else SYSLOG_SEVERITY[int(pri) & 7]
        return _new(ParsedLine, (ts, level, msg, tag or self.source, line))

    def access(self, line: str) -> ParsedLine | None:
        """nginx/apache access log, common or combined; the level follows the status code.

        The message is 'METHOD /path' (query string dropped) and the source 'FILE STATUS'.
        """
        m = _ACCESS.match(line)
        if m is None:
            return None
        stamp, request, status = m.groups()
        parts = request.split(" ", 2)
        if len(parts) >= 2:
            target = parts[1]
            cut = target.find("?")
            request = parts[0] + " " + (target if cut < 0 else target[:cut])
        code = status[0]
        level = ERROR if code == "5" else WARNING if code == "4" else INFO
        # the status goes into the source: templates mask every number in the message
        source = self._status_sources.get(status)
        if source is None:
            source = self._status_sources[status] = f"{self.source} {status}"
        return _new(ParsedLine, (self.time.clf(stamp), level, request, source, line))

    def nginx_error(self, line: str) -> ParsedLine | None:
        """'2026/11/24 03:07:30 [error] 123#0: *5 message'."""
        m = _NGINX_ERROR.match(line)
        if m is None:
            return None
        stamp, lvl, msg = m.groups()
        return _new(ParsedLine, (self.time.slashed(stamp), LEVELS.get(lvl, INFO), msg, "nginx", line))

    def apache_error(self, line: str) -> ParsedLine | None:
        """'[Tue Nov 24 03:07:30.123456 2026] [core:error] [pid 12] [client 1.2.3.4:5] message'."""
        m = _APACHE_ERROR.match(line)
        if m is None:
            return None
        month, day, clock, year, lvl, msg = m.groups()
        number = MONTHS.get(month)
        if number is None:
            return None
        ts = self.time.iso(f"{year}-{number:02d}-{day.strip():0>2} {clock}")
        return _new(ParsedLine, (ts, LEVELS.get(lvl.lower(), INFO), msg, "apache", line))

    def python_notime(self, line: str) -> ParsedLine | None:
        """Python logging's basicConfig default 'ERROR:name:message' (no time)."""
        m = _PY_NOTIME.match(line)
        if m is None:
            return None
        lvl, name, msg = m.groups()
        return _new(ParsedLine, (None, LEVELS[lvl.lower()], msg, name or self.source, line))

    def iso_line(self, line: str) -> ParsedLine | None:
        """Lines that start with an ISO-8601 time: Python logging, rsyslog RFC 3339, and others."""
        m = _ISO_LINE.match(line)
        if m is None:
            return None
        stamp, rest = m.groups()
        ts = self.time.iso(stamp)
        if ts is None:
            return None
        py = _PYLOG_REST.match(rest)
        if py is not None:
            lvl, name, msg = py.groups()
            return _new(ParsedLine, (ts, LEVELS[lvl.lower()], msg, name or self.source, line))
        return self._iso_rest(ts, rest, line)

    def _iso_rest(self, ts: float, rest: str, line: str) -> ParsedLine:
        lead = _LEAD_LEVEL.match(rest)
        if lead is not None:
            level = LEVELS.get(lead.group(1).lower())
            if level is not None:
                body = rest[lead.end() :]
                named = _NAME_COLON.match(body)
                if named is not None and (body[:1] == "[" or ":" in body[: named.start(2)]):
                    return _new(ParsedLine, (ts, level, named.group(2), named.group(1), line))
                return _new(ParsedLine, (ts, level, body, self.source, line))
        token = _LEVEL_TOKEN.search(rest, 0, 64)
        if token is not None:
            word = token.group(1)
            if word.startswith("level="):
                word = word[6:]
            level = LEVELS.get(word.lower())
            if level is not None:
                before = rest[: token.start()].strip(" -|:[]()")
                msg = rest[token.end() :].lstrip(" -|:]") or rest
                if not before or " " in before or before.isdigit():
                    before = self.source
                return _new(ParsedLine, (ts, level, msg, before, line))
        tagged = _HOST_TAG.match(rest)
        if tagged is not None:
            msg = tagged.group(3)
            return _new(ParsedLine, (ts, self.level_of(msg), msg, tagged.group(2), line))
        return _new(ParsedLine, (ts, self.level_of(rest), rest, self.source, line))

    def json_line(self, line: str) -> ParsedLine | None:
        """One JSON object per line, with the usual time, level and message keys."""
        try:
            obj = json.loads(line)
        except ValueError:
            return None
        if not isinstance(obj, dict):
            return None
        if "__REALTIME_TIMESTAMP" in obj:
            return parse_journal_entry(obj)
        get = obj.get
        ts = None
        for key in _JSON_TIME_KEYS:
            value = get(key)
            if value is not None:
                ts = self._json_time(value)
                if ts is not None:
                    break
        msg = None
        for key in _JSON_MSG_KEYS:
            value = get(key)
            if value.__class__ is str:
                msg = value
                break
        if "error" in obj or "err" in obj:
            err = get("error") or get("err")
            if isinstance(err, dict):
                err = err.get("message") or err.get("msg")
            if isinstance(err, str) and err and err != msg:
                msg = err if msg is None else msg + ": " + err
        if msg is None:
            msg = line
        level = None
        for key in _JSON_LEVEL_KEYS:
            value = get(key)
            if value is not None:
                level = LEVELS.get(value.lower()) if value.__class__ is str else _json_level(value)
                if level is not None:
                    break
        if level is None:
            level = self.level_of(msg)
        source = self.source
        for key in _JSON_SOURCE_KEYS:
            value = get(key)
            if value.__class__ is str and value:
                source = value
                break
        return _new(ParsedLine, (ts, level, msg, source, line))

    def _json_time(self, value: object) -> float | None:
        if value.__class__ is str:
            if len(value) >= 16 and value[4:5] == "-" and value[:1].isdigit():
                return self.time.iso(value)
            try:
                return self.time.epoch_number(float(value))
            except ValueError:
                return None
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return self.time.epoch_number(float(value))
        return None


def _json_level(value: object) -> str | None:
    if isinstance(value, str):
        return LEVELS.get(value.lower())
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= 7:
            return SYSLOG_SEVERITY[value]
        return _NUMERIC_LEVELS.get(value - value % 10)
    return None
