"""Templates in a sandboxed jinja2 environment, compiled once and rendered per run."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from core.errors import ConfigError

_ENV = ImmutableSandboxedEnvironment(
    undefined=jinja2.ChainableUndefined, autoescape=False, keep_trailing_newline=True
)
_SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(.*)\}\}\s*$", re.DOTALL)
_MISSING = object()
_SPECIAL_NAMES = frozenset({"self", "loop", "varargs", "kwargs", "caller", "super"})
Lookups = tuple[str | tuple[str, ...], ...]


class TemplateError(Exception):
    """A template failed to render; the message says which template and why."""


class Template:
    """A string that may contain jinja2 markup; static strings skip jinja entirely."""

    __slots__ = ("source", "_template", "_expression", "_lookups", "file", "line")

    def __init__(self, source: str, *, file: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.file = file if file is not None else getattr(source, "file", None)
        self.line = line if line is not None else getattr(source, "line", None)
        self._template: jinja2.Template | None = None
        self._expression: Any = None
        self._lookups: Lookups | None = None
        if not is_template(source):
            return
        try:
            self._template = _ENV.from_string(source)
            self._lookups = _plain_lookups(source)
            single = _SINGLE_EXPRESSION.match(source)
            if single and "}}" not in single.group(1) and "{{" not in single.group(1):
                self._expression = _ENV.compile_expression(single.group(1).strip(), undefined_to_none=False)
        except jinja2.TemplateSyntaxError as err:
            raise ConfigError(
                f"template syntax error: {err.message}", file=self.file, line=self.line
            ) from None

    @property
    def is_static(self) -> bool:
        """True when the text has no template markup."""
        return self._template is None

    def render(self, variables: Mapping[str, Any]) -> str:
        """Render to a string."""
        if self._template is None:
            return str(self.source)
        if self._lookups is not None:
            text = _render_lookups(self._lookups, variables)
            if text is not None:
                return text
        try:
            return self._template.render(variables)
        except Exception as err:  # jinja raises many types; all mean "this template failed"
            raise TemplateError(f"template {self.source!r} failed: {err}") from err

    def render_native(self, variables: Mapping[str, Any]) -> Any:
        """Render keeping the value's type when the template is one expression ("{{ x }}")."""
        if self._expression is None:
            return self.render(variables)
        try:
            value = self._expression(**variables)
        except Exception as err:
            raise TemplateError(f"template {self.source!r} failed: {err}") from err
        if isinstance(value, jinja2.Undefined):
            return None
        return value

    def __repr__(self) -> str:
        return f"Template({self.source!r})"


def _plain_lookups(source: str) -> Lookups | None:
    """Text and dotted lookups ("re: {{ trigger.text }}") as parts, or None for anything else.

    Parsed by jinja itself, so what counts as text (newlines normalised, braces) is exactly
    what jinja renders. Names of dict methods ("items", "keys", ...) and names jinja gives a
    meaning of its own ("self", "loop", ...) are left to jinja.
    """
    try:
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return None
    parts: list[str | tuple[str, ...]] = []
    for node in tree.body[0].nodes:
        if isinstance(node, nodes.TemplateData):
            parts.append(node.data)
            continue
        path: list[str] = []
        while isinstance(node, nodes.Getattr):
            if hasattr(dict, node.attr):
                return None
            path.append(node.attr)
            node = node.node
        if not isinstance(node, nodes.Name) or node.name in _SPECIAL_NAMES:
            return None
        path.append(node.name)
        parts.append(tuple(reversed(path)))
    return tuple(parts)


def _render_lookups(parts: Lookups, variables: Mapping[str, Any]) -> str | None:
    """Render text and lookups the way jinja would; None when jinja must decide (a value is
    missing, or not a plain dict on the way), so undefined values and errors stay jinja's."""
    out: list[str] = []
    for part in parts:
        if type(part) is str:
            out.append(part)
            continue
        value = variables.get(part[0], _MISSING)
        for name in part[1:]:
            if type(value) is not dict:
                return None
            value = value.get(name, _MISSING)
        if value is _MISSING:
            return None
        try:
            out.append(str(value))
        except Exception:
            return None
    return "".join(out)


def is_template(value: Any) -> bool:
    """True when a string contains jinja2 markup."""
    return isinstance(value, str) and ("{{" in value or "{%" in value or "{#" in value)


def compile_value(value: Any) -> Any:
    """Turn every string with markup inside a structure into a Template."""
    if isinstance(value, str):
        return Template(value) if is_template(value) else value
    if isinstance(value, Mapping):
        return {k: compile_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [compile_value(v) for v in value]
    return value


def render_value(value: Any, variables: Mapping[str, Any]) -> Any:
    """Render every Template inside a structure built by compile_value."""
    if isinstance(value, Template):
        return value.render_native(variables)
    if isinstance(value, dict):
        return {k: render_value(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [render_value(v, variables) for v in value]
    return value
