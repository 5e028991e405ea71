"""Living under systemd: readiness, watchdog and stopping notices over $NOTIFY_SOCKET (the sd_notify protocol).

The protocol is one datagram of ``KEY=value`` lines to the Unix socket systemd names in
``$NOTIFY_SOCKET`` (a leading ``@`` is Linux's abstract namespace). Without that variable
(not started by systemd with ``Type=notify``) every call here does nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from pathlib import Path
from typing import Any

_LOGGER = logging.getLogger(__name__)
SYSTEMD_RUNTIME = Path("/run/systemd/system")
"""Exists when systemd is the running init system (what sd_booted() checks)."""
WATCHDOG_DOMAIN = "systemd"


def running() -> bool:
    """Whether this machine was booted with systemd (a container or a plain chroot usually was not)."""
    return SYSTEMD_RUNTIME.is_dir()


def notify(*lines: str) -> bool:
    """Send lines (``READY=1``, ``STATUS=...``) to systemd; whether there was a socket to send them to."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(lines).encode())
    except OSError as err:
        _LOGGER.warning("Cannot tell systemd %s: %s", ", ".join(lines), err.strerror or err)
        return False
    return True


def watchdog_interval() -> float | None:
    """Seconds between watchdog pings systemd expects of this process (half its WatchdogSec), or None."""
    usec, pid = os.environ.get("WATCHDOG_USEC"), os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return max(int(usec) / 2e6, 0.05)
    except ValueError:
        return None


async def keep_watchdog(gateway: Any, interval: float) -> None:
    """Ping the watchdog every interval while the store still confirms a write in time.

    A gateway whose store stopped writing, or whose event loop is stuck, stops pinging, and systemd
    restarts it (``Restart=on-failure``).
    """
    state = gateway.storage(WATCHDOG_DOMAIN)
    while True:
        started = time.monotonic()
        try:
            async with asyncio.timeout(interval):
                await state.set("watchdog", time.time())
        except Exception as err:  # a timeout, or the store is gone: no ping; systemd decides
            _LOGGER.error("Watchdog: the store did not confirm a write (%s); not telling systemd all is well",
                          type(err).__name__)
        else:
            notify("WATCHDOG=1")
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
