"""Templates in a sandboxed jinja2 environment, compiled once and rendered per run."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from core.errors import ConfigError

_ENV = ImmutableSandboxedEnvironment(
    undefined=jinja2.ChainableUndefined, autoescape=False, keep_trailing_newline=True
)
_SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(.*)\}\}\s*$", re.DOTALL)


class TemplateError(Exception):
    """A template failed to render; the message says which template and why."""


class Template:
    """A string that may contain jinja2 markup; static strings skip jinja entirely."""

    __slots__ = ("source", "_template", "_expression", "file", "line")

    def __init__(self, source: str, *, file: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.file = file if file is not None else getattr(source, "file", None)
        self.line = line if line is not None else getattr(source, "line", None)
        self._template: jinja2.Template | None = None
        self._expression: Any = None
        if not is_template(source):
            return
        try:
            self._template = _ENV.from_string(source)
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
