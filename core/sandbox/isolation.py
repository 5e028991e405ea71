"""How a child is isolated: which host tools exist, which mode is used, and its command line.

Three modes, best first:

- ``bwrap``: bubblewrap puts the child in new mount, PID, IPC, UTS (and network) namespaces
  where only the system directories, the caller's paths, a private /tmp and the work
  directory exist, under a seccomp filter (core.sandbox.syscalls) and with no new user
  namespaces.
- ``unshare``: util-linux ``unshare --net`` takes the network away; the file system is shared.
- ``none``: a plain child process with limits only.

In every mode the limits are set by ``prlimit`` right before the program starts, and when
Roost runs as root the child first drops to a dedicated unprivileged user with ``setpriv``:
RLIMIT_NPROC does not apply to root, and a user of its own makes the process limit count
only this run's processes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import resource
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from core.sandbox.errors import SandboxError
from core.sandbox.limits import Limits

_LOGGER = logging.getLogger(__name__)

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
BWRAP = "bwrap"
UNSHARE = "unshare"
NONE = "none"
AUTO = "auto"
MODES = (AUTO, BWRAP, UNSHARE, NONE)

# Dedicated user ids for children when Roost runs as root: far above any normal or
# subordinate (/etc/subuid) range, one per concurrent run.
SANDBOX_UID_BASE = 1_900_000_000
SANDBOX_UID_SPAN = 1_000_000

SYSTEM_DIRS = ("/usr",)
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")
SYSTEM_FILES = (
    "/etc/alternatives",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/os-release",
)
NETWORK_FILES = (
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/host.conf",
    "/etc/gai.conf",
    "/etc/services",
    "/etc/protocols",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/pki",
)
PROBE_TIMEOUT = 10.0
# bubblewrap 0.8 and later: no new user namespaces inside (where `unshare -U -r` would make the
# program root of one). As root there is no user namespace to limit; the seccomp filter
# (core.sandbox.syscalls) refuses unshare and clone with namespace flags in every case.
DISABLE_USERNS = "disable-userns"
USERNS_OFF = ["--unshare-user", "--disable-userns"]
_NO_BWRAP = "bubblewrap is not available (install the package 'bubblewrap' for full isolation)"


@dataclass(frozen=True)
class Tools:
    """Host programs the sandbox builds on (None when missing)."""

    bwrap: str | None
    unshare: str | None
    setpriv: str | None
    prlimit: str | None
    kill: str | None
    true: str | None


@cache
def find_tools() -> Tools:
    """Locate bwrap, unshare, setpriv, prlimit, kill and true on the safe PATH."""

    def which(name: str) -> str | None:
        return shutil.which(name, path=SAFE_PATH)

    return Tools(
        bwrap=which("bwrap"),
        unshare=which("unshare"),
        setpriv=which("setpriv"),
        prlimit=which("prlimit"),
        kill=which("kill"),
        true=which("true"),
    )


def running_as_root() -> bool:
    """True when the gateway runs with uid 0 (children must drop to a sandbox user)."""
    return os.geteuid() == 0


# ---------------------------------------------------------------- choosing a mode

_probed: dict[str, list[str] | None] = {}
_warned: set[str] = set()


async def _works(argv: Sequence[str]) -> bool:
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            env={"PATH": SAFE_PATH},
            cwd="/",
        )
    except OSError:
        return False
    try:
        return await asyncio.wait_for(proc.wait(), PROBE_TIMEOUT) == 0
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return False


async def _bwrap_works(tools: Tools) -> bool:
    if BWRAP not in _probed:
        found = None
        if tools.bwrap and tools.true:
            probe = [tools.bwrap, *_system_binds(network=False), "--proc", "/proc"]
            probe += ["--dev", "/dev", *_namespace_flags(network=False), "--", tools.true]
            if await _works(probe):
                found = [tools.bwrap]
                if not running_as_root() and await _works([*probe[:-2], *USERNS_OFF, "--", tools.true]):
                    _probed[DISABLE_USERNS] = USERNS_OFF
        _probed[BWRAP] = found
    return _probed[BWRAP] is not None


async def bubblewrap_works() -> bool:
    """Whether bubblewrap is installed and may create namespaces here (what isolation 'auto' prefers)."""
    return await _bwrap_works(find_tools())


async def _unshare_prefix(tools: Tools) -> list[str] | None:
    if UNSHARE not in _probed:
        found = None
        if tools.unshare and tools.true:
            if running_as_root():
                candidates = [["--net"]]
            else:
                candidates = [["--map-current-user", "--net"], ["--map-root-user", "--net"]]
            for flags in candidates:
                prefix = [tools.unshare, *flags, "--"]
                if await _works([*prefix, tools.true]):
                    found = prefix
                    break
        _probed[UNSHARE] = found
    return _probed[UNSHARE]


def _warn_once(mode: str, why: str) -> None:
    if mode in _warned:
        return
    _warned.add(mode)
    _LOGGER.warning("sandbox isolation is reduced to %r: %s", mode, why)


async def choose_mode(requested: str, network: bool) -> tuple[str, list[str]]:
    """The isolation mode to use and the command prefix it needs (only unshare has one)."""
    if requested not in MODES:
        raise SandboxError(f"unknown isolation {requested!r}; expected one of {', '.join(MODES)}")
    tools = find_tools()
    if requested in (AUTO, BWRAP):
        if await _bwrap_works(tools):
            return BWRAP, []
        if requested == BWRAP:
            raise SandboxError(
                "isolation 'bwrap' was requested but bubblewrap is not installed or cannot "
                "create namespaces here; install the package 'bubblewrap' or use isolation 'auto'"
            )
    why = f"isolation {requested!r} was requested" if requested != AUTO else _NO_BWRAP
    if requested in (AUTO, UNSHARE) and not network:
        prefix = await _unshare_prefix(tools)
        if prefix is not None:
            _warn_once(UNSHARE, f"{why}; children get no network but see the whole file system")
            return UNSHARE, prefix
        if requested == UNSHARE:
            raise SandboxError(
                "isolation 'unshare' was requested but 'unshare --net' (util-linux) is missing "
                "or not permitted here"
            )
    _warn_once(
        NONE,
        f"{why}; children run with resource limits only and see the whole file system "
        "and the network",
    )
    return NONE, []


# ---------------------------------------------------------------- the child's user

_uids_in_use: set[int] = set()


@dataclass(frozen=True)
class Identity:
    """The unprivileged user and groups a child runs as when Roost itself is root."""

    uid: int
    gid: int
    groups: tuple[int, ...] = ()


def allocate_identity(groups: Sequence[int]) -> Identity:
    """A sandbox user id no other run of this process is using."""
    while True:
        uid = SANDBOX_UID_BASE + random.randrange(SANDBOX_UID_SPAN)
        if uid not in _uids_in_use:
            _uids_in_use.add(uid)
            return Identity(uid=uid, gid=uid, groups=tuple(groups))


def release_identity(identity: Identity | None) -> None:
    """Give a sandbox user id back once nothing of its run is left."""
    if identity is not None:
        _uids_in_use.discard(identity.uid)


# ---------------------------------------------------------------- the command line


def _namespace_flags(network: bool) -> list[str]:
    flags = ["--die-with-parent", "--new-session"]
    if running_as_root():
        # No user namespace as root: inside one, the child's uid would map to root outside,
        # which the process limit ignores. setpriv drops to a sandbox user instead.
        flags += ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
        if not network:
            flags.append("--unshare-net")
    else:
        flags += ["--unshare-all", *(_probed.get(DISABLE_USERNS) or ())]
        if network:
            flags.append("--share-net")
    return flags


def _system_binds(network: bool) -> list[str]:
    # /etc made by hand: bwrap would make it 0700 as root, and the sandbox user could not
    # read the files bound into it (/etc/hosts, resolv.conf, ssl, localtime).
    args: list[str] = ["--perms", "0755", "--dir", "/etc"]
    for path in SYSTEM_DIRS:
        args += ["--ro-bind", path, path]
    for path in SYSTEM_LINKS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in SYSTEM_FILES + (NETWORK_FILES if network else ()):
        args += ["--ro-bind-try", path, path]
    return args


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def visible_roots(binds: Sequence[tuple[str, bool]]) -> list[str]:
    """Host paths a bwrap child can see (system directories plus the caller's binds)."""
    roots = list(SYSTEM_DIRS)
    roots += [p for p in SYSTEM_LINKS if os.path.isdir(p) and not os.path.islink(p)]
    return roots + [path for path, _ in binds]


def bwrap_args(
    bwrap: str,
    *,
    binds: Sequence[tuple[str, bool]],
    workdir: str,
    network: bool,
    limits: Limits,
    seccomp_fd: int | None = None,
) -> list[str]:
    """The bwrap part of the command line; `binds` are (host path, writable) pairs."""
    args = [bwrap, *_namespace_flags(network), *_system_binds(network)]
    if seccomp_fd is not None:
        args += ["--seccomp", str(seccomp_fd)]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    host_mounts = [*SYSTEM_DIRS, *(p for p in SYSTEM_LINKS if not os.path.islink(p))]
    host_mounts += [path for path, _ in binds]
    made = {"/etc", "/tmp", "/proc", "/dev"}  # mounted above; --dir would reset their modes
    # Parents before children, so a writable directory inside a read-only one stays writable.
    for path, writable in sorted(binds, key=lambda b: (b[0].count("/"), b[0])):
        for parent in _ancestors(path):
            if parent in made or any(_under(parent, m) for m in host_mounts):
                continue
            # bwrap would copy the host's mode (e.g. /root is 0700) and hide what is below.
            args += ["--perms", "0755", "--dir", parent]
            made.add(parent)
        args += ["--bind" if writable else "--ro-bind", path, path]
    args += ["--chdir", workdir, "--cap-drop", "ALL"]
    if running_as_root():
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        args += ["--cap-add", "CAP_SETPCAP"]
    return [*args, "--"]


def _ancestors(path: str) -> list[str]:
    parts = path.strip("/").split("/")[:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts)) if parts[i]]


def drop_privileges_args(setpriv: str, identity: Identity, *, pdeathsig: bool) -> list[str]:
    """setpriv switching to the sandbox user with no capabilities and no way back."""
    args = [setpriv, "--reuid", str(identity.uid), "--regid", str(identity.gid)]
    if identity.groups:
        args += ["--groups", ",".join(str(g) for g in identity.groups)]
    else:
        args.append("--clear-groups")
    args += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
    if pdeathsig:
        args += ["--pdeathsig", "KILL"]
    return [*args, "--"]


def prlimit_args(prlimit: str, limits: Limits, nproc: int) -> list[str]:
    """prlimit setting every resource limit right before the program starts."""
    cpu = int(limits.cpu_seconds)
    return [
        prlimit,
        f"--as={int(limits.memory_bytes)}",
        f"--cpu={cpu}:{cpu + 1}",  # SIGXCPU at the soft limit tells why it stopped
        f"--fsize={int(limits.file_size_bytes)}",
        f"--nproc={int(nproc)}",
        f"--nofile={int(limits.max_open_files)}",
        "--core=0",
        "--",
    ]


def rlimit_preexec(limits: Limits, nproc: int) -> Callable[[], None]:
    """A preexec function setting the same limits, for hosts without prlimit."""
    cpu = int(limits.cpu_seconds)
    pairs = [
        (resource.RLIMIT_AS, (int(limits.memory_bytes),) * 2),
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_FSIZE, (int(limits.file_size_bytes),) * 2),
        (resource.RLIMIT_NPROC, (int(nproc),) * 2),
        (resource.RLIMIT_NOFILE, (int(limits.max_open_files),) * 2),
        (resource.RLIMIT_CORE, (0, 0)),
    ]

    def apply() -> None:
        for which, value in pairs:
            resource.setrlimit(which, value)

    return apply
