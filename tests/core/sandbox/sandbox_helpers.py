"""Helpers for the sandbox attack tests: skip markers and scans of /proc for stray processes."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from core.sandbox import SAFE_PATH

HAVE_BWRAP = shutil.which("bwrap", path=SAFE_PATH) is not None
needs_bwrap = pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs to run as root")


def live_with_marker(marker: str) -> list[int]:
    """Pids of live (non-zombie) processes whose command line contains `marker`."""
    found = []
    needle = marker.encode()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in cmdline and state not in (b"Z", b"X"):
            found.append(int(entry.name))
    return found


def wait_gone(marker: str, timeout: float = 3.0) -> list[int]:
    """Poll until no live process carries `marker`; return what is left after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        left = live_with_marker(marker)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def live_children() -> list[int]:
    """Live (non-zombie) direct children of the test process."""
    me = str(os.getpid()).encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] not in (b"Z", b"X"):
            found.append(int(entry.name))
    return found
