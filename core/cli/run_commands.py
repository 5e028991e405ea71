"""`roost run`, `roost chat` and `roost init`: start the gateway, or make a configuration."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import resource
import shutil
import signal
import sys
from pathlib import Path

from core import systemd
from core.cli.common import (
    add_config_arg,
    config_dir,
    configuration_problems,
    load_or_exit,
    print_errors,
)
from core.config import CONFIG_FILE, LOG_LEVELS
from core.gateway import Gateway
from core.logs import ScrubFilter, redactor, set_levels, setup_logging
from core.permissions import check_modes
from core.reload import RELOAD_SIGNAL, Reloads
from core.store.configuration_files import WRITTEN_BY_ROOST
from core.store.open import InstanceLock, open_key_ahead
from core.yaml_loader import NodeDict, secret_values

_LOGGER = logging.getLogger(__name__)
EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "config.example"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add run, chat and init."""
    run = sub.add_parser("run", help="start the gateway with a configuration")
    add_config_arg(run)
    add_skip_broken_arg(run)
    run.set_defaults(func=cmd_run)

    chat = sub.add_parser("chat", help="talk to Roost from the terminal: to the one running on the configuration,"
                                       " else to one started with the console in the foreground")
    add_config_arg(chat)
    add_skip_broken_arg(chat)
    chat.add_argument("--log-level", default="warning", choices=LOG_LEVELS,
                      help="log level on stderr (default: warning)")
    chat.set_defaults(func=cmd_chat)

    init = sub.add_parser("init", help="create a configuration directory from the example")
    init.add_argument("directory", nargs="?", default=None,
                      help="where to create it, or give --config (default: $ROOST_CONFIG or ~/.roost); "
                      "it must not hold a configuration yet")
    add_config_arg(init)
    init.set_defaults(func=cmd_init)


def add_skip_broken_arg(parser: argparse.ArgumentParser) -> None:
    """Add --skip-broken."""
    parser.add_argument(
        "--skip-broken", action="store_true",
        help="start what is valid and report the rest (default: refuse to start with any error)",
    )


_EARLY_SIGNALS: list[int] = []
"""SIGTERMs, SIGHUPs and reload signals that came while Roost was still starting (before its event loop took them)."""
_WHY_STOP = {signal.SIGINT: "SIGINT (Ctrl-C)", signal.SIGTERM: "SIGTERM",
             signal.SIGHUP: "SIGHUP: the terminal it ran in was closed"}
"""The signals that stop Roost gracefully, and what the log says of each."""


def _stop_signals() -> list[signal.Signals]:
    """The signals Roost stops on: SIGHUP only where it is not ignored (under nohup it is, and stays so)."""
    return [signum for signum in _WHY_STOP if signum != signal.SIGHUP or signal.getsignal(signum) != signal.SIG_IGN]


def remember_early_signals() -> None:
    """From here on a SIGTERM or SIGHUP during start-up is not fatal: Roost stops, gracefully, once it has started;
    nor is a reload's signal: the automations are reloaded once it has started."""
    for signum in [*_stop_signals(), RELOAD_SIGNAL]:
        if signum != signal.SIGINT:  # Python's KeyboardInterrupt ends a start-up in the terminal
            signal.signal(signum, lambda signum, _frame: _EARLY_SIGNALS.append(signum))


def cmd_run(args: argparse.Namespace) -> int:
    """Start the gateway until SIGINT, SIGTERM or SIGHUP."""
    remember_early_signals()
    config = load_or_exit(args)
    return start_checked(Gateway(config), args, log_level=config.core["log_level"])


def cmd_chat(args: argparse.Namespace) -> int:
    """Start the gateway with the console in the foreground, stop at end of input; or talk to the one running."""
    remember_early_signals()
    config = load_or_exit(args)
    running = InstanceLock(config.config_dir).holder()
    if running is not None:
        return chat_with_running(Gateway(config), running)
    if "console" not in config.raw:
        config.raw["console"] = NodeDict()
    gateway = Gateway(config)
    gateway.foreground_chat = True
    return start_checked(gateway, args, log_level=args.log_level)


def chat_with_running(gateway: Gateway, pid: str) -> int:
    """`roost chat` while Roost runs (as a service, say): an integration's door to it talks from this terminal."""
    gateway.prepare()
    sections = {domain: state.config for domain, state in gateway.integrations.items() if state.status == "pending"}
    doors = [door for door in gateway.call_hooks("roost_chat_attach", sections=sections, config_dir=gateway.config_dir)
             if door is not None]
    if not doors:
        print(f"roost chat: Roost (pid {pid}) is running on {gateway.config_dir}: stop it first, or add"
              " console: to its configuration to talk to it from here", file=sys.stderr)
        return 1
    for door in doors[1:]:
        door.close()  # coroutines never awaited
    return asyncio.run(doors[0])


def start_checked(gateway: Gateway, args: argparse.Namespace, *, log_level: str) -> int:
    """Refuse a configuration with errors (exit 1, as `roost check`), unless --skip-broken; else serve.

    The garbage collector is paused until the gateway has started (settle_heap): what the setup
    makes, the integrations it loads above all, lives on, so collecting it then is wasted.
    """
    gc.disable()
    try:
        open_key_ahead(gateway.config_dir, gateway.config.raw.get("store"))
        gateway.prepare()
        problems = configuration_problems(gateway, unused_blueprints=False)
        if problems and not args.skip_broken:
            print_errors(problems)
            print(f"roost {args.command}: not starting with {len(problems)} configuration error(s); "
                  "fix them, or start the rest with --skip-broken", file=sys.stderr)
            return 1
        gateway.config_errors = problems
        return asyncio.run(serve(gateway, log_level=log_level))
    finally:
        gc.enable()


async def serve(gateway: Gateway, *, log_level: str) -> int:
    """Run a prepared gateway until it is asked to stop."""
    tune_process()
    handler = setup_logging(log_level)
    set_levels(gateway.config.core["log_levels"], {d: m.module for d, m in gateway.discovery.integrations.items()})
    redact = redactor(secret_values(gateway.config.raw))
    handler.addFilter(ScrubFilter(lambda text: redact(gateway.scrub(text))))
    loop = asyncio.get_running_loop()

    stopping = False

    def stop(signum: int) -> None:
        nonlocal stopping
        if not stopping:
            _LOGGER.info("Stopping on %s", _WHY_STOP[signal.Signals(signum)])
        stopping = True
        systemd.notify("STOPPING=1", "STATUS=Stopping")
        gateway.request_stop()

    for signum in _stop_signals():
        try:
            loop.add_signal_handler(signum, stop, signum)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            pass
    early_stops = [signum for signum in _EARLY_SIGNALS if signum != RELOAD_SIGNAL]
    if early_stops:
        stop(early_stops[0])
    for finding in await asyncio.to_thread(check_modes, gateway.config_dir):
        _LOGGER.warning("File mode: %s", finding)
    await gateway.start()
    settle_heap()
    if gateway.state == "running" and not stopping:  # never READY after STOPPING (a SIGTERM while starting)
        channels = gateway.status()["channels"]
        systemd.notify("READY=1", f"STATUS=Running: {len(gateway.engine.automations)} automations,"
                                  f" channels {', '.join(channels) or 'none'}")
        interval = systemd.watchdog_interval()
        if interval is not None:
            gateway.create_background_task(systemd.keep_watchdog(gateway, interval), "systemd watchdog")
        reloads = Reloads(gateway)
        try:
            loop.add_signal_handler(RELOAD_SIGNAL, reloads.request)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            pass
        if RELOAD_SIGNAL in _EARLY_SIGNALS:  # asked for while Roost started: the file may have changed since it read it
            reloads.request()
        if not channels:
            _LOGGER.warning("No channel is configured, so nothing can talk to Roost or hear from it: add console:,"
                            " websocket_api: or openai_api: (with http:), telegram:, whatsapp: or discord: to %s"
                            " (`roost init DIR` writes an example)", gateway.config.file)
    await gateway.wait_stopped()
    return gateway.exit_code


OPEN_FILES = 4096
"""The open files a gateway asks for when its soft limit is lower (systemd gives a service 1,024, its hard limit far
more): room for http.max_connections and the rest."""


def tune_process() -> None:
    """Settings for a long-running gateway process (not for test processes that build many)."""
    # Threads that share the GIL with the event loop get it back sooner
    # (measured: commit 1.7 ms -> 0.7 ms, tasks/s 2.1k -> 5k with the thread writer).
    sys.setswitchinterval(0.0005)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES if hard == resource.RLIM_INFINITY else min(OPEN_FILES, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


FREEZE_UNCOLLECTED_UP_TO = 200_000
"""Objects made while the collector was paused above which the heap is collected before it is frozen:
a start that did more than load and set up (45,000-60,000 here) must not keep its garbage for good."""


def settle_heap() -> None:
    """After start: what setup allocated is kept out of collections, which then run less often.

    Full collections cost about 7 µs per message at 10k messages/s (measured end to end:
    ~9.9k -> 10.7-11.5k messages/s with this). After a usual start the garbage is frozen with
    the rest, not collected first: ~4,000 objects, 0.7 MB, where a collection of the 70,000 cost
    50-80 ms of the start.
    """
    if gc.get_count()[0] > FREEZE_UNCOLLECTED_UP_TO:
        gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    gc.enable()


def cmd_init(args: argparse.Namespace) -> int:
    """Copy config.example into a new configuration directory (the one named, else the one --config chooses)."""
    target = config_dir(args)
    if args.directory is not None:
        named = Path(args.directory).expanduser().resolve()
        if getattr(args, "config", None) is not None and named != target:
            print(f"roost init: two directories given ({named} and --config {target}); give one",
                  file=sys.stderr)
            return 2
        target = named
    if (target / CONFIG_FILE).exists():
        print(f"{target / CONFIG_FILE} already exists; not overwriting it", file=sys.stderr)
        return 1
    if not EXAMPLE_DIR.is_dir():
        print(f"the example configuration is missing ({EXAMPLE_DIR})", file=sys.stderr)
        return 1
    try:
        # Only the example itself: never data a development run may have left beside it.
        shutil.copytree(EXAMPLE_DIR, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*WRITTEN_BY_ROOST))
        target.chmod(0o700)
        secrets = target / "secrets.yaml"
        if secrets.exists():
            secrets.chmod(0o600)
    except OSError as err:
        print(f"cannot create {target}: {err.strerror or err}", file=sys.stderr)
        return 1
    print(f"Created a configuration in {target}. Start it with: roost run --config {target}")
    return 0
