"""Making sure nothing a run started outlives it: process groups and sandbox users."""

from __future__ import annotations

import asyncio
import os
import signal
import time

from core.sandbox.isolation import Identity, Tools

SWEEP_TIMEOUT = 3.0


def kill_group(pgid: int) -> None:
    """SIGKILL a whole process group; a group that is already gone is fine."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def live_processes(uid: int) -> list[int]:
    """Pids of processes whose real uid is `uid`, zombies excepted (they hold nothing)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as status:
                text = status.read()
        except OSError:
            continue
        state = uid_line = None
        for line in text.splitlines():
            if line.startswith(b"State:"):
                state = line.split()[1]
            elif line.startswith(b"Uid:"):
                uid_line = line.split()
                break
        if uid_line and int(uid_line[1]) == uid and state not in (b"Z", b"X"):
            found.append(int(entry.name))
    return found


def count_processes(uid: int) -> int:
    """How many live processes run with real uid `uid`."""
    return len(live_processes(uid))


async def sweep_user(identity: Identity, tools: Tools) -> list[int]:
    """Kill every process of a sandbox user; returns pids still alive after SWEEP_TIMEOUT."""
    left = await asyncio.to_thread(live_processes, identity.uid)
    if not left:
        return []
    if tools.setpriv and tools.kill:
        # kill(-1) as that user reaches all of its processes in one pass, so a fork bomb
        # cannot outrun it the way a kill loop over a /proc listing can be outrun.
        uid = str(identity.uid)
        argv = [tools.setpriv, "--reuid", uid, "--regid", uid, "--clear-groups"]
        argv += ["--", tools.kill, "-KILL", "--", "-1"]
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
                env={"PATH": "/usr/bin:/bin"},
                cwd="/",
            )
            await proc.wait()
        except OSError:
            pass
    return await asyncio.to_thread(_kill_until_gone, identity.uid)


def _kill_until_gone(uid: int) -> list[int]:
    deadline = time.monotonic() + SWEEP_TIMEOUT
    while True:
        left = live_processes(uid)
        if not left or time.monotonic() > deadline:
            return left
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)
