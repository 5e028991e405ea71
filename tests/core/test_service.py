"""Running under systemd: the unit file, the commands without systemd, and the sd_notify messages of a real run."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import systemd
from core.cli import main
from core.cli.processes import handles_signal
from core.cli.service_commands import unit_text
from core.logs import JournalFormatter, writes_to_journal
from tests.helpers.cli import run_cli

ROOST = Path(sys.executable).parent / "roost"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A small configuration directory (a folder name with a space, as people have)."""
    directory = tmp_path / "my roost"
    directory.mkdir()
    (directory / "configuration.yaml").write_text("roost:\n  stop_timeout: 4\n", encoding="utf-8")
    return directory


def test_the_unit_says_what_the_issue_asks(config: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "service", "unit", "--config", str(config), "--memory-max", "512M")
    assert code == 0, err
    lines = set(out.splitlines())
    for wanted in ("Type=notify", "ExecReload=/bin/kill -USR1 $MAINPID", "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict",
                   "PrivateTmp=yes", "MemoryMax=512M", "MemoryHigh=409M",
                   f"WorkingDirectory={config}", "TimeoutStopSec=19", "WantedBy=multi-user.target"):
        assert wanted in lines, wanted
    assert f'ReadWritePaths="{config}" ' in out
    assert f'run --config "{config}"' in out


def test_limits_as_a_share_of_the_machine(config: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "service", "unit", "--config", str(config), "--memory-max", "50%",
                          "--cpu-quota", "150%")
    assert code == 0, err
    assert {"MemoryMax=50%", "MemoryHigh=40%", "CPUQuota=150%"} <= set(out.splitlines())


@pytest.mark.parametrize(("option", "value", "said"), [
    ("--memory-max", "lots", "is not a memory size"), ("--memory-max", "0", "is not a memory size"),
    ("--cpu-quota", "3", "is not a CPU quota"), ("--cpu-quota", "many%", "is not a CPU quota"),
])
def test_a_limit_systemd_would_not_take_is_refused_with_what_to_say(config: Path, capsys, option: str, value: str,
                                                                    said: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["service", "unit", "--config", str(config), option, value])
    assert exit_info.value.code == 2
    assert f"argument {option}: '{value}' {said}" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_unit(config: Path, tmp_path: Path) -> None:
    for user in (False, True):
        unit = tmp_path / "roost.service"
        unit.write_text(unit_text(config, user=user, memory_max="1G", cpu_quota="300%", stop_timeout=10))
        result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "roost.service" not in result.stderr, result.stderr  # no warning about our unit either


@pytest.mark.parametrize("action", ["install", "status", "logs", "uninstall"])
def test_without_systemd_the_commands_say_so(config: Path, capsys, monkeypatch, tmp_path: Path,
                                              action: str) -> None:
    monkeypatch.setattr(systemd, "SYSTEMD_RUNTIME", tmp_path / "no-systemd")
    argv = ["service", action] + (["--config", str(config)] if action == "install" else [])
    code, out, err = run_cli(capsys, *argv)
    assert code == 1
    assert "systemd is not running on this machine" in err and "roost service unit" in err
    assert not out


def test_status_logs_and_uninstall_take_config_and_say_when_the_unit_serves_another(
        config: Path, capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(systemd, "SYSTEMD_RUNTIME", tmp_path / "no-systemd")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    unit = tmp_path / "xdg" / "systemd" / "user" / "roost.service"
    unit.parent.mkdir(parents=True)
    unit.write_text(unit_text(tmp_path / "elsewhere", user=True, memory_max="1G", cpu_quota="300%", stop_timeout=10))
    code, _out, err = run_cli(capsys, "service", "uninstall", "--user", "--config", str(config))
    assert code == 1 and f"serves {tmp_path / 'elsewhere'}, not {config}; nothing was removed" in err
    assert unit.exists()
    code, _out, err = run_cli(capsys, "service", "status", "--user", "--config", str(config))
    assert code == 1 and f"note: the installed roost.service serves {tmp_path / 'elsewhere'}" in err
    unit.write_text(unit_text(config, user=True, memory_max="1G", cpu_quota="300%", stop_timeout=10))
    code, _out, err = run_cli(capsys, "service", "logs", "--user", "--config", str(config))
    assert code == 1 and "note:" not in err and "systemd is not running" in err


def _notify_socket(tmp_path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify"))
    sock.settimeout(30)
    return sock


def test_a_real_run_tells_systemd_ready_watchdog_and_stopping(config: Path, tmp_path: Path) -> None:
    sock = _notify_socket(tmp_path)
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "300000"}
    process = subprocess.Popen([str(ROOST), "run", "--config", str(config)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        first = sock.recv(4096).decode()
        assert first.startswith("READY=1\nSTATUS=Running"), first
        pings = [sock.recv(4096).decode() for _ in range(3)]
        assert pings == ["WATCHDOG=1"] * 3
        process.send_signal(signal.SIGTERM)
        while (notice := sock.recv(4096).decode()) == "WATCHDOG=1":
            pass
        assert notice.startswith("STOPPING=1")
        assert process.wait(timeout=20) == 0
    finally:
        process.kill()
        sock.close()
        _, err = process.communicate()
    assert "Roost stopped" in err


def test_an_abstract_notify_socket(monkeypatch) -> None:
    name = f"roost-test-{os.getpid()}-{time.monotonic_ns()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert systemd.notify("READY=1")
        assert sock.recv(100) == b"READY=1"
    monkeypatch.delenv("NOTIFY_SOCKET")
    assert not systemd.notify("READY=1")


def test_watchdog_interval_is_half_of_watchdog_sec(monkeypatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "60000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert systemd.watchdog_interval() == 30
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))  # meant for another process
    assert systemd.watchdog_interval() is None


def test_journal_lines_carry_a_priority_and_stay_one_line(tmp_path: Path) -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("integrations.telegram", logging.ERROR, __file__, 1, "send failed", (),
                                   sys.exc_info())
    line = JournalFormatter().format(record)
    assert line.startswith("<3>ERROR integrations.telegram: send failed | Traceback")
    assert "\n" not in line
    with open(tmp_path / "log", "w") as stream:
        info = os.fstat(stream.fileno())
        assert writes_to_journal(stream, {"JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino}"})
        assert not writes_to_journal(stream, {"JOURNAL_STREAM": "1:2"})
    assert not writes_to_journal(io.StringIO(), {"JOURNAL_STREAM": "1:2"})


def test_log_levels_per_integration(tmp_path: Path) -> None:
    (tmp_path / "configuration.yaml").write_text(
        "roost:\n  log_level: warning\n  log_levels: {console: debug, core.pipeline: error}\nconsole:\n")
    script = (
        "import asyncio, logging\n"
        "from core.config import load_config\nfrom core.gateway import Gateway\nfrom core.cli.run_commands import serve\n"
        f"g = Gateway(load_config(__import__('pathlib').Path({str(tmp_path)!r})))\ng.prepare()\n"
        "async def main():\n"
        "    asyncio.get_running_loop().call_later(0.5, g.request_stop)\n"
        "    await serve(g, log_level='warning')\n"
        "    print(logging.getLogger('integrations.console').level, logging.getLogger('core.pipeline').level)\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(logging.DEBUG), str(logging.ERROR)]


def test_sigterm_while_starting_stops_gracefully(config: Path, tmp_path: Path) -> None:
    sock, process = _run_telling(config, tmp_path)
    try:
        _send_once_caught(process, signal.SIGTERM)  # at once: the gateway is still starting
        assert process.wait(timeout=30) == 0
        sock.setblocking(False)
        notices = []
        while True:
            try:
                notices.append(sock.recv(4096).decode())
            except BlockingIOError:
                break
    finally:
        process.kill()
        sock.close()
        _, err = process.communicate()
    assert "Roost stopped" in err
    assert notices and notices[0].startswith("STOPPING=1")
    assert not any(notice.startswith("READY=1") for notice in notices)  # never ready after stopping


def test_a_reload_asked_while_starting_waits_for_the_start_and_each_tells_systemd(config: Path, tmp_path: Path) -> None:
    sock, process = _run_telling(config, tmp_path)
    try:
        _send_once_caught(process, signal.SIGUSR1)  # at once: the gateway is still starting (unhandled, it would end it)
        sock.setblocking(False)
        with pytest.raises(BlockingIOError):
            sock.recv(4096)  # not ready yet when the signal came
        sock.settimeout(30)
        assert sock.recv(4096).decode().startswith("READY=1\nSTATUS=Running")
        for again in (True, False):
            reloading = sock.recv(4096).decode()
            assert re.fullmatch(r"RELOADING=1\nMONOTONIC_USEC=\d+", reloading), reloading
            assert sock.recv(4096).decode() == "READY=1"
            if again:
                process.send_signal(signal.SIGUSR1)  # and once it runs
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        sock.close()
        _, err = process.communicate()
    assert err.count("Automations reloaded: none changed (0 unchanged)") == 2, err


@pytest.mark.parametrize("nohup", [False, True])
def test_sighup_stops_gracefully_unless_it_is_ignored_as_under_nohup(config: Path, tmp_path: Path,
                                                                      nohup: bool) -> None:
    sock = _notify_socket(tmp_path)
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify")}
    disposition = signal.SIG_IGN if nohup else signal.SIG_DFL  # whatever this test runs under (nohup itself?)
    process = subprocess.Popen([str(ROOST), "run", "--config", str(config)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGHUP, disposition))
    try:
        assert sock.recv(4096).decode().startswith("READY=1")
        process.send_signal(signal.SIGHUP)  # the terminal it ran in was closed
        if nohup:
            time.sleep(1)
            assert process.poll() is None  # it runs on, as nohup asked
            process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert sock.recv(4096).decode().startswith("STOPPING=1")
    finally:
        process.kill()
        sock.close()
        _, err = process.communicate()
    why = "SIGTERM" if nohup else "SIGHUP: the terminal it ran in was closed"
    assert f"Stopping on {why}" in err and "Roost stopped" in err


def _run_telling(config: Path, tmp_path: Path) -> tuple[socket.socket, subprocess.Popen[str]]:
    """`roost run` on config, telling a socket of this test what it would tell systemd."""
    sock = _notify_socket(tmp_path)
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify")}
    return sock, subprocess.Popen([str(ROOST), "run", "--config", str(config)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _send_once_caught(process: subprocess.Popen[str], signum: int) -> None:
    """Send signum as soon as the process handles it (its SigCgt says so)."""
    deadline = time.monotonic() + 20
    while not handles_signal(process.pid, signum) and time.monotonic() < deadline:
        time.sleep(0.002)
    process.send_signal(signum)


def test_install_refuses_what_the_service_would_not_see_in_its_private_tmp(config: Path, capsys, monkeypatch,
                                                                          tmp_path: Path) -> None:
    monkeypatch.setattr(systemd, "running", lambda: True)
    monkeypatch.setattr("core.cli.service_commands.SYSTEM_UNITS", tmp_path / "units")
    monkeypatch.setattr("os.geteuid", lambda: 0)
    if not config.resolve().is_relative_to("/tmp"):
        pytest.skip("the test's folders are not in /tmp here")
    code, _out, err = run_cli(capsys, "service", "install", "--config", str(config))
    assert code == 1 and f"private /tmp (PrivateTmp=yes), where {config} would not be" in err, err
    assert not (tmp_path / "units").exists()
