"""The `roost` command line."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

import pluggy
import voluptuous as vol

from core import hookspecs
from core.cli import (
    backup_commands,
    doctor_commands,
    inspect_commands,
    keys_commands,
    pair_commands,
    queue_commands,
    reload_commands,
    run_commands,
    service_commands,
)
from core.cli.common import CONFIG_HELP, add_config_arg
from core.errors import ConfigErrors, RoostError
from core.loader import discover
from core.validation import humanize

Registrar = Callable[[argparse._SubParsersAction], None]  # type: ignore[type-arg]
REGISTRARS: list[Registrar] = [
    run_commands.register, inspect_commands.register, queue_commands.register, keys_commands.register,
    backup_commands.register, doctor_commands.register, pair_commands.register, service_commands.register,
    reload_commands.register,
]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand; the integrations' own unless argv names a core command."""
    parser = argparse.ArgumentParser(
        prog="roost",
        description="Roost: a local-first AI gateway. Your chat apps, your device, your model.",
    )
    parser.add_argument("--config", "-c", metavar="DIR", default=None, help=CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for register in REGISTRARS:
        register(sub)
    if _command_in(sys.argv[1:] if argv is None else argv) not in sub.choices:
        integration_commands().hook.roost_cli_commands(subparsers=sub)
    for command in sub.choices.values():
        actions = _subcommands(command)
        if actions is None:
            continue
        actions.metavar = "{" + ",".join(actions.choices) + "}"  # a missing action is told which there are
        if "--config" not in command._option_string_actions:
            add_config_arg(command)  # `roost queue --config DIR` without its action is told the action is missing
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:  # type: ignore[type-arg]
    """The actions of a command that has some (`roost queue list`), else None."""
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand argv names, if any; importing every integration's commands would cost `roost run` 30 ms of 0.6 s."""
    first = argparse.ArgumentParser(add_help=False)
    first.add_argument("--config", "-c")
    first.add_argument("command", nargs="?")
    known, _rest = first.parse_known_args(argv)
    return known.command


def _chosen(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The innermost subcommand's parser that args went through (`roost queue show`'s, not `roost`'s)."""
    while True:
        choice = _subcommands(parser)
        name = getattr(args, choice.dest, None) if choice is not None else None
        if choice is None or name not in choice.choices:
            return parser
        parser = choice.choices[name]


def integration_commands() -> pluggy.PluginManager:
    """Built-in and installed integrations that bring CLI commands (their commands.py)."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for manifest in discover(None).integrations.values():
        if not (manifest.path / "commands.py").is_file():
            continue
        try:
            module = importlib.import_module(f"{manifest.module}.commands")
        except Exception as err:  # a broken integration must not break the whole CLI
            print(f"roost: commands of integration '{manifest.domain}' failed to load: {err}", file=sys.stderr)
            continue
        manager.register(module, name=manifest.domain)
    return manager


def main(argv: Sequence[str] | None = None) -> int:
    """Parse argv (default: the process arguments) and run its command; the console script comes here through core.launch."""
    parser = build_parser(argv)
    if not (sys.argv[1:] if argv is None else argv):  # `roost` alone: what it can do, not a one-line error
        parser.print_help(sys.stderr)
        return 2
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command they were given to, with its usage, not by `roost` with the list of commands
        _chosen(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return int(args.func(args) or 0)
    except ConfigErrors as err:
        for error in err.errors:
            print(str(error), file=sys.stderr)
        return 1
    except RoostError as err:
        print(f"roost {args.command}: {err}", file=sys.stderr)
        return 1
    except vol.Invalid as err:
        print(f"roost {args.command}: configuration: {humanize(err, {})}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:  # a file or folder the command was pointed at: say which, and why, in one line
        where = " -> ".join(str(name) or repr(name) for name in (err.filename, err.filename2) if name is not None)
        print(f"roost {args.command}: {where + ': ' if where else ''}{err.strerror or err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
