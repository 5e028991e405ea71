"""YAML with locations: every mapping and scalar remembers its file and line.

Tags: ``!secret NAME`` (from secrets.yaml beside the file, or above it up to the config
root), ``!include FILE``, ``!env_var NAME [default]`` and, in blueprints, ``!input NAME``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.errors import ConfigError

SECRETS_FILE = "secrets.yaml"


class NodeDict(dict):
    """A mapping that knows where it and each of its keys were written."""

    file: str | None = None
    line: int | None = None
    key_lines: dict[Any, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}


class NodeList(list):
    """A sequence that knows where it and each of its items were written."""

    file: str | None = None
    line: int | None = None
    item_lines: list[int]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines = []


class NodeStr(str):
    """A string that knows where it was written."""

    file: str | None = None
    line: int | None = None


class SecretStr(str):
    """A value from secrets.yaml or the environment: errors and logs never print it."""

    source: str = SECRETS_FILE


class IncludedStr(NodeStr):
    """A whole file brought in as one string by !include: errors name the file, never its content."""


def secret_values(data: Any) -> set[str]:
    """Every SecretStr inside loaded data (for redacting them from logs)."""
    if isinstance(data, SecretStr):
        return {str(data)}
    if isinstance(data, dict):
        return set().union(*map(secret_values, data.values()))
    if isinstance(data, list):
        return set().union(*map(secret_values, data))
    return set()


@dataclass(frozen=True, slots=True)
class InputRef:
    """A ``!input NAME`` placeholder in a blueprint, replaced when the blueprint is used."""

    name: str
    file: str | None
    line: int | None


# Files being loaded through !include right now (loading is synchronous, one file at a time).
_INCLUDING: list[str] = []


def load_yaml(path: str | os.PathLike[str], *, root: Path | None = None) -> Any:
    """Load a YAML file with locations and tags; raise ConfigError naming file and line."""
    path = Path(path)
    if not _INCLUDING:
        _INCLUDING.append(str(path.resolve()))
        try:
            return load_yaml(path, root=root)
        finally:
            _INCLUDING.clear()
    root = root or path.parent
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(f"the file is larger than {MAX_FILE_BYTES // 1024} KiB; a configuration"
                              " file this large is refused", file=str(path))
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(f"the file is not UTF-8 text: byte 0x{data[err.start]:02x} cannot be read"
                          " (save it as UTF-8)", file=str(path), line=data[:err.start].count(b"\n") + 1) from None
    except FileNotFoundError:
        raise ConfigError("file not found", file=str(path)) from None
    except OSError as err:
        raise ConfigError(f"cannot read file: {err.strerror}", file=str(path)) from None
    return parse_yaml(text, file=str(path), root=root)


def parse_yaml(text: str, *, file: str, root: Path | None = None) -> Any:
    """Parse YAML text as if it came from file (for locations and relative includes)."""
    refused = _NOT_IN_YAML.search(text)  # a NUL or another character YAML does not allow
    if refused is not None:
        line = text.count("\n", 0, refused.start()) + 1
        raise ConfigError(f"invalid YAML: the character U+{ord(refused.group()):04X} is not allowed in a YAML file",
                          file=file, line=line)
    loader = _Loader(text)
    loader.roost_file = file
    loader.roost_root = root or Path(file).parent
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, file)
        data = None if node is None else loader.construct_document(node)
    except ConfigError:
        raise
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = err.problem or err.context or "invalid YAML"
        if mark is not None and "\t" in text.split("\n")[mark.line][: mark.column + 1]:
            problem += " (YAML does not allow tabs for indentation; use spaces)"
        raise ConfigError(f"invalid YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as err:
        raise ConfigError(f"invalid YAML: {err}", file=file) from None
    finally:
        loader.dispose()
    return NodeDict() if data is None else data


def locate(data: Any, path: tuple[Any, ...]) -> tuple[str | None, int | None]:
    """Find the file and line of the deepest node on a key path inside loaded data."""
    file = getattr(data, "file", None)
    line = getattr(data, "line", None)
    node = data
    for key in path:
        if isinstance(node, NodeDict):
            if key in node.key_lines:
                line = node.key_lines[key]
                file = node.file or file
            if key not in node:
                break  # a missing key: report the line of the key that should hold it
            node = node[key]
        elif isinstance(node, NodeList) and isinstance(key, int) and 0 <= key < len(node):
            if key < len(node.item_lines):
                line = node.item_lines[key]
                file = node.file or file
            node = node[key]
        else:
            break
        # A mapping or list is reported at the key that holds it (its own line is that of its
        # first child), unless it came from another file through !include.
        node_file, node_line = getattr(node, "file", None), getattr(node, "line", None)
        if node_line is not None and (isinstance(node, NodeStr) or node_file != file):
            file, line = node_file, node_line
    return file, line


MAX_FILE_BYTES = 1024 * 1024
"""The largest configuration file (or included file) Roost reads."""
MAX_NODES = 100_000
"""The most values a file may expand to, aliases counted each time they are used (an alias bomb
of a dozen lines expands to billions)."""


def _check_expansion(root: yaml.Node, file: str) -> None:
    """Refuse a document whose aliases expand it past MAX_NODES, naming the line where it happens."""
    sizes: dict[int, int] = {}

    def children(node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.MappingNode):
            return [child for pair in node.value for child in pair]
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        return []

    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # sizes bottom-up; an alias is the same node object, sized once
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        if done:
            sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(sizes[id(c)] for c in children(node)))
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children(node) if id(child) not in sizes)
    if sizes[id(root)] <= MAX_NODES:
        return
    node = root
    while True:  # the innermost value that expands too far
        bigger = [c for c in children(node) if sizes[id(c)] > MAX_NODES]
        if not bigger:
            break
        node = bigger[0]
    raise ConfigError(f"this value expands to more than {MAX_NODES:,} values (aliases used over and"
                      " over: an alias bomb?); refused", file=file, line=node.start_mark.line + 1)


_NOT_IN_YAML = yaml.reader.Reader.NON_PRINTABLE

# libyaml's parser where PyYAML has it, with the same constructors: the blueprints and example
# configuration (10 files) load in 6 ms instead of 28, identical with their lines.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    roost_file: str = "<string>"
    roost_root: Path = Path(".")


def _where(loader: _Loader, node: yaml.Node) -> tuple[str, int]:
    return loader.roost_file, node.start_mark.line + 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> NodeDict:
    loader.flatten_mapping(node)
    result = NodeDict()
    result.file, result.line = _where(loader, node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ConfigError(
                "a mapping key must be a plain value", file=loader.roost_file,
                line=key_node.start_mark.line + 1,
            ) from None
        if key in result:
            raise ConfigError(
                f"duplicate key '{key}'", file=loader.roost_file,
                line=key_node.start_mark.line + 1,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> NodeList:
    result = NodeList(loader.construct_object(child, deep=True) for child in node.value)
    result.file, result.line = _where(loader, node)
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> NodeStr:
    result = NodeStr(loader.construct_scalar(node))
    result.file, result.line = _where(loader, node)
    return result


def _construct_secret(loader: _Loader, node: yaml.Node) -> Any:
    file, line = _where(loader, node)
    if Path(file).name == SECRETS_FILE:
        raise ConfigError(f"!secret cannot be used in {SECRETS_FILE}", file=file, line=line)
    name = str(loader.construct_scalar(node)).strip()
    here = Path(file).parent.resolve()
    root = loader.roost_root.resolve()
    searched: list[str] = []
    while True:
        candidate = here / SECRETS_FILE
        searched.append(str(candidate))
        if candidate.is_file():
            secrets = load_yaml(candidate, root=root)
            if isinstance(secrets, dict) and name in secrets:
                value = secrets[name]
                return SecretStr(value) if isinstance(value, str) else value
        if here == root or root not in here.parents:
            break
        here = here.parent
    raise ConfigError(
        f"secret '{name}' is not defined in {SECRETS_FILE} (looked in {', '.join(searched)})",
        file=file, line=line,
    )


def _construct_include(loader: _Loader, node: yaml.Node) -> Any:
    file, line = _where(loader, node)
    target = Path(file).parent / str(loader.construct_scalar(node)).strip()
    if not target.is_file():
        raise ConfigError(f"included file {target} does not exist", file=file, line=line)
    resolved = str(target.resolve())
    if resolved in _INCLUDING:
        raise ConfigError(f"!include cycle: {target} is already being loaded", file=file, line=line)
    _INCLUDING.append(resolved)
    try:
        data = load_yaml(target, root=loader.roost_root)
    finally:
        _INCLUDING.pop()
    if isinstance(data, str) and not isinstance(data, SecretStr):
        data = IncludedStr(data)
        data.file, data.line = str(target), 1
    return data


def _construct_env_var(loader: _Loader, node: yaml.Node) -> Any:
    file, line = _where(loader, node)
    parts = str(loader.construct_scalar(node)).split(maxsplit=1)
    if not parts:
        raise ConfigError("!env_var needs a variable name", file=file, line=line)
    value = os.environ.get(parts[0])
    if value is not None:
        secret = SecretStr(value)
        secret.source = f"the environment variable {parts[0]}"
        return secret
    if len(parts) == 2:
        return yaml.safe_load(parts[1])
    raise ConfigError(
        f"environment variable {parts[0]} is not set and no default was given",
        file=file, line=line,
    )


def _construct_input(loader: _Loader, node: yaml.Node) -> InputRef:
    file, line = _where(loader, node)
    return InputRef(str(loader.construct_scalar(node)).strip(), file, line)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Loader.add_constructor("!secret", _construct_secret)
_Loader.add_constructor("!include", _construct_include)
_Loader.add_constructor("!env_var", _construct_env_var)
_Loader.add_constructor("!input", _construct_input)
