"""Attacks on the sandbox with bubblewrap: each one is contained and reported."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import pytest
from conftest import Listener
from sandbox_helpers import live_with_marker, needs_bwrap, needs_root, wait_gone

from core.sandbox import Limits, SandboxError, run

pytestmark = needs_bwrap

FAST = Limits(wall_seconds=3, cpu_seconds=2)


async def test_secret_outside_the_allow_list_is_invisible(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET\n")
    secret.chmod(0o644)  # only the sandbox's walls protect it, not its mode

    result = await run(["cat", str(secret)], limits=FAST, isolation="bwrap")

    assert result.isolation == "bwrap"
    assert result.returncode != 0
    assert b"TOPSECRET" not in result.stdout
    assert b"No such file" in result.stderr

    allowed = await run(["cat", str(secret)], limits=FAST, read_paths=[str(secret)])
    assert allowed.ok and allowed.stdout == b"TOPSECRET\n"


async def test_only_system_directories_are_visible() -> None:
    result = await run(["ls", "-A", "/"], limits=FAST, isolation="bwrap")

    assert result.ok, result.stderr
    names = set(result.text().split())
    system = {"usr", "bin", "sbin", "lib", "lib64", "lib32", "libx32", "etc", "proc", "dev", "tmp"}
    system.add(Path(tempfile.gettempdir()).parts[1])  # where the work directory lives
    assert names <= system, names - system
    assert not {"root", "home", "work", "var", "opt", "srv", "mnt"} - system & names

    etc = await run(["ls", "-A", "/etc"], limits=FAST)
    assert "shadow" not in etc.text().split()
    shadow = await run(["cat", "/etc/shadow"], limits=FAST)
    assert shadow.returncode != 0 and shadow.stdout == b""


async def test_write_outside_the_work_dir_fails(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    outside.chmod(0o777)
    target = outside / "pwned.txt"
    script = f"echo pwned > {target}; echo pwned > /usr/pwned; echo ok > inside.txt; cat inside.txt"

    result = await run(["sh", "-c", script], limits=FAST, isolation="bwrap")

    assert not target.exists()
    assert not Path("/usr/pwned").exists()
    assert result.stdout == b"ok\n"  # the work directory itself is writable
    assert b"Read-only file system" in result.stderr

    allowed = await run(
        ["sh", "-c", f"echo granted > {target}"], limits=FAST, write_paths=[str(outside)]
    )
    assert allowed.ok, allowed.stderr
    assert target.read_text() == "granted\n"


async def test_no_network_unless_asked(listener: Listener) -> None:
    connect = f"exec 3<>/dev/tcp/127.0.0.1/{listener.port} && head -n1 <&3"

    blocked = await run(["bash", "-c", connect], limits=FAST, isolation="bwrap")

    assert blocked.returncode != 0
    assert b"hello from the host" not in blocked.stdout
    assert listener.accepted == []

    allowed = await run(["bash", "-c", connect], limits=FAST, network=True, isolation="bwrap")
    assert allowed.ok, allowed.stderr
    assert allowed.stdout == b"hello from the host\n"
    assert len(listener.accepted) == 1


async def test_fork_bomb_is_stopped_by_the_process_limit(
    python: tuple[str, list[str]], marker: str
) -> None:
    exe, paths = python
    bomb = f"""
# {marker}
import os, sys, time
made = 0
try:
    for _ in range(3000):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        made += 1
except OSError as err:
    print(made, type(err).__name__, flush=True)
    sys.exit(3)
print(made, flush=True)
"""
    limits = Limits(wall_seconds=5, cpu_seconds=2, max_processes=12)
    started = time.monotonic()

    result = await run([exe, "-I", "-c", bomb], limits=limits, read_paths=paths)

    made, error = result.text().split()
    assert error == "BlockingIOError"  # EAGAIN from fork: the limit, not the clock
    assert int(made) < 12
    assert result.returncode == 3 and not result.timed_out
    assert time.monotonic() - started < 5
    assert wait_gone(marker) == []


@needs_root
async def test_fork_bomb_that_leaves_its_session_is_still_swept(marker: str) -> None:
    # The children call setsid; the PID namespace ends them with the run.
    script = f'for i in 1 2 3 4 5; do setsid sh -c "sleep 30; :" {marker} & done; exit 0'

    result = await run(["sh", "-c", script, marker], limits=FAST)

    assert result.returncode == 0
    assert wait_gone(marker) == []


async def test_memory_bomb_is_stopped(python: tuple[str, list[str]]) -> None:
    exe, paths = python
    bomb = "chunks = []\nwhile True:\n    chunks.append(bytearray(64 * 1024 * 1024))"
    limits = Limits(wall_seconds=5, cpu_seconds=3, memory_bytes=256 * 1024 * 1024)

    result = await run([exe, "-I", "-c", bomb], limits=limits, read_paths=paths)

    assert result.killed_reason == "memory"
    assert b"MemoryError" in result.stderr
    assert not result.timed_out and result.duration < 5


async def test_infinite_loop_is_stopped_by_cpu_time() -> None:
    limits = Limits(wall_seconds=15, cpu_seconds=1)

    result = await run(["sh", "-c", "while :; do :; done"], limits=limits)

    assert result.killed_reason == "cpu time"
    assert result.returncode == -24  # SIGXCPU, reported the same way as without bwrap
    assert 0.9 < result.duration < 14


async def test_sleeper_is_stopped_by_wall_time(marker: str) -> None:
    limits = Limits(wall_seconds=1)
    script = f'sh -c "sleep 30; :" {marker} & sleep 30'
    started = time.monotonic()

    result = await run(["sh", "-c", script], limits=limits)

    assert result.timed_out and result.killed_reason == "wall time"
    assert result.returncode == -9
    assert time.monotonic() - started < 2.5
    assert wait_gone(marker) == []


async def test_huge_output_is_truncated_and_the_child_drained() -> None:
    limits = Limits(wall_seconds=5, max_output_bytes=64 * 1024)

    result = await run(["head", "-c", "20000000", "/dev/zero"], limits=limits)

    assert result.returncode == 0 and result.killed_reason is None
    assert result.truncated
    assert len(result.stdout) == 64 * 1024


async def test_endless_output_is_killed() -> None:
    limits = Limits(wall_seconds=5, max_output_bytes=4096, max_drain_bytes=4 * 1024 * 1024)

    result = await run(["yes", "spam"], limits=limits)

    assert result.killed_reason == "output"
    assert result.truncated and len(result.stdout) == 4096
    assert result.duration < 3


async def test_file_size_limit(tmp_path: Path) -> None:
    limits = Limits(wall_seconds=3, file_size_bytes=1024 * 1024)

    result = await run(["sh", "-c", "head -c 5000000 /dev/zero > big; ls -l big"], limits=limits)

    assert result.killed_reason is None  # the shell survives; the writer was stopped
    assert " 1048576 " in result.text()


async def test_shell_metacharacters_are_passed_literally(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    work.chmod(0o777)
    canary = work / "canary"
    canary.write_text("alive")
    nasty = ["; rm -rf canary", "$(rm canary)", "&& rm canary", "`rm canary`", "| rm canary", "*"]

    result = await run(["echo", *nasty], limits=FAST, workdir=str(work))

    assert result.ok
    assert result.text() == " ".join(nasty) + "\n"
    assert canary.read_text() == "alive"


async def test_environment_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROOST_TEST_SECRET_TOKEN", "s3cr3t-token")

    result = await run(["env"], limits=FAST, env={"GREETING": "hi"})

    env = dict(line.split("=", 1) for line in result.text().splitlines())
    assert "s3cr3t-token" not in result.text()
    assert env["GREETING"] == "hi"
    assert env["LANG"] == "C.UTF-8" and env["TMPDIR"] == "/tmp"
    assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin"
    # PWD is set by bwrap to the working directory, which is HOME.
    assert set(env) <= {"PATH", "LANG", "HOME", "TMPDIR", "GREETING", "PWD"}


async def test_cancellation_kills_the_whole_group(marker: str) -> None:
    script = 'sh -c "sleep 30; :" "$0-child" & sh -c "sleep 30; :" "$0-child" & wait'
    argv = ["sh", "-c", script, marker]
    task = asyncio.ensure_future(run(argv, limits=Limits(wall_seconds=20)))
    children = f"{marker}-child"
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        if len(await asyncio.to_thread(live_with_marker, children)) == 2:
            break
        await asyncio.sleep(0.05)
    assert len(live_with_marker(children)) == 2, "the children never started"

    task.cancel()
    started = time.monotonic()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 2
    assert wait_gone(marker) == []


async def test_program_outside_the_sandbox_is_refused_clearly(tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    tools.mkdir(mode=0o755)
    tool = tools / "tool"
    tool.write_text("#!/bin/sh\necho tool ran\n")
    tool.chmod(0o755)

    with pytest.raises(SandboxError, match="not visible inside the sandbox"):
        await run([str(tool)], limits=FAST, isolation="bwrap")

    result = await run([str(tool)], limits=FAST, read_paths=[str(tools)])
    assert result.ok and result.stdout == b"tool ran\n"


async def test_private_tmp_is_not_the_hosts(tmp_path: Path) -> None:
    result = await run(["sh", "-c", "echo x > /tmp/from-sandbox; ls -A /tmp"], limits=FAST)

    assert result.ok
    assert not Path("/tmp/from-sandbox").exists()
    assert "from-sandbox" in result.text()
    assert len(result.text().split()) <= 2  # the file and at most the work dir's parent


async def test_concurrent_runs_do_not_interfere() -> None:
    results = await asyncio.gather(
        *(run(["sh", "-c", f"echo {i}; sleep 0.2"], limits=FAST) for i in range(4))
    )

    assert [r.text() for r in results] == [f"{i}\n" for i in range(4)]
    assert all(r.ok for r in results)


@needs_root
async def test_child_runs_as_an_unprivileged_user() -> None:
    result = await run(["sh", "-c", "id -u; grep CapEff /proc/self/status"], limits=FAST)

    uid, caps = result.text().splitlines()
    assert int(uid) >= 1_000_000
    assert caps.split()[1] == "0000000000000000"


@needs_root
async def test_groups_grant_access_to_a_group_owned_directory(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chown(shared, 0, 4242)
    shared.chmod(0o770)
    write = ["sh", "-c", f"echo ok > {shared}/file"]

    denied = await run(write, limits=FAST, write_paths=[str(shared)])
    assert denied.returncode != 0 and b"Permission denied" in denied.stderr

    granted = await run(write, limits=FAST, write_paths=[str(shared)], groups=[4242])
    assert granted.ok, granted.stderr
    assert (shared / "file").read_text() == "ok\n"


@needs_root
async def test_program_the_sandbox_user_cannot_read_is_a_clear_error(tmp_path: Path) -> None:
    tools = tmp_path / "private-tools"
    tools.mkdir(mode=0o700)
    tool = tools / "tool"
    tool.write_text("#!/bin/sh\necho tool ran\n")
    tool.chmod(0o700)

    with pytest.raises(SandboxError, match="runs as the unprivileged user .* readable by others"):
        await run([str(tool)], limits=FAST, read_paths=[str(tools)])


async def test_network_programs_can_read_the_name_service_files() -> None:
    script = "ls -ld /etc | cut -c1-10; getent hosts localhost | head -1; test -r /etc/resolv.conf && echo resolv;" \
             " test -r /etc/localtime && echo localtime; ls /etc/ssl | head -1"
    result = await run(["sh", "-c", script], limits=FAST, network=True, isolation="bwrap")

    assert result.ok, result.stderr
    mode, hosts, *rest = result.text().splitlines()
    assert mode == "drwxr-xr-x"
    assert "localhost" in hosts
    assert rest[:2] == ["resolv", "localtime"] and rest[2:], rest  # and /etc/ssl has content


async def test_no_new_user_namespace_inside() -> None:
    result = await run(["unshare", "-U", "-r", "id"], limits=FAST, isolation="bwrap")

    assert result.returncode != 0
    assert b"uid=0" not in result.stdout


DENIED_CALLS = ("ptrace", "keyctl", "bpf", "userfaultfd", "perf_event_open", "mount", "unshare", "kexec_load",
                "init_module")
# Each call with harmless arguments; under the filter every one fails with EPERM before the
# kernel looks at them (ptrace(PTRACE_TRACEME) and keyctl(GET_KEYRING_ID) succeed without it).
PROBE = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for name, number in zip(sys.argv[1::2], map(int, sys.argv[2::2])):
    ctypes.set_errno(0)
    args = (0x10000000,) if name == "unshare" else (0, 0, 0, 0, 0)
    if name == "keyctl":
        args = (0, -3, 0)
    result = libc.syscall(number, *args)
    print(name, result, os.strerror(ctypes.get_errno()) if result == -1 else "ok")
print(open("/proc/self/status").read().split("Seccomp:")[1].split()[0])
"""


async def test_dangerous_system_calls_are_refused_by_the_seccomp_filter() -> None:
    seccomp = pytest.importorskip("pyseccomp")
    pairs = [str(x) for name in DENIED_CALLS for x in (name, seccomp.resolve_syscall(seccomp.system_arch(), name))]
    result = await run(["python3", "-c", PROBE, *pairs], limits=FAST, isolation="bwrap")

    assert result.ok, result.stderr
    *calls, mode = result.text().splitlines()
    assert mode == "2", "seccomp filter mode"
    assert calls == [f"{name} -1 Operation not permitted" for name in DENIED_CALLS]
