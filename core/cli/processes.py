"""What Linux's /proc says of a running Roost: the signals it handles, and when it started."""

from __future__ import annotations

import os
import time
from pathlib import Path


def handles_signal(pid: int, signum: int) -> bool:
    """Whether the process handles signum (True when /proc cannot be read): unhandled, a reload's signal would end
    it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    caught = next((line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), None)
    return caught is None or bool(int(caught, 16) & (1 << (signum - 1)))


def started_at(pid: int) -> float | None:
    """When the process started (epoch seconds, to about 10 ms), or None when /proc cannot say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after the command's name, which may hold spaces
    return time.time() - (uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
