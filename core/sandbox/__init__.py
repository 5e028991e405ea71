"""The one door for running programs: `run(argv, ...)` and the allow-listed `CommandPolicy`.

Threat model. The programs Roost runs are ordinary system tools, but their arguments come
from chat messages, and a tool can misbehave or be made to. So a child must not: run a
shell (there is none: argv lists only, arguments are separate argv items); read or write
what it was not given (with bubblewrap it sees only read-only system directories, the
paths the caller allow-lists, a private /tmp and its work directory); reach the network
unless asked; see the gateway's environment (secrets, tokens); exhaust the machine (CPU
time, address space, file size, process count and output are capped, a wall-clock limit
kills the whole process tree, as does cancelling the awaiting task); or keep running after
its run (new PID namespace, process group and, as root, a dedicated unprivileged user that
is swept). Not covered: kernel exploits, disk space inside allowed writable paths, and,
without bubblewrap, file-system visibility (a warning is logged once).
"""

from __future__ import annotations

from core.sandbox.errors import CommandRefused, SandboxError
from core.sandbox.isolation import SAFE_PATH
from core.sandbox.limits import Limits, parse_size
from core.sandbox.policy import CONFIG_SCHEMA, SANDBOX_SCHEMA, CommandPolicy, CommandSpec
from core.sandbox.result import SandboxResult
from core.sandbox.runner import resolve_executable, run

__all__ = [
    "CONFIG_SCHEMA",
    "SAFE_PATH",
    "SANDBOX_SCHEMA",
    "CommandPolicy",
    "CommandRefused",
    "CommandSpec",
    "Limits",
    "SandboxError",
    "SandboxResult",
    "parse_size",
    "resolve_executable",
    "run",
]
