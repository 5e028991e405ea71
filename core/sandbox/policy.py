"""Which programs actions may run, and which arguments from messages they accept.

Configuration (the ``sandbox:`` section)::

    sandbox:
      isolation: auto            # auto | bwrap | unshare | none
      limits: {wall_seconds: 20} # defaults for every command
      commands:
        disk: [df, -h]           # short form: fixed argv, no arguments allowed
        ping:
          argv: [ping, -c, "3"]
          args: ['[A-Za-z0-9.-]{1,253}']   # by position; the last pattern repeats
          max_args: 1
          network: true
          limits: {wall_seconds: 10, memory_bytes: 64M}

An argument must fully match its pattern and may not start with "-" unless the command
sets ``allow_options: true``; it is appended as one argv item, never through a shell.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import voluptuous as vol

from core.sandbox.errors import CommandRefused
from core.sandbox.isolation import MODES
from core.sandbox.limits import Limits
from core.sandbox.result import SandboxResult
from core.sandbox.runner import run
from core.validation import validate

MAX_ARGS_CEILING = 256
_SHOWN = 60


def _pattern(value: Any) -> str:
    if not isinstance(value, str):
        raise vol.Invalid("expected a regular expression as a string")
    try:
        re.compile(value)
    except re.error as err:
        raise vol.Invalid(f"invalid regular expression: {err}") from None
    return value


def _program(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise vol.Invalid("expected a program name")
    if "/" in value and not os.path.isabs(value):
        raise vol.Invalid("expected a bare command name or an absolute path")
    return value


def _argv(value: list[str]) -> list[str]:
    _program(value[0])
    return value


def _absolute(value: Any) -> str:
    if not isinstance(value, str) or not os.path.isabs(value):
        raise vol.Invalid("expected an absolute path")
    return value


def _limits(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise vol.Invalid("expected a mapping of limits, e.g. {wall_seconds: 10}")
    try:
        parsed = Limits.from_mapping(dict(value))
    except (TypeError, ValueError) as err:
        raise vol.Invalid(str(err)) from None
    return {key: getattr(parsed, key) for key in value}


def _short_form(value: Any) -> Any:
    return {"argv": value} if isinstance(value, list) else value


def _arg_counts(value: dict[str, Any]) -> dict[str, Any]:
    patterns = value["args"]
    max_args = value.setdefault("max_args", len(patterns))
    if max_args and not patterns:
        raise vol.Invalid("max_args needs at least one pattern in args", path=["max_args"])
    if value["min_args"] > max_args:
        raise vol.Invalid("min_args is larger than max_args", path=["min_args"])
    return value


COMMAND_SCHEMA = vol.All(
    _short_form,
    vol.Schema(
        {
            vol.Required("argv"): vol.All([str], vol.Length(min=1), _argv),
            vol.Optional("args", default=list): [_pattern],
            vol.Optional("max_args"): vol.All(int, vol.Range(min=0, max=MAX_ARGS_CEILING)),
            vol.Optional("min_args", default=0): vol.All(int, vol.Range(min=0)),
            vol.Optional("allow_options", default=False): bool,
            vol.Optional("limits", default=dict): _limits,
            vol.Optional("read_paths", default=list): [_absolute],
            vol.Optional("write_paths", default=list): [_absolute],
            vol.Optional("groups", default=list): [vol.Any(str, int)],
            vol.Optional("network", default=False): bool,
            vol.Optional("env", default=dict): {str: str},
            vol.Optional("description", default=""): str,
        }
    ),
    _arg_counts,
)

NAME = vol.Match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", msg="command names use letters, digits, _ . -")

SANDBOX_SCHEMA = vol.Schema(
    {
        vol.Optional("isolation", default="auto"): vol.In(MODES),
        vol.Optional("limits", default=dict): _limits,
        vol.Optional("commands", default=dict): {NAME: COMMAND_SCHEMA},
    }
)
"""Schema of the `sandbox:` section itself."""

CONFIG_SCHEMA = vol.Schema(
    {vol.Optional("sandbox", default=dict): SANDBOX_SCHEMA}, extra=vol.ALLOW_EXTRA
)
"""Schema of a whole configuration, checking only its `sandbox:` section."""


@dataclass(frozen=True)
class CommandSpec:
    """One allow-listed command: its fixed argv, argument rules and run options."""

    name: str
    argv: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...] = ()
    min_args: int = 0
    max_args: int = 0
    allow_options: bool = False
    limits: Limits = field(default_factory=Limits)
    read_paths: tuple[str, ...] = ()
    write_paths: tuple[str, ...] = ()
    groups: tuple[str | int, ...] = ()
    network: bool = False
    env: Mapping[str, str] = field(default_factory=dict)
    description: str = ""


class CommandPolicy:
    """The allow-list of commands from configuration; builds and runs permitted calls."""

    def __init__(self, commands: Sequence[CommandSpec] = (), *, isolation: str = "auto") -> None:
        self._commands = {spec.name: spec for spec in commands}
        self.isolation = isolation

    @classmethod
    def from_config(
        cls, section: Mapping[str, Any] | None, *, file: str | None = None
    ) -> CommandPolicy:
        """A policy from the contents of the `sandbox:` section (raises ConfigErrors)."""
        data = validate(SANDBOX_SCHEMA, section or {}, path=("sandbox",), file=file)
        base = Limits.from_mapping(data["limits"])
        specs = []
        for name, item in data["commands"].items():
            specs.append(
                CommandSpec(
                    name=name,
                    argv=tuple(item["argv"]),
                    patterns=tuple(re.compile(p) for p in item["args"]),
                    min_args=item["min_args"],
                    max_args=item["max_args"],
                    allow_options=item["allow_options"],
                    limits=Limits.from_mapping(item["limits"], base),
                    read_paths=tuple(item["read_paths"]),
                    write_paths=tuple(item["write_paths"]),
                    groups=tuple(item["groups"]),
                    network=item["network"],
                    env=dict(item["env"]),
                    description=item["description"],
                )
            )
        return cls(specs, isolation=data["isolation"])

    @property
    def names(self) -> tuple[str, ...]:
        """The allow-listed command names, sorted."""
        return tuple(sorted(self._commands))

    def get(self, name: str) -> CommandSpec | None:
        """The spec of an allow-listed command, or None."""
        return self._commands.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._commands

    def build(self, name: str, args: Sequence[str] = ()) -> tuple[list[str], dict[str, Any]]:
        """The argv and `run` keyword options for `name` with user `args`, or CommandRefused."""
        spec = self._commands.get(name)
        if spec is None:
            allowed = ", ".join(self.names) or "none are configured"
            raise CommandRefused(
                f"command {name!r} is not allowed; allowed commands: {allowed}", command=str(name)
            )
        if isinstance(args, (str, bytes)):
            raise CommandRefused(
                f"command {name!r}: arguments must be a list of separate strings, not one string",
                command=name,
            )
        args = list(args)
        if len(args) < spec.min_args:
            raise CommandRefused(
                f"command {name!r} needs at least {spec.min_args} argument(s), got {len(args)}",
                command=name,
            )
        if len(args) > spec.max_args:
            raise CommandRefused(
                f"command {name!r} takes at most {spec.max_args} argument(s), got {len(args)}",
                command=name,
            )
        for index, arg in enumerate(args):
            self._check_arg(spec, index, arg)
        options: dict[str, Any] = {
            "limits": spec.limits,
            "env": dict(spec.env),
            "read_paths": spec.read_paths,
            "write_paths": spec.write_paths,
            "groups": spec.groups,
            "network": spec.network,
            "isolation": self.isolation,
        }
        return [*spec.argv, *args], options

    @staticmethod
    def _check_arg(spec: CommandSpec, index: int, arg: object) -> None:
        position = index + 1
        if not isinstance(arg, str):
            raise CommandRefused(
                f"command {spec.name!r}: argument {position} must be a string, "
                f"got {type(arg).__name__}",
                command=spec.name,
                index=index,
            )
        shown = arg if len(arg) <= _SHOWN else arg[:_SHOWN] + "..."
        if arg.startswith("-") and not spec.allow_options:
            raise CommandRefused(
                f"command {spec.name!r}: argument {position} {shown!r} looks like an option, "
                "and options from messages are not accepted for this command",
                command=spec.name,
                argument=arg,
                index=index,
            )
        pattern = spec.patterns[min(index, len(spec.patterns) - 1)]
        if not pattern.fullmatch(arg):
            raise CommandRefused(
                f"command {spec.name!r}: argument {position} {shown!r} does not match the "
                f"allowed pattern {pattern.pattern!r}",
                command=spec.name,
                argument=arg,
                index=index,
            )

    async def run(
        self,
        name: str,
        args: Sequence[str] = (),
        *,
        stdin: bytes | None = None,
        workdir: str | None = None,
    ) -> SandboxResult:
        """Build `name` with `args` (refusing what the policy does not allow) and run it."""
        argv, options = self.build(name, args)
        return await run(argv, stdin=stdin, workdir=workdir, **options)
