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
            vol.Required("argv"): vol.All([vol.Coerce(str)], vol.Length(min=1), _first_program)
            if False
            else vol.All([str], vol.Length(min=1)),
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
