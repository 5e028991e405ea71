"""Read log sources (files, glob patterns, gzip, journalctl JSON) into ParsedLine streams.

Sources that cannot be read are recorded as problems, never raised: one unreadable file
must not hide what the others say.
"""

from __future__ import annotations

import glob
import gzip
import io
import itertools
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from typing import IO

from .journal import parse_journal_entry
from .logformats import LogParser
from .records import ParsedLine

__all__ = ["LogSources", "expand_patterns"]

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
_DIGITS = "0123456789"
_ROTATION_SUFFIX = re.compile(r"(?:[.-]\d+)?(?:\.gz)?$")
_EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Fault)\b")


def expand_patterns(patterns: Iterable[str]) -> tuple[list[str], list[str]]:
    """Expand glob patterns into sorted, de-duplicated paths; patterns matching nothing are problems."""
    paths: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for pattern in patterns:
        pattern = os.path.expanduser(pattern)
        if glob.has_magic(pattern):
            matched = sorted(glob.glob(pattern, recursive=True))
            if not matched:
                problems.append(f"{pattern}: no file matches this pattern")
        else:
            matched = [pattern]
        for path in matched:
            if path not in seen:
                seen.add(path)
                paths.append(path)
    return paths, problems


def _source_name(path: str) -> str:
    name = os.path.basename(path)
    return _ROTATION_SUFFIX.sub("", name) or name


def _describe(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, expected a file"
    if isinstance(exc, gzip.BadGzipFile | EOFError | zlib.error):
        return f"damaged gzip data ({exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


class LogSources:
    """Iterates the parsed lines of files and journal streams; collects per-file figures and problems."""

    def __init__(self, *, ref_time: float | None = None, since: float | None = None) -> None:
        self.ref_time = ref_time
        self.since = since
        self.files: list[dict] = []
        self.problems: list[str] = []
        self.skipped_old = 0

    def files_and_patterns(self, patterns: Iterable[str]) -> Iterator[ParsedLine]:
        """Parsed lines of every file the patterns name, one file after the other.

        Files are checked and opened now (so `files`, `problems` and `skipped_old` already
        describe them); their lines are read as the result is iterated.
        """
        paths, problems = expand_patterns(patterns)
        self.problems.extend(problems)
        return itertools.chain.from_iterable([self.file(path) for path in paths])

    def file(self, path: str) -> Iterator[ParsedLine]:
        """Parsed lines of one file (plain or gzip); problems are recorded, not raised."""
        info = {"path": path, "lines": 0, "status": "read"}
        self.files.append(info)
        try:
            st = os.stat(path)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(path)
            if not stat.S_ISREG(st.st_mode):
                raise OSError(0, "not a regular file")
            if self.since is not None and st.st_mtime < self.since:
                info["status"] = "skipped: not modified since the start of the analysed range"
                self.skipped_old += 1
                return iter(())
            stream = self._open(path)
        except (OSError, ValueError) as exc:
            reason = _describe(exc)
            info["status"] = f"error: {reason}"
            self.problems.append(f"{path}: {reason}")
            return iter(())
        parser = LogParser(source=_source_name(path), ref_time=self.ref_time)
        return self._lines(stream, parser, info)

    def journal(self, stream: IO[str], name: str = "journal") -> Iterator[ParsedLine]:
        """Parsed records of `journalctl -o json` output, one JSON object per line."""
        info = {"path": name, "lines": 0, "status": "read"}
        self.files.append(info)
        bad = 0
        for line in stream:
            line = line.strip()
            if not line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if not isinstance(entry, dict):
                bad += 1
                continue
            info["lines"] += 1
            yield parse_journal_entry(entry)
        if bad:
            info["status"] = f"read, {bad} lines were not journal JSON"
            self.problems.append(f"{name}: {bad} lines were not journal JSON records")

    @staticmethod
    def _open(path: str) -> IO[str]:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller's with-block
        try:
            magic = raw.read(2)
            raw.seek(0)
        except OSError:
            raw.close()
            raise
        if magic == _GZIP_MAGIC:
            binary: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb")
        else:
            binary = raw
        return io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline=None)

    def _lines(self, stream: IO[str], parser: LogParser, info: dict) -> Iterator[ParsedLine]:
        parse = parser.parse
        guesses = parser.guesses  # the format that matched last, per first character
        read = stream.read
        last_ts: float | None = None
        in_trace = False
        count = 0
        pending = ""
        try:
            with stream:
                while True:  # big reads split in memory are faster than iterating the file
                    chunk = read(_CHUNK)
                    if chunk:
                        lines = (pending + chunk).split("\n")
                        pending = lines.pop()
                    elif pending:
                        lines, pending = [pending], ""
                    else:
                        break
                    for line in lines:
                        if not line:
                            continue
                        first = line[0]
                        if first == " " or first == "\t":  # continuation of the previous record
                            if last_ts is not None or in_trace or not line.strip():
                                continue
                        if in_trace:
                            in_trace = False
                            if _EXCEPTION_LINE.match(line):  # the exception that ends a traceback
                                continue
                        if first == "T" and line.startswith("Traceback (most recent call last)"):
                            in_trace = True
                            continue
                        count += 1
                        guess = guesses.get(line[:5:4] if first in _DIGITS else first)
                        pl = None if guess is None else guess(line)
                        if pl is None:
                            pl = parse(line)
                        ts = pl[0]
                        if ts is None:
                            if last_ts is not None:
                                pl = pl._replace(ts=last_ts)
                        else:
                            last_ts = ts
                        yield pl
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            reason = _describe(exc)
            info["status"] = f"error after {count} lines: {reason}"
            self.problems.append(f"{info['path']}: {reason} (after {count} lines)")
        finally:
            info["lines"] = count
