"""The seccomp filter every bubblewrap child runs under: system calls a sandboxed program never needs.

Denied with EPERM: debugging other processes (``ptrace``, ``process_vm_*``), the kernel keyring,
``bpf``, ``userfaultfd``, ``perf_event_open``, mounting, new namespaces (``unshare``, ``setns``,
``clone`` with a namespace flag; ``clone3``, whose flags a filter cannot read, answers ENOSYS
so libc falls back to ``clone``), loading kernels and modules, swap, reboot, accounting,
I/O ports. libseccomp (through pyseccomp, a ctypes binding with the C library's own API)
knows each architecture's system call numbers; a call from a foreign architecture's ABI
(32-bit calls on x86-64) kills the process. bubblewrap loads the filter (``--seccomp FD``)
after it has built the namespaces, right before the program starts.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from functools import cache

_LOGGER = logging.getLogger(__name__)

DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "keyctl", "add_key", "request_key",
    "bpf", "userfaultfd", "perf_event_open",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
    "fspick", "mount_setattr",
    "unshare", "setns",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "swapon", "swapoff", "reboot", "acct", "iopl", "ioperm", "quotactl", "lookup_dcookie", "name_to_handle_at",
    "open_by_handle_at",
)
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME (linux/sched.h).
NAMESPACE_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x00000080)


@cache
def filter_program() -> bytes | None:
    """The compiled BPF program (cached), or None when libseccomp is not installed here."""
    try:
        import pyseccomp as seccomp  # only sandboxed runs need it (50 ms to import)
    except (ImportError, OSError, RuntimeError) as err:
        _LOGGER.warning("No seccomp filter for sandboxed programs: libseccomp is not available (%s); install"
                        " the package libseccomp2", err)
        return None
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    deny = seccomp.ERRNO(errno.EPERM)
    for name in DENIED:
        try:
            rules.add_rule(deny, name)
        except (ValueError, RuntimeError, OSError):  # a call this kernel's architecture does not have
            continue
    for flag in NAMESPACE_FLAGS:
        rules.add_rule(deny, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    with tempfile.TemporaryFile() as file:
        rules.export_bpf(file)
        file.seek(0)
        return file.read()


def filter_fd(program: bytes) -> int:
    """A file descriptor to read the program from (for bwrap --seccomp); the caller closes it."""
    fd = os.memfd_create("roost-seccomp", os.MFD_CLOEXEC)
    os.write(fd, program)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
