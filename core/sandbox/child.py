"""One running child: its output captured, its limits watched, its leftovers ended."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.sandbox import isolation as _iso
from core.sandbox import reaper
from core.sandbox.errors import SandboxError
from core.sandbox.isolation import BWRAP, Identity
from core.sandbox.limits import Limits
from core.sandbox.result import SandboxResult

_LOGGER = logging.getLogger(__name__)

READER_GRACE = 1.0  # seconds to finish reading after the child is gone
_MEMORY_MESSAGES = re.compile(
    rb"MemoryError|Cannot allocate memory|out of memory|bad_alloc|memory exhausted", re.I
)
_FILE_SIZE_MESSAGES = re.compile(rb"File too large|file size limit exceeded", re.I)
# How the wrappers (not the program) report that the sandbox could not be set up.
_SETUP_FAILURE = re.compile(
    rb"\A(bwrap: .*|(?:prlimit|setpriv|unshare): failed to (?:execute|set) .*)", re.M
)


@dataclass(frozen=True)
class Spawn:
    """The full command line (wrappers and program), its cwd and an optional preexec."""

    argv: list[str]
    cwd: str
    preexec: Callable[[], None] | None
    pass_fds: tuple[int, ...] = ()


class _Capture:
    """Keeps the first `cap` bytes of a stream and notes that more came."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()
        self.truncated = False

    def feed(self, chunk: bytes) -> None:
        room = self.cap - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        if len(chunk) > room:
            self.truncated = True


class _Child(asyncio.SubprocessProtocol):
    """Captures output as it arrives and tells when the child exited and its pipes closed.

    The exit is watched on its own: background children that keep the pipes open must not
    make the run wait for them.
    """

    def __init__(self, limits: Limits) -> None:
        self.out = _Capture(limits.max_output_bytes)
        self.err = _Capture(limits.max_output_bytes)
        self.drain_limit = limits.max_drain_bytes
        self.total = 0
        self.exited = asyncio.Event()
        self.overflow = asyncio.Event()
        self.closed = {1: asyncio.Event(), 2: asyncio.Event()}

    def pipe_data_received(self, fd: int, data: bytes | bytearray) -> None:
        (self.out if fd == 1 else self.err).feed(bytes(data))
        self.total += len(data)
        if self.total > self.drain_limit:
            self.overflow.set()

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd in self.closed:
            self.closed[fd].set()

    def process_exited(self) -> None:
        self.exited.set()


async def execute(
    spawn: Spawn,
    env: dict[str, str],
    stdin: bytes | None,
    limits: Limits,
    mode: str,
    identity: Identity | None,
    shown_argv: tuple[str, ...],
) -> SandboxResult:
    """Start `spawn`, enforce the wall-clock and output limits, and report the outcome."""
    loop = asyncio.get_running_loop()
    child = _Child(limits)
    started = time.monotonic()
    try:
        transport, _ = await loop.subprocess_exec(
            lambda: child,
            *spawn.argv,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=spawn.cwd,
            env=env,
            start_new_session=True,
            preexec_fn=spawn.preexec,
            pass_fds=spawn.pass_fds,
        )
    except OSError as err:
        raise SandboxError(f"could not start {shown_argv[0]!r}: {err}") from err
    pid = transport.get_pid()
    if stdin is not None:
        pipe = transport.get_pipe_transport(0)
        if pipe is not None:
            pipe.write(bytes(stdin))
            pipe.close()  # after the buffer is flushed; a child that quits early is fine
    reason: str | None = None
    try:
        if not await _first(child.exited, child.overflow, timeout=limits.wall_seconds):
            reason = "wall time"
        elif not child.exited.is_set():
            reason = "output"
        if reason:
            reaper.kill_group(pid)
            await child.exited.wait()
    except asyncio.CancelledError:
        reaper.kill_group(pid)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(_cleanup(pid, transport, child, identity))
        raise
    await _cleanup(pid, transport, child, identity)
    duration = time.monotonic() - started
    returncode = _normalize(transport.get_returncode(), mode)
    _raise_on_setup_failure(returncode, bytes(child.err.data), identity)
    reason = reason or _limit_reason(returncode, bytes(child.err.data))
    return SandboxResult(
        argv=shown_argv,
        returncode=returncode,
        stdout=bytes(child.out.data),
        stderr=bytes(child.err.data),
        timed_out=reason == "wall time",
        killed_reason=reason,
        truncated=child.out.truncated or child.err.truncated,
        duration=duration,
        isolation=mode,
    )


async def _first(*events: asyncio.Event, timeout: float) -> bool:
    """Wait until one of `events` is set; False when `timeout` passed first."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        done, _ = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        return bool(done)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)


async def _cleanup(
    pid: int,
    transport: asyncio.SubprocessTransport,
    child: _Child,
    identity: Identity | None,
) -> None:
    """After the main process: end what it left behind, finish reading, release the pipes."""
    try:
        if not await _first(child.exited, timeout=READER_GRACE):
            reaper.kill_group(pid)
            await child.exited.wait()
        # Whatever the program left behind (background children) ends with it.
        reaper.kill_group(pid)
        if identity is not None:
            left = await reaper.sweep_user(identity, _iso.find_tools())
            if left:
                _LOGGER.error("sandbox user %d still has processes %s", identity.uid, left)
        for closed in child.closed.values():
            # Something out of reach may still hold a pipe open; stop listening to it then.
            await _first(closed, timeout=READER_GRACE)
    finally:
        transport.close()


def _raise_on_setup_failure(returncode: int, stderr: bytes, identity: Identity | None) -> None:
    if returncode not in (1, 126, 127):
        return
    match = _SETUP_FAILURE.match(stderr)
    if match is None:
        return
    message = match.group(1).decode("utf-8", "replace").strip()
    hint = ""
    if identity is not None and "Permission denied" in message:
        hint = (
            f"; the program runs as the unprivileged user {identity.uid}: make the path "
            "readable by others, or pass a group that may read it"
        )
    raise SandboxError(f"the sandbox could not start the program: {message}{hint}")


def _normalize(returncode: int | None, mode: str) -> int:
    if returncode is None:
        return -signal.SIGKILL
    if mode == BWRAP and 128 < returncode < 128 + signal.NSIG:
        # bwrap reports a child killed by signal N as exit status 128 + N.
        return -(returncode - 128)
    return returncode


def _limit_reason(returncode: int, stderr: bytes) -> str | None:
    if returncode == 0:
        return None
    if returncode == -signal.SIGXCPU:
        return "cpu time"
    if returncode == -signal.SIGXFSZ or _FILE_SIZE_MESSAGES.search(stderr[-4096:]):
        return "file size"
    if _MEMORY_MESSAGES.search(stderr[-4096:]):
        return "memory"
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return None
