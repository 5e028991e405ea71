"""`roost service`: run Roost as a systemd service (install, status, logs, uninstall, or print the unit)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from core import systemd
from core.cli.common import add_config_arg, config_dir, load_or_exit
from core.crypto.device_secret import ENV_STATE_DIR, state_dir

UNIT = "roost.service"
SYSTEM_UNITS = Path("/etc/systemd/system")
STOP_MARGIN = 15
"""Seconds systemd waits beyond the configured stop_timeout before it kills Roost."""

UNIT_TEMPLATE = """\
# Roost, written by `roost service install`; `roost service uninstall` removes it.
[Unit]
Description=Roost local-first AI gateway ({config})
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=main
ExecStart={exec_start}
ExecReload=/bin/kill -USR1 $MAINPID
WorkingDirectory={config}
Environment=PYTHONUNBUFFERED=1
Environment={state}
{user}Restart=on-failure
RestartSec=5
WatchdogSec=60
TimeoutStartSec=300
TimeoutStopSec={stop_seconds}
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths={writable}
PrivateTmp=yes
MemoryHigh={memory_high}
MemoryMax={memory_max}
CPUQuota={cpu_quota}

[Install]
WantedBy={wanted_by}
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add service install|status|logs|uninstall|unit."""
    service = sub.add_parser("service", help="run Roost as a systemd service")
    actions = service.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    for name, text in (("install", "write the unit, enable it and start it"),
                       ("unit", "print the unit file install would write (also without systemd)")):
        action = actions.add_parser(name, help=text)
        add_config_arg(action)
        action.add_argument("--user", action="store_true", help="a user unit (systemctl --user), no root needed")
        action.add_argument("--memory-max", default="1G", type=memory_size,
                            help="memory limit (default 1G: the small model and Roost fit in a fraction)")
        action.add_argument("--cpu-quota", default="300%", type=cpu_quota,
                            help="CPU limit (default 300%%: of a 4-core Pi, one core stays free)")
    for name, text in (("status", "show whether the service runs"), ("logs", "show the service's log"),
                       ("uninstall", "stop and disable the service and remove its unit")):
        action = actions.add_parser(name, help=text)
        add_config_arg(action)
        action.add_argument("--user", action="store_true", help="the user unit")
        if name == "logs":
            action.add_argument("--follow", "-f", action="store_true", help="keep printing new lines")
            action.add_argument("--lines", "-n", type=int, default=200, help="how many lines (default 200)")
    service.set_defaults(func=cmd_service)


def unit_text(directory: Path, *, user: bool, memory_max: str, cpu_quota: str, stop_timeout: float) -> str:
    """The unit file for serving the configuration in directory."""
    roost = Path(sys.executable).parent / "roost"
    program = [str(roost)] if roost.exists() else [sys.executable, "-c", "import sys; from core.launch import main; sys.exit(main())"]
    exec_start = " ".join(_quoted(word) for word in [*program, "run", "--config", str(directory)])
    account = "" if user or os.geteuid() != 0 else os.environ.get("SUDO_USER", "")
    return UNIT_TEMPLATE.format(
        config=directory, exec_start=exec_start, writable=f"{_quoted(str(directory))} {_quoted(str(state_dir()))}",
        state=_quoted(f"{ENV_STATE_DIR}={state_dir()}"),
        user=f"User={account}\n" if account else "", stop_seconds=int(stop_timeout) + STOP_MARGIN,
        memory_high=_fraction(memory_max, 0.8), memory_max=memory_max, cpu_quota=cpu_quota,
        wanted_by="default.target" if user else "multi-user.target",
    )


def _quoted(word: str) -> str:
    """A word as systemd reads it (double quotes when it holds a space or a quote)."""
    if not any(c in word for c in " \t\"'\\;$%"):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$") + '"'


_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _amount(size: str) -> float:
    """A memory size's number: bytes (K/M/G/T read), or the percentage; ValueError when it is neither."""
    size = size.strip().upper()
    if size.endswith("%"):
        return float(size[:-1])
    return float(size[:-1]) * _UNITS[size[-1]] if size[-1:] in _UNITS else float(size)


def _fraction(size: str, part: float) -> str:
    """part of a systemd memory size (bytes with K/M/G/T, a percentage of the machine's, or infinity)."""
    size = size.strip().upper()
    if size == "INFINITY":
        return "infinity"
    number = _amount(size) * part
    if size.endswith("%"):
        return f"{number:g}%"
    unit = next((u for u in "TGMK" if number >= 100 * _UNITS[u]), "")  # "819M", not "858993459"
    return f"{int(number // _UNITS[unit])}{unit}" if unit else str(int(number))


def _limit(check: Callable[[str], bool], what: str) -> Callable[[str], str]:
    """An argparse type taking a limit as systemd does when check(text) holds, else saying what it wanted."""

    def take(text: str) -> str:
        try:
            valid = check(text)
        except ValueError:
            valid = False
        if not valid:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return text

    return take


memory_size = _limit(lambda text: text.strip().upper() == "INFINITY" or _amount(text) > 0,
                     "a memory size: say 512M, 1.5G, 50% or infinity")
cpu_quota = _limit(lambda text: text.endswith("%") and float(text[:-1]) > 0,
                   "a CPU quota: say 300% (three cores) or 50%")


def unit_path(user: bool) -> Path:
    """Where the unit file lives."""
    if user:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        return Path(base) / "systemd" / "user" / UNIT
    return SYSTEM_UNITS / UNIT


def cmd_service(args: argparse.Namespace) -> int:
    """Carry out one service action; without systemd say so and exit 1."""
    if args.action == "unit":
        sys.stdout.write(_unit_for(args))
        return 0
    if args.action in ("status", "logs", "uninstall") and (other := _serves_another(args)) is not None:
        if args.action == "uninstall":
            print(f"roost service uninstall: the installed {UNIT} serves {other}, not {config_dir(args)};"
                  " nothing was removed (leave out --config to remove it)", file=sys.stderr)
            return 1
        print(f"note: the installed {UNIT} serves {other}, not {config_dir(args)}", file=sys.stderr)
    if not systemd.running():
        print(f"roost service {args.action}: systemd is not running on this machine (no {systemd.SYSTEMD_RUNTIME});"
              " start Roost with `roost run --config DIR` under the supervisor you have, or adapt the unit"
              " `roost service unit` prints", file=sys.stderr)
        return 1
    scope = ["--user"] if args.user else []
    if not args.user and os.geteuid() != 0 and args.action in ("install", "uninstall"):
        print(f"roost service {args.action}: a system unit needs root (sudo), or use --user", file=sys.stderr)
        return 1
    if args.action == "install":
        if hidden := _in_private_tmp([config_dir(args), Path(sys.executable), state_dir()]):
            print(f"roost service install: the service gets a private /tmp (PrivateTmp=yes), where {hidden} would"
                  " not be; move it out of /tmp (the configuration: `roost init DIR`, Roost itself: install it"
                  " elsewhere) and install again", file=sys.stderr)
            return 1
        return _install(args, scope)
    if args.action == "status":
        return _call(["systemctl", *scope, "status", "--no-pager", UNIT])
    if args.action == "logs":
        return _call(["journalctl", *scope, "-u", UNIT, "-n", str(args.lines), "--no-pager",
                      *(["-f"] if args.follow else [])])
    code = _call(["systemctl", *scope, "disable", "--now", UNIT])
    unit_path(args.user).unlink(missing_ok=True)
    _call(["systemctl", *scope, "daemon-reload"])
    print(f"Removed {unit_path(args.user)}; the configuration and its data stay where they are.")
    return code


def _in_private_tmp(paths: list[Path]) -> Path | None:
    """The first of paths that lies in /tmp or /var/tmp, which a unit with PrivateTmp=yes does not see."""
    private = (Path("/tmp"), Path("/var/tmp"))
    return next((path for path in paths if any(path.resolve().is_relative_to(tmp) for tmp in private)), None)


def _serves_another(args: argparse.Namespace) -> str | None:
    """The directory the installed unit serves when --config names another one, else None."""
    if getattr(args, "config", None) is None:
        return None
    try:
        lines = unit_path(args.user).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    served = next((line.partition("=")[2] for line in lines if line.startswith("WorkingDirectory=")), None)
    if served is None or Path(served).resolve() == config_dir(args).resolve():
        return None
    return served


def _unit_for(args: argparse.Namespace) -> str:
    config = load_or_exit(args)
    return unit_text(config_dir(args), user=args.user, memory_max=args.memory_max, cpu_quota=args.cpu_quota,
                     stop_timeout=config.core["stop_timeout"])


def _install(args: argparse.Namespace, scope: list[str]) -> int:
    path = unit_path(args.user)
    path.parent.mkdir(parents=True, exist_ok=True)
    state_dir().mkdir(parents=True, exist_ok=True, mode=0o700)  # ReadWritePaths must exist when it starts
    path.write_text(_unit_for(args), encoding="utf-8")
    print(f"Wrote {path}")
    code = _call(["systemctl", *scope, "daemon-reload"]) or _call(["systemctl", *scope, "enable", "--now", UNIT])
    if code == 0:
        print(f"Roost runs as a service; see it with `roost service status{' --user' if args.user else ''}`,"
              f" talk to it with `roost chat --config {config_dir(args)}`")
    return code


def _call(command: list[str]) -> int:
    if shutil.which(command[0]) is None:
        print(f"roost service: {command[0]} is not installed", file=sys.stderr)
        return 1
    return subprocess.call(command)
