"""The `roost` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from core.cli import inspect_commands, keys_commands, queue_commands, run_commands
from core.errors import ConfigErrors, RoostError

Registrar = Callable[[argparse._SubParsersAction], None]  # type: ignore[type-arg]
REGISTRARS: list[Registrar] = [
    run_commands.register, inspect_commands.register, queue_commands.register, keys_commands.register,
]


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="roost",
        description="Roost: a local-first AI gateway. Your chat apps, your device, your model.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for register in REGISTRARS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `roost` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigErrors as err:
        for error in err.errors:
            print(str(error), file=sys.stderr)
        return 1
    except RoostError as err:
        print(f"roost {args.command}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
