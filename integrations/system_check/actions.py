"""system_check's actions: log analysis in the sandbox, and a status report of this machine."""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from core.errors import PermanentError
from core.sandbox import Limits, SandboxError, run
from integrations.system_check.analyze import WindowError, parse_window
from integrations.system_check.status import collect_status

HERE = Path(__file__).resolve().parent
ANALYZER = HERE / "analyzer.py"
JOURNAL_DIRS = ("/var/log/journal", "/run/log/journal")


def interpreter(configured: str | None) -> tuple[str, list[str]]:
    """The Python the sandboxed analyzer runs with, and the paths it must be able to read."""
    if configured:
        return configured, [str(Path(configured).resolve().parent.parent)]
    system = "/usr/bin/python3"
    if os.path.exists(system):
        return system, []
    real = os.path.realpath(sys.executable)
    return real, [sys.base_prefix]


def window_seconds(data: dict[str, Any], default: str) -> float:
    """The window from the action data (e.g. the command's first argument), else the default."""
    value = data.get("window") or default
    if isinstance(value, list):
        value = value[0] if value else default
    return parse_window(str(value).strip())


def readable_roots(patterns: list[str]) -> list[str]:
    """The folders the sandbox must show for these file patterns (only ones that exist)."""
    roots: set[str] = set()
    for pattern in patterns:
        fixed = Path(pattern.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0])
        folder = fixed if pattern.endswith(("/", "*")) and fixed.is_dir() else fixed.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if folder.exists() and str(folder) != "/":
            roots.add(str(folder))
    return sorted(roots)


class SystemCheck:
    """The configured log sources and limits, and the two actions built on them."""

    def __init__(self, config: dict[str, Any], scrub: Any, isolation: str = "auto") -> None:
        self.config = config
        self.scrub = scrub
        self.isolation = isolation  # the sandbox section's choice ("bwrap" makes it required)
        self.limits = Limits(wall_seconds=config["timeout"], cpu_seconds=config["timeout"],
                             memory_bytes=1 << 30, max_output_bytes=1 << 20)

    def _journal_wanted(self) -> bool:
        setting = self.config["journal"]
        if setting == "auto":
            return shutil.which("journalctl") is not None and any(os.path.isdir(d) for d in JOURNAL_DIRS)
        return bool(setting)

    async def analyze_logs(self, _ctx: Any, data: dict[str, Any]) -> str:
        """Analyse the configured logs over the window; the report is scrubbed of PII."""
        try:
            window = window_seconds(data, self.config["default_window"])
        except WindowError as err:
            return f"{err}. Try /check_logs 30m or /check_logs 2h."
        baseline = self.config["baseline_windows"]
        configured = list(self.config["sources"])
        sources = list(data.get("sources") or configured)
        unknown = [s for s in sources if s not in configured]
        if unknown:  # action data may come from a chat: only configured sources can be read
            return f"Not a configured log source: {', '.join(unknown)}."
        python, python_paths = interpreter(self.config.get("python"))
        now = time.time()
        argv = [python, "-I", "-S", str(ANALYZER), "--window", str(window), "--now", f"{now:.3f}",
                "--baseline-windows", str(baseline), *sources]
        stdin = None
        read_paths = [str(HERE), *python_paths, *readable_roots(configured)]
        if self._journal_wanted():
            stdin = await self._journal(now - window * (baseline + 1))
            if stdin:
                argv.insert(4, "--journal")
        try:
            result = await run(argv, limits=self.limits, stdin=stdin, read_paths=read_paths,
                               groups=self._groups(), isolation=self.isolation)
        except SandboxError as err:
            raise PermanentError(f"log analysis could not run: {err}") from err
        if result.timed_out:  # a rerun would take as long again: say so instead of retrying
            return (f"The log analysis took longer than {self.config['timeout']:.0f} s and was stopped; "
                    "try a shorter window or fewer log sources.")
        if result.returncode != 0:
            raise PermanentError(f"log analysis failed: {result.text('stderr').strip()[:300]}")
        return self.scrub(result.text().strip())

    async def _journal(self, since: float) -> bytes | None:
        argv = ["journalctl", "--since", f"@{int(since)}", "-o", "json", "--no-pager", "-q"]
        read_paths = [d for d in JOURNAL_DIRS if os.path.isdir(d)]
        limits = self.limits.with_changes(max_output_bytes=64 << 20)
        try:
            result = await run(argv, limits=limits, read_paths=read_paths, groups=self._groups(),
                               isolation=self.isolation)
        except SandboxError:
            return None
        return result.stdout if result.returncode == 0 and result.stdout else None

    def _groups(self) -> tuple[str, ...]:
        import grp

        found = []
        for name in self.config["groups"]:
            try:
                grp.getgrnam(name)
            except KeyError:
                continue
            found.append(name)
        return tuple(found)

    async def status(self, _ctx: Any, _data: dict[str, Any]) -> str:
        """Disk, memory, load, uptime, failed units and top processes; scrubbed of PII."""
        report = await asyncio.to_thread(collect_status, self.config["disk_warn_percent"])
        return self.scrub(report.to_text())


def existing_sources(patterns: list[str]) -> list[str]:
    """The patterns that match at least one file now (for the startup log line)."""
    return [p for p in patterns if glob.glob(p)]
