"""Validate loaded YAML with voluptuous and turn failures into located ConfigErrors."""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

import voluptuous as vol

from core.errors import ConfigError, ConfigErrors
from core.yaml_loader import IncludedStr, SecretStr, locate

_LOGGER = logging.getLogger(__name__)

CREDENTIAL_KEY = re.compile(
    r"(?i)(^|_)(pass|passwd|password|passphrase|secret|token|key|api_?key|credentials?|auth|authorization)($|_)"
)
"""A key named like a credential: its value is never printed in an error."""
SHOWN_CHARACTERS = 80
"""The longest value an error quotes; a longer one is cut."""


def validate(
    schema: vol.Schema | Any,
    data: Any,
    *,
    path: tuple[Any, ...] = (),
    file: str | None = None,
    line: int | None = None,
) -> Any:
    """Return schema(data), or raise ConfigErrors naming file, line and key path for each error.

    file and line say where data itself was written, for errors no deeper node can locate
    (a section given as a plain value, like `roost: 5`).
    """
    if not isinstance(schema, vol.Schema):
        schema = vol.Schema(schema)
    try:
        return schema(data)
    except vol.MultipleInvalid as err:
        raise ConfigErrors(
            [humanize(e, data, path=path, file=file, line=line, schema=schema) for e in err.errors]
        ) from None
    except vol.Invalid as err:
        raise ConfigErrors([humanize(err, data, path=path, file=file, line=line, schema=schema)]) from None


def humanize(
    err: vol.Invalid,
    data: Any,
    *,
    path: tuple[Any, ...] = (),
    file: str | None = None,
    line: int | None = None,
    schema: Any = None,
) -> ConfigError:
    """One voluptuous error as a ConfigError with the location of the offending key (an unknown key with the
    known one most like it, when schema, the one data was checked against, tells)."""
    rel = tuple(_plain(p) for p in err.path)
    found_file, found_line = locate(data, rel)
    if line is not None and not _descends(data, rel):
        # The error is about data itself or a key missing from it: point at the key holding it.
        found_file, found_line = file, line
    elif found_line is None:
        found_file, found_line = found_file or file, line
    message = _describe(err, data, rel, schema)
    return ConfigError(message, file=found_file or file, line=found_line, path=path + rel)


def removed(key: str, *, section: str, why: str) -> Callable[[Any], Any]:
    """A validator that leaves out a key Roost no longer reads, with a WARNING saying where it is and why it went.

    A key that went is no reason to refuse a configuration that worked before (Home Assistant's cv.removed does
    the same).
    """
    def leave_out(value: Any) -> Any:
        if not isinstance(value, dict) or key not in value:
            return value
        file, line = locate(value, (key,))
        where = f"{file}:{line}: " if file and line else ""
        _LOGGER.warning("%s%s.%s is no longer used, and is left out: %s. Remove it from the file.",
                        where, section, key, why)
        return {name: item for name, item in value.items() if name != key}
    return leave_out


def one_of(*words: str) -> Callable[[Any], str]:
    """A validator of one of words as YAML gives them: a bare ``off`` reads as false there (YAML 1.1), which is
    taken as "off" when that is one of the words (``streaming: off``)."""
    choice = vol.In(words)

    def check(value: Any) -> str:
        return "off" if value is False and "off" in words else choice(value)
    return check


def did_you_mean(word: str, known: Iterable[str], cutoff: float = 0.6) -> str:
    """The hint " (did you mean 'X'?)" with X the known name most like word, or "" when none is close."""
    close = difflib.get_close_matches(word, sorted(known), 1, cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe(err: vol.Invalid, data: Any, path: tuple[Any, ...], schema: Any) -> str:
    message = err.error_message or str(err)
    if message == "extra keys not allowed":
        key = path[-1] if path else "?"
        return f"unknown key '{key}'" + did_you_mean(str(key), _keys_at(schema, path[:-1]))
    if message == "required key not provided":
        return f"required key '{path[-1] if path else '?'}' is missing"
    value = _lookup(data, path)
    if value is _MISSING or isinstance(value, (dict, list)):
        return message
    hidden = _withheld(value, path)
    if hidden is None:
        if repr(value) in message:  # the validator said it already
            return message
        shown = repr(value) if len(repr(value)) <= SHOWN_CHARACTERS else repr(value)[:SHOWN_CHARACTERS] + "…"
        return f"{message} (got {shown})"
    # A validator may have quoted the value in its message; as a bare word only, not inside an example
    # ("a token like 123456:ABC-def" keeps its digits when the token given was "12345").
    if len(repr(value)) >= 3:
        message = message.replace(repr(value), "[withheld]")
    if len(form := str(value)) >= 3:
        message = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", "[withheld]", message)
    return f"{message} (got {hidden})"


def _withheld(value: Any, path: tuple[Any, ...]) -> str | None:
    """How to describe a value that must not be printed; None when it may be."""
    if isinstance(value, IncludedStr):
        return f"the content of {value.file}"
    size = f"{len(value)} characters" if isinstance(value, str) else f"a value of type {type(value).__name__}"
    if isinstance(value, SecretStr):
        return f"{size} from {value.source}"
    if path and isinstance(path[-1], str) and CREDENTIAL_KEY.search(path[-1]):
        return f"{size}, not shown: '{path[-1]}' holds a credential"
    return None


_MISSING = object()


def _keys_at(schema: Any, path: tuple[Any, ...]) -> set[str]:
    """The keys schema names for the mapping at path: best effort through Schema, All, Any and lists (none
    where a validator decides in code)."""
    if isinstance(schema, vol.Schema):
        return _keys_at(schema.schema, path)
    if isinstance(schema, vol.All | vol.Any):
        return set().union(*(_keys_at(v, path) for v in schema.validators))
    if isinstance(schema, list):
        return set().union(*(_keys_at(v, path[1:]) for v in schema)) if path and isinstance(path[0], int) else set()
    if not isinstance(schema, dict):
        return set()
    if not path:
        return {key for key in map(_plain, schema) if isinstance(key, str)}
    return set().union(*(_keys_at(value, path[1:]) for key, value in schema.items() if _plain(key) == path[0]))


def _descends(data: Any, path: tuple[Any, ...]) -> bool:
    """Whether the first step of path exists inside data."""
    if not path:
        return False
    if isinstance(data, dict):
        return path[0] in data
    return isinstance(data, list) and isinstance(path[0], int) and 0 <= path[0] < len(data)


def _lookup(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for key in path:
        if isinstance(node, str):  # a text where a list was expected is its only item (not its letters)
            return node
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node


def _plain(part: Any) -> Any:
    # voluptuous puts schema markers (Required/Optional) into paths; keep their key.
    return getattr(part, "schema", part)
