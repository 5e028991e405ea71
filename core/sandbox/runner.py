"""`run`: start one program in the sandbox, watch its limits, capture its output, clean up."""

from __future__ import annotations

import asyncio
import grp
import logging
import os
import shutil
from collections.abc import Mapping, Sequence

from core.sandbox import isolation as _iso
from core.sandbox import reaper, workspace
from core.sandbox.child import Spawn, execute
from core.sandbox.errors import SandboxError
from core.sandbox.isolation import BWRAP, SAFE_PATH, Identity
from core.sandbox.limits import Limits
from core.sandbox.result import SandboxResult
from core.sandbox.syscalls import filter_fd, filter_program

_LOGGER = logging.getLogger(__name__)


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
            try:
                result = await execute(spawn, child_env, stdin, limits, mode, identity, tuple(child))
            finally:
                for fd in spawn.pass_fds:
                    os.close(fd)
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


async def _spawn_plan(
    mode: str,
    prefix: list[str],
    child: list[str],
    binds: list[tuple[str, bool]],
    space: workspace.Workspace,
    limits: Limits,
    network: bool,
    identity: Identity | None,
) -> Spawn:
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
        program = await asyncio.to_thread(filter_program)
        fd = filter_fd(program) if program is not None else None
        outer = _iso.bwrap_args(
            tools.bwrap, binds=binds, workdir=space.work, network=network, limits=limits, seccomp_fd=fd
        )
        return Spawn([*outer, *inner, *child], space.root, preexec, () if fd is None else (fd,))
    return Spawn([*prefix, *inner, *child], space.work, preexec)
