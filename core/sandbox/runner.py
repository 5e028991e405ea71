"""`run`: start one program in the sandbox, watch its limits, capture its output, clean up."""

from __future__ import annotations

import asyncio
import contextlib
import grp
import logging
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from core.sandbox import isolation as _iso
from core.sandbox import reaper, workspace
from core.sandbox.errors import SandboxError
from core.sandbox.isolation import BWRAP, SAFE_PATH, Identity
from core.sandbox.limits import Limits
from core.sandbox.result import SandboxResult

_LOGGER = logging.getLogger(__name__)

READ_CHUNK = 64 * 1024
READER_GRACE = 1.0  # seconds to finish reading after the child is gone
_MEMORY_MESSAGES = re.compile(
    rb"MemoryError|Cannot allocate memory|out of memory|bad_alloc|memory exhausted", re.I
)
_FILE_SIZE_MESSAGES = re.compile(rb"File too large|file size limit exceeded", re.I)


async def run(
    argv: Sequence[str],
    *,
    limits: Limits | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    read_paths: Sequence[str] = (),
    write_paths: Sequence[str] = (),
    network: bool = False,
    workdir: str | None = None,
    groups: Sequence[str | int] = (),
    isolation: str = "auto",
) -> SandboxResult:
    """Run `argv` (no shell) in the sandbox and return what happened.

    `read_paths` and `write_paths` are host paths the child may see read-only or read-write
    (with bubblewrap nothing else outside the system directories exists for it). `groups`
    are supplementary groups for the child's user when Roost runs as root, e.g. "adm" to read
    logs. `isolation` is "auto" (the best available), or "bwrap", "unshare" or "none"
    to require one. Refusals raise SandboxError; a program that fails is a result.
    """
    limits = limits or Limits()
    command = _check_argv(argv)
    if stdin is not None and not isinstance(stdin, (bytes, bytearray, memoryview)):
        raise SandboxError(f"stdin must be bytes, got {type(stdin).__name__}")
    executable = resolve_executable(command[0])
    extra_env = _check_env(env)
    binds = _binds(read_paths, write_paths)
    work = workspace.check_workdir(workdir) if workdir is not None else None
    gids = _resolve_groups(groups)
    mode, prefix = await _iso.choose_mode(isolation, network)
    tools = _iso.find_tools()
    identity = None
    if _iso.running_as_root():
        if not tools.setpriv:
            raise SandboxError(
                "Roost runs as root and needs 'setpriv' (util-linux) to run programs as an "
                "unprivileged user; install util-linux or run Roost as a normal user"
            )
        identity = _iso.allocate_identity(gids)
    try:
        space = await asyncio.to_thread(workspace.create, identity, work)
        try:
            binds = [b for b in binds if b[0] != space.work] + [(space.work, True)]
            if mode == BWRAP:
                _check_visible(executable, binds)
            child = [executable, *command[1:]]
            spawn = await _spawn_plan(mode, prefix, child, binds, space, limits, network, identity)
            home_tmp = "/tmp" if mode == BWRAP else space.tmp
            child_env = {"PATH": SAFE_PATH, "LANG": "C.UTF-8", "HOME": space.work}
            child_env |= {"TMPDIR": home_tmp, **extra_env}
            result = await _execute(spawn, child_env, stdin, limits, mode, identity, tuple(child))
        finally:
            await asyncio.to_thread(workspace.remove, space.root)
    finally:
        _iso.release_identity(identity)
    _LOGGER.debug("sandbox: %s", result.describe())
    return result


# ---------------------------------------------------------------- checks


def _check_argv(argv: Sequence[str]) -> list[str]:
    if isinstance(argv, (str, bytes)):
        raise SandboxError(
            "argv must be a list of strings such as ['ls', '-l'], not one string: "
            "programs are never started through a shell"
        )
    try:
        items = list(argv)
    except TypeError:
        raise SandboxError(f"argv must be a list of strings, got {type(argv).__name__}") from None
    if not items:
        raise SandboxError("argv is empty: expected the program followed by its arguments")
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise SandboxError(
                f"argv[{index}] must be a string, got {type(item).__name__} ({item!r})"
            )
        if "\0" in item:
            raise SandboxError(f"argv[{index}] contains a NUL byte")
    if not items[0]:
        raise SandboxError("argv[0] is empty: expected a program name")
    return items


def resolve_executable(name: str) -> str:
    """The absolute path of a program: absolute as given, or found on the safe PATH."""
    if os.path.isabs(name):
        if not (os.path.isfile(name) and os.access(name, os.X_OK)):
            raise SandboxError(f"program {name!r} does not exist or is not executable")
        return name
    if "/" in name:
        raise SandboxError(
            f"program {name!r} must be a bare command name (looked up in {SAFE_PATH}) "
            "or an absolute path"
        )
    found = shutil.which(name, path=SAFE_PATH)
    if found is None:
        raise SandboxError(f"command not found: {name!r} (searched {SAFE_PATH})")
    return found


def _check_env(env: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (env or {}).items():
        if not isinstance(key, str) or not key or "=" in key or "\0" in key:
            raise SandboxError(f"environment name {key!r} is not valid")
        if not isinstance(value, str) or "\0" in value:
            raise SandboxError(f"environment value of {key} must be a string without NUL bytes")
        out[key] = value
    return out


def _binds(read_paths: Sequence[str], write_paths: Sequence[str]) -> list[tuple[str, bool]]:
    for name, paths in (("read_paths", read_paths), ("write_paths", write_paths)):
        if isinstance(paths, str):
            raise SandboxError(f"{name} must be a list of paths, not one string")
    writable = {workspace.check_path(p, "write path") for p in write_paths}
    readable = {workspace.check_path(p, "read path") for p in read_paths} - writable
    return [(p, False) for p in sorted(readable)] + [(p, True) for p in sorted(writable)]


def _resolve_groups(groups: Sequence[str | int]) -> tuple[int, ...]:
    if isinstance(groups, str):
        groups = [groups]
    gids = []
    for group in groups:
        if isinstance(group, int) and not isinstance(group, bool):
            gids.append(group)
            continue
        try:
            gids.append(grp.getgrnam(str(group)).gr_gid)
        except KeyError:
            raise SandboxError(f"group {group!r} does not exist on this host") from None
    return tuple(gids)


def _check_visible(executable: str, binds: list[tuple[str, bool]]) -> None:
    real = os.path.realpath(executable)
    roots = _iso.visible_roots(binds)
    if not any(real == r or real.startswith(r.rstrip("/") + "/") for r in roots):
        raise SandboxError(
            f"program {executable!r} is not visible inside the sandbox; add its directory "
            f"(or the installation it belongs to) to read_paths"
        )


# ---------------------------------------------------------------- the command line


@dataclass(frozen=True)
class _Spawn:
    argv: list[str]
    cwd: str
    preexec: Callable[[], None] | None


async def _spawn_plan(
    mode: str,
    prefix: list[str],
    child: list[str],
    binds: list[tuple[str, bool]],
    space: workspace.Workspace,
    limits: Limits,
    network: bool,
    identity: Identity | None,
) -> _Spawn:
    tools = _iso.find_tools()
    nproc = limits.max_processes
    if identity is None and mode == _iso.NONE:
        # Without a user namespace the count covers all of this user's processes.
        nproc += await asyncio.to_thread(reaper.count_processes, os.getuid())
    inner: list[str] = []
    if identity is not None:
        assert tools.setpriv
        inner += _iso.drop_privileges_args(tools.setpriv, identity, pdeathsig=mode != BWRAP)
    preexec = None
    if tools.prlimit:
        inner += _iso.prlimit_args(tools.prlimit, limits, nproc)
    else:
        preexec = _iso.rlimit_preexec(limits, nproc)
    if mode == BWRAP:
        assert tools.bwrap
        outer = _iso.bwrap_args(
            tools.bwrap, binds=binds, workdir=space.work, network=network, limits=limits
        )
        return _Spawn([*outer, *inner, *child], space.root, preexec)
    return _Spawn([*prefix, *inner, *child], space.work, preexec)


# ---------------------------------------------------------------- running


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


async def _execute(
    spawn: _Spawn,
    env: dict[str, str],
    stdin: bytes | None,
    limits: Limits,
    mode: str,
    identity: Identity | None,
    shown_argv: tuple[str, ...],
) -> SandboxResult:
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
