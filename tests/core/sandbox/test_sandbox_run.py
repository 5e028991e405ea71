"""`run` itself: refusals, results, working directory and limits as values."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import pytest

from core.sandbox import Limits, SandboxError, SandboxResult, isolation, parse_size, run

FAST = Limits(wall_seconds=3, cpu_seconds=2)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "argv is empty"),
        ("ls -l /", "not one string"),
        (["echo", 3], r"argv\[1\] must be a string, got int"),
        (["echo", "a\0b"], "NUL byte"),
        ([""], "argv\\[0\\] is empty"),
        (["./script.sh"], "bare command name .* or an absolute path"),
        (["bin/ls"], "bare command name"),
        (["no-such-command-roost"], "command not found: 'no-such-command-roost'"),
        (["/nonexistent/tool"], "does not exist or is not executable"),
        (["/etc/passwd"], "does not exist or is not executable"),
    ],
)
async def test_bad_argv_is_refused_clearly(argv: object, message: str) -> None:
    with pytest.raises(SandboxError, match=message):
        await run(argv, limits=FAST)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"read_paths": ["relative/path"]}, "must be an absolute path"),
        ({"read_paths": ["/no/such/dir"]}, "read path '/no/such/dir' does not exist"),
        ({"write_paths": ["/"]}, "whole file system"),
        ({"read_paths": "/etc"}, "must be a list of paths"),
        ({"workdir": "/etc/passwd"}, "is not a directory"),
        ({"env": {"A=B": "x"}}, "environment name 'A=B' is not valid"),
        ({"env": {"A": 1}}, "environment value of A"),
        ({"stdin": "text"}, "stdin must be bytes"),
        ({"groups": ["no-such-group-roost"]}, "group 'no-such-group-roost' does not exist"),
    ],
)
async def test_bad_options_are_refused_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(SandboxError, match=message):
        await run(["true"], limits=FAST, **kwargs)


async def test_exit_status_and_output_are_reported() -> None:
    result = await run(
        ["sh", "-c", "echo said-out; echo said-err >&2; exit 7", "private-arg"], limits=FAST
    )

    assert result.returncode == 7
    assert not result.ok and result.killed_reason is None and not result.timed_out
    assert result.text() == "said-out\n" and result.text("stderr") == "said-err\n"
    assert "exited 7" in result.describe()
    # Arguments and output may come from messages: they stay out of reprs and logs.
    assert "private-arg" not in repr(result) and "said-out" not in repr(result)
    assert "private-arg" not in result.describe()


async def test_death_by_signal_is_a_negative_returncode() -> None:
    result = await run(["sh", "-c", "kill -SEGV $$"], limits=FAST)

    assert result.returncode == -11
    assert result.killed_reason == "signal SIGSEGV"


async def test_stdin_is_passed() -> None:
    data = os.urandom(300_000)

    result = await run(["sha256sum"], stdin=data, limits=FAST)

    assert result.text().split()[0] == hashlib.sha256(data).hexdigest()


async def test_private_workdir_is_home_and_removed_afterwards() -> None:
    first = await run(["sh", "-c", 'echo "$HOME"; pwd; touch made-here'], limits=FAST)
    second = await run(["sh", "-c", 'echo "$HOME"; ls -A'], limits=FAST)

    home, cwd = first.text().split()
    assert home == cwd
    assert not os.path.exists(home)
    assert second.text().split()[0] != home
    assert second.text().split()[1:] == []  # a fresh, empty directory each time


async def test_given_workdir_is_used_and_kept(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    work.chmod(0o777)
    (work / "input.txt").write_text("data\n")

    result = await run(["sh", "-c", "cat input.txt > output.txt"], limits=FAST, workdir=str(work))

    assert result.ok, result.stderr
    assert (work / "output.txt").read_text() == "data\n"


async def test_result_text_rejects_unknown_stream() -> None:
    result = SandboxResult(("x",), 0, b"", b"", False, None, False, 0.0, "none")
    assert result.ok
    with pytest.raises(ValueError, match="stdout' or 'stderr"):
        result.text("both")


def test_limits_have_sensible_defaults_and_validate() -> None:
    limits = Limits()
    assert limits.wall_seconds == 30 and limits.cpu_seconds == 10
    assert limits.memory_bytes == 512 * 1024 * 1024
    assert limits.file_size_bytes == 16 * 1024 * 1024
    assert limits.max_processes == 64 and limits.max_output_bytes == 1024 * 1024

    assert limits.with_changes(memory_bytes="64M").memory_bytes == 64 * 1024 * 1024
    with pytest.raises(ValueError, match="must be positive"):
        Limits(wall_seconds=0)
    with pytest.raises(ValueError, match="must be a number"):
        Limits(max_processes=True)
    with pytest.raises(ValueError, match="unknown limit 'walltime'"):
        limits.with_changes(walltime=3)
    with pytest.raises(ValueError, match="max_drain_bytes"):
        Limits(max_output_bytes=10, max_drain_bytes=5)


@pytest.mark.parametrize(
    ("text", "size"),
    [(4096, 4096), ("4096", 4096), ("16M", 16 << 20), ("16 MiB", 16 << 20), ("1g", 1 << 30)],
)
def test_parse_size(text: int | str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "-1", "16Q", -5])
def test_parse_size_refuses_nonsense(text: int | str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


def _limits_table(text: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in text.splitlines()[1:]:
        name, soft, hard = line[:26].strip(), *line[26:].split()[:2]
        rows[name] = (soft, hard)
    return rows


@pytest.mark.parametrize("with_prlimit", [True, False], ids=["prlimit", "preexec"])
@pytest.mark.parametrize("mode", ["auto", "none"])
async def test_limits_are_set_in_the_child(
    monkeypatch: pytest.MonkeyPatch, with_prlimit: bool, mode: str
) -> None:
    if not with_prlimit:
        tools = dataclasses.replace(isolation.find_tools(), prlimit=None)
        monkeypatch.setattr(isolation, "find_tools", lambda: tools)
    limits = Limits(
        cpu_seconds=3,
        memory_bytes=300 << 20,
        file_size_bytes=5 << 20,
        max_processes=33,
        max_open_files=77,
    )

    result = await run(["cat", "/proc/self/limits"], limits=limits, isolation=mode)

    table = _limits_table(result.text())
    assert table["Max cpu time"] == ("3", "4")
    assert table["Max address space"] == (str(300 << 20),) * 2
    assert table["Max file size"] == (str(5 << 20),) * 2
    assert table["Max open files"] == ("77", "77")
    assert table["Max core file size"] == ("0", "0")
    if os.geteuid() == 0 or mode != "none":
        assert table["Max processes"] == ("33", "33")
