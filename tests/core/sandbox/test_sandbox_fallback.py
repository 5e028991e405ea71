"""Without bubblewrap: `unshare --net` or limits only, a warning, and the same limits."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest
from conftest import Listener
from sandbox_helpers import live_with_marker, needs_root, wait_gone

from core.sandbox import Limits, SandboxError, isolation, run
from core.sandbox.isolation import Tools

FAST = Limits(wall_seconds=3, cpu_seconds=2)


@pytest.fixture
def no_bwrap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend bubblewrap is not installed on this host."""
    found = isolation.find_tools()
    tools = Tools(
        bwrap=None,
        unshare=found.unshare,
        setpriv=found.setpriv,
        prlimit=found.prlimit,
        kill=found.kill,
        true=found.true,
    )
    monkeypatch.setattr(isolation, "find_tools", lambda: tools)
    monkeypatch.setattr(isolation, "_probed", {})


async def _unshare_works() -> bool:
    try:
        await run(["true"], isolation="unshare", limits=FAST)
    except SandboxError:
        return False
    return True


async def test_reduced_isolation_is_logged_once(
    no_bwrap: None, reset_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="core.sandbox")

    first = await run(["echo", "one"], limits=FAST)
    second = await run(["echo", "two"], limits=FAST)

    assert first.isolation in ("unshare", "none") and first.isolation == second.isolation
    assert first.stdout == b"one\n" and second.stdout == b"two\n"
    warnings = [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name.startswith("core.sandbox")
    ]
    assert len(warnings) == 1
    assert "isolation is reduced" in warnings[0].getMessage()
    assert "bubblewrap" in warnings[0].getMessage()


async def test_requiring_bwrap_without_it_is_a_clear_error(no_bwrap: None) -> None:
    with pytest.raises(SandboxError, match="install the package 'bubblewrap'"):
        await run(["true"], isolation="bwrap")


async def test_unknown_isolation_is_refused() -> None:
    with pytest.raises(SandboxError, match="unknown isolation 'chroot'"):
        await run(["true"], isolation="chroot")


async def test_unshare_takes_the_network_away(listener: Listener, reset_warnings: None) -> None:
    if not await _unshare_works():
        pytest.skip("'unshare --net' is not permitted here")
    connect = f"exec 3<>/dev/tcp/127.0.0.1/{listener.port} && head -n1 <&3"

    blocked = await run(["bash", "-c", connect], limits=FAST, isolation="unshare")

    assert blocked.isolation == "unshare"
    assert blocked.returncode != 0 and listener.accepted == []

    # Asking for the network is honoured; the result says isolation is then "none".
    opened = await run(["bash", "-c", connect], limits=FAST, network=True, isolation="unshare")
    assert opened.isolation == "none"
    assert opened.stdout == b"hello from the host\n" and len(listener.accepted) == 1


async def test_plain_mode_says_so(listener: Listener, reset_warnings: None) -> None:
    connect = f"exec 3<>/dev/tcp/127.0.0.1/{listener.port} && head -n1 <&3"

    result = await run(["bash", "-c", connect], limits=FAST, isolation="none")

    assert result.isolation == "none"
    assert result.stdout == b"hello from the host\n"


async def test_environment_is_scrubbed(
    monkeypatch: pytest.MonkeyPatch, reset_warnings: None
) -> None:
    monkeypatch.setenv("ROOST_TEST_SECRET_TOKEN", "s3cr3t-token")

    result = await run(["env"], limits=FAST, isolation="none")

    env = dict(line.split("=", 1) for line in result.text().splitlines())
    assert set(env) == {"PATH", "LANG", "HOME", "TMPDIR"}
    assert env["TMPDIR"] != "/tmp"  # a private one, /tmp is shared without bwrap
    assert env["HOME"].startswith(str(Path(env["TMPDIR"]).parent))


@needs_root
async def test_root_children_cannot_read_roots_files(tmp_path: Path, reset_warnings: None) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET\n")
    outside = tmp_path / "outside"
    outside.mkdir()

    result = await run(
        ["sh", "-c", f"cat {secret}; echo pwned > {outside}/x"], limits=FAST, isolation="none"
    )

    assert b"TOPSECRET" not in result.stdout
    assert result.stderr.count(b"Permission denied") == 2
    assert not (outside / "x").exists()


async def test_fork_bomb_is_stopped(marker: str, reset_warnings: None) -> None:
    script = (
        'i=0; while [ $i -lt 3000 ]; do sh -c "sleep 30; :" "$0-child" & i=$((i+1)); echo $i; done'
    )
    limits = Limits(wall_seconds=5, cpu_seconds=2, max_processes=12)

    result = await run(["sh", "-c", script, marker], limits=limits, isolation="none")

    started = int(result.text().split()[-1]) if result.stdout else 0
    # Never more than 12 processes at once. Over the run a few more children can start than
    # that: a child that cannot fork its own `sleep` exits and frees its slot before the loop
    # hits the limit itself. Unlimited, the loop would start all 3,000.
    assert started < 3 * limits.max_processes
    assert b"fork" in result.stderr.lower()
    assert not result.timed_out
    assert wait_gone(marker) == []


@needs_root
async def test_children_that_leave_the_group_are_swept(marker: str, reset_warnings: None) -> None:
    script = 'for i in 1 2 3; do setsid sh -c "sleep 30; :" "$0-child" & done; sleep 0.2'

    result = await run(["sh", "-c", script, marker], limits=FAST, isolation="none")

    assert result.ok
    assert wait_gone(marker) == []


async def test_loops_and_sleepers_are_stopped(reset_warnings: None) -> None:
    busy = await run(
        ["sh", "-c", "while :; do :; done"], limits=Limits(cpu_seconds=1), isolation="none"
    )
    assert busy.killed_reason == "cpu time" and busy.returncode == -24

    started = time.monotonic()
    sleeper = await run(["sleep", "30"], limits=Limits(wall_seconds=1), isolation="none")
    assert sleeper.timed_out and sleeper.killed_reason == "wall time"
    assert time.monotonic() - started < 2.5


async def test_memory_bomb_is_stopped(reset_warnings: None) -> None:
    # awk doubles a string until the address-space limit refuses more memory.
    bomb = ["awk", 'BEGIN { s = "x"; while (1) s = s s }']

    result = await run(bomb, limits=Limits(wall_seconds=5, memory_bytes=64 << 20), isolation="none")

    assert result.returncode != 0
    assert result.killed_reason in ("memory", "signal SIGSEGV", "signal SIGABRT")
    assert result.duration < 5


async def test_cancellation_kills_the_group(marker: str, reset_warnings: None) -> None:
    script = 'sh -c "sleep 30; :" "$0-child" & sh -c "sleep 30; :" "$0-child" & wait'
    task = asyncio.ensure_future(
        run(["sh", "-c", script, marker], limits=Limits(wall_seconds=20), isolation="none")
    )
    children = f"{marker}-child"
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and len(live_with_marker(children)) < 2:
        await asyncio.sleep(0.05)
    assert len(live_with_marker(children)) == 2

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert wait_gone(marker) == []


async def test_huge_output_is_truncated(reset_warnings: None) -> None:
    limits = Limits(wall_seconds=5, max_output_bytes=1000, max_drain_bytes=1 << 20)

    capped = await run(["head", "-c", "500000", "/dev/zero"], limits=limits, isolation="none")
    endless = await run(["yes"], limits=limits, isolation="none")

    assert capped.ok and capped.truncated and len(capped.stdout) == 1000
    assert endless.killed_reason == "output" and len(endless.stdout) == 1000
